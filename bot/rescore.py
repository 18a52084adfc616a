"""An edited message scored again: what becomes of the cases already opened on it.

One message carries at most one live case. A message that already carries a live sanction
(recorded or carried out) gets no second one from an edit; the new verdict is noted on it.
Otherwise its open review item is closed, so its buttons can no longer act, and the new
verdict (a fresh review item with the edited text, a sanction, or nothing) is opened in its
place. Both paths take :attr:`CaseService.decisions`, the lock review decisions hold, so
an edit and a moderator's click on the same item never both act.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.action_kinds import action_spec
from bot.cases import CaseService
from bot.storage.records import Case, CaseKind, CaseStatus, NewCase

#: A case in these states has done, or is doing, something to the member.
LIVE = frozenset({CaseStatus.PENDING, CaseStatus.APPLIED})


def live_sanction(cases: Sequence[Case], *, besides: Case | None = None) -> Case | None:
    """The first case in ``cases`` (other than ``besides``) that acts and is live."""
    for case in cases:
        if besides is not None and case.id == besides.id:
            continue
        if case.status in LIVE and action_spec(case.action).acts:
            return case
    return None


async def settle(cases: CaseService, guild_id: int, message_id: int,
                 new: NewCase | None) -> NewCase | None:
    """Close or annotate the message's earlier cases; the case still to open, if any.

    Safe to run again after a locked database: closed items are not closed twice."""
    if not await cases.for_message(guild_id, message_id):
        return new  # most edits: nothing to retire, so no wait behind a moderator's click
    async with cases.decisions:
        earlier = await cases.for_message(guild_id, message_id)
        sanction = live_sanction(earlier)
        if sanction is not None:
            if new is not None:
                await cases.note(sanction, "rescored", detail={
                    "action": new.action, "reason": new.reason, "outcome": "no second case",
                })
            note, kept = f"edited: the message already carries case #{sanction.number}", None
        elif new is None:
            note, kept = "edited: the new text needs no review", None
        elif new.status is CaseStatus.OPEN:
            note, kept = "edited: queued again with the new text", new
        else:
            note, kept = f"edited: the new text was scored as {new.action}", new
        for review in earlier:
            if review.status is CaseStatus.OPEN and review.kind is CaseKind.MESSAGE:
                await cases.resolve(review, actor_id=None, note=note, reverse=False)
        return kept
