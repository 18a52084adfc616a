"""Discord calls that fail: which failures are worth retrying, and how each is recorded.

Every call the executor makes goes through :meth:`Trace.call`. Rate limits (429), server
errors (5xx), dropped connections and timeouts are retried with bounded, jittered backoff
that honours Discord's ``Retry-After``; anything else fails at once. Whatever still fails
becomes an :class:`ActionOutcome` carrying the error code, so the case is always resolved.

Codes on a failure: Discord's JSON error code (50013 missing permissions ...), or the HTTP
status where Discord gave none (a bare 429 or 503). Transport failures have no code;
``detail["fault"]`` names the kind of every failure (and of every retried one).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import aiohttp
import discord

from bot.actions import ActionOutcome

log = logging.getLogger(__name__)

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]

#: Failures below the HTTP layer: connection refused or reset, DNS, a read timeout.
TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (
    aiohttp.ClientError, asyncio.TimeoutError, OSError,
)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    #: Tries in all, the first included.
    attempts: int = 4
    #: First backoff; it doubles each try, with up to 25% jitter.
    base: float = 0.5
    #: Longest single wait.
    cap: float = 8.0
    #: A longer Retry-After (a global or shared limit) is not waited out: fail now, as 429.
    max_retry_after: float = 30.0
    #: One try that takes longer is abandoned as a timeout (aiohttp's own limit is 5 min).
    call_timeout: float = 30.0


@dataclass(frozen=True, slots=True)
class Fault:
    """One failed call, in the terms recorded on the case."""

    call: str
    kind: str  # rate_limited, server_error, refused, timeout, connection, error
    error: str
    status: int | None = None
    code: int | None = None
    retry_after: float | None = None

    @property
    def retryable(self) -> bool:
        return self.kind in ("rate_limited", "server_error", "timeout", "connection")

    def record(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"call": self.call, "fault": self.kind}
        if self.status is not None:
            entry["status"] = self.status
        if self.code is not None:
            entry["code"] = self.code
        return entry


def classify(call: str, exc: BaseException) -> Fault:
    if isinstance(exc, discord.RateLimited):
        return Fault(call, "rate_limited", str(exc), 429, 429, exc.retry_after)
    if isinstance(exc, discord.HTTPException):
        status = exc.status
        code = exc.code or status  # a bare 429 / 503 has no JSON code: record the status
        text = str(exc) or f"HTTP {status}"
        if status == 429:
            return Fault(call, "rate_limited", text, status, code, _retry_after(exc))
        if status >= 500:
            return Fault(call, "server_error", text, status, code)
        return Fault(call, "refused", text, status, code)
    if isinstance(exc, asyncio.TimeoutError):
        return Fault(call, "timeout", f"{call}: Discord did not answer in time")
    if isinstance(exc, TRANSPORT_ERRORS):
        return Fault(call, "connection", f"{call}: connection to Discord failed ({exc!r})")
    return Fault(call, "error", f"{call}: unexpected error ({exc!r})")


def _retry_after(exc: discord.HTTPException) -> float | None:
    headers = getattr(exc.response, "headers", None) or {}
    for name in ("Retry-After", "X-RateLimit-Reset-After"):
        value = headers.get(name)
        if value is not None:
            try:
                return max(0.0, float(value))
            except ValueError:
                continue
    return None


class CallFailedError(Exception):
    """A call failed for good; raised out of :meth:`Trace.call` and read by the executor."""

    def __init__(self, fault: Fault) -> None:
        super().__init__(fault.error)
        self.fault = fault


@dataclass
class Trace:
    """The calls of one executor operation (a notice, an action, an undo) and their faults."""

    policy: RetryPolicy
    sleep: Sleep
    retried: list[dict[str, Any]] = field(default_factory=list)

    async def call(
        self, name: str, make: Callable[[], Awaitable[T]], *,
        passthrough: tuple[type[discord.HTTPException], ...] = (), idempotent: bool = True,
    ) -> T:
        """Run ``make()`` with retries; exceptions in ``passthrough`` (NotFound) reach the caller.

        A call that is not ``idempotent`` (sending a DM) is not retried after a timeout:
        the first try may have got through, and a member should not read a notice twice.
        """
        for attempt in range(1, self.policy.attempts + 1):
            try:
                return await asyncio.wait_for(make(), self.policy.call_timeout)
            except passthrough:
                raise
            except Exception as exc:  # every failure ends as a recorded fault
                fault = classify(name, exc)
                if fault.kind == "error":
                    log.exception("unexpected error from Discord call %s", name)
                wait = None if fault.kind == "timeout" and not idempotent else (
                    self._wait(fault, attempt))
                if wait is None:
                    raise CallFailedError(fault) from exc
                log.info("%s failed (%s), retry %d in %.2fs", name, fault.error, attempt, wait)
                self.retried.append({**fault.record(), "waited": round(wait, 3)})
                await self.sleep(wait)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _wait(self, fault: Fault, attempt: int) -> float | None:
        if not fault.retryable or attempt >= self.policy.attempts:
            return None
        if fault.retry_after is not None:
            if fault.retry_after > self.policy.max_retry_after:
                return None
            return fault.retry_after
        backoff = min(self.policy.cap, self.policy.base * 2 ** (attempt - 1))
        return backoff * (1 + random.random() / 4)  # jitter, not security

    # ----------------------------------------------------------- outcomes

    def detail(self, **detail: Any) -> dict[str, Any]:
        return {**detail, "retried": self.retried} if self.retried else detail

    def success(self, **detail: Any) -> ActionOutcome:
        return ActionOutcome(True, detail=self.detail(**detail))

    def refused(self, refusal: ActionOutcome, **detail: Any) -> ActionOutcome:
        """A check's refusal (missing permission, hierarchy) with this trace's retries."""
        return ActionOutcome(False, refusal.error, refusal.code,
                             self.detail(**refusal.detail, **detail))

    def failure(self, exc: BaseException, call: str = "discord", **detail: Any) -> ActionOutcome:
        fault = exc.fault if isinstance(exc, CallFailedError) else classify(call, exc)
        if fault.kind == "error" and not isinstance(exc, CallFailedError):
            log.error("unexpected error in %s", call, exc_info=exc)
        recorded = {k: v for k, v in fault.record().items() if k != "code"}
        return ActionOutcome(False, fault.error, fault.code, self.detail(**recorded, **detail))
