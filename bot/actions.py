"""What carrying out a case means, as a protocol the Discord adapter implements.

The core records a case first, then asks an executor to act, then records the outcome.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.storage.records import Case


@dataclass(frozen=True, slots=True)
class ActionOutcome:
    ok: bool
    #: Human-readable failure, recorded on the case (e.g. "403 Missing Permissions").
    error: str | None = None
    #: Discord JSON error code when there is one (50013 missing permissions, 50007 closed DMs).
    code: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def success(cls, **detail: Any) -> ActionOutcome:
        return cls(True, detail=detail)

    @classmethod
    def failure(cls, error: str, code: int | None = None) -> ActionOutcome:
        return cls(False, error=error, code=code)


class ActionExecutor(Protocol):
    async def notify(self, case: Case) -> ActionOutcome:
        """Tell the member about the case (DM with reason and an appeal button)."""
        ...

    async def apply(self, case: Case, *, told: bool = False,
                    resumed: bool = False) -> ActionOutcome:
        """Carry out the case's action.

        ``told``: the member was notified of it (a failure then owes them a correction).
        ``resumed``: an earlier run may have carried it out before it stopped; check the
        member's state first (already banned, timed out, gone) and do not act twice."""
        ...

    async def reverse(self, case: Case) -> ActionOutcome:
        """Undo the action where it can be undone (unban, end timeout, remove role)."""
        ...

    async def tell(self, member_id: int, text: str) -> ActionOutcome:
        """Send the member a plain DM (appeal decisions)."""
        ...


class OfflineExecutor:
    """For replay and tooling without Discord: acting is impossible, so it says so."""

    async def notify(self, case: Case) -> ActionOutcome:
        return ActionOutcome.failure("offline: no Discord connection")

    async def apply(self, case: Case, *, told: bool = False,
                    resumed: bool = False) -> ActionOutcome:
        return ActionOutcome.failure("offline: no Discord connection")

    async def reverse(self, case: Case) -> ActionOutcome:
        return ActionOutcome.failure("offline: no Discord connection")

    async def tell(self, member_id: int, text: str) -> ActionOutcome:
        return ActionOutcome.failure("offline: no Discord connection")
