"""A case resumed after a crash between starting its action and recording it: the real
executor asks Discord (simcord) whether the action is in place before acting again."""

from __future__ import annotations

import pytest

from bot.storage.records import Case, CaseKind, CaseStatus, NewCase
from tests.cogs.conftest import World


async def _interrupted(world: World, action: str, minutes: int | None = None) -> Case:
    """A case whose action went through, then the process died before recording it."""
    services = world.bot.services
    case = await services.db.cases.create(NewCase(
        world.guild.id, world.alice.id, action, "crash test", CaseStatus.PENDING,
        kind=CaseKind.MANUAL, moderator_id=world.mod.id, duration_minutes=minutes,
    ), services.cases.clock())
    for step in ("notify_started", "member_notified", "apply_started"):
        await services.cases.note(case, step)
    outcome = await world.bot.executor.apply(case)  # the run that died did this much
    assert outcome.ok, outcome.error
    return case


def _calls(world: World, method: str, fragment: str) -> int:
    return sum(1 for r in world.env.http_requests if r.method == method and fragment in r.path)


@pytest.mark.parametrize(("action", "method", "fragment"), [
    ("ban", "PUT", "/bans/"),
    ("timeout", "PATCH", "/members/"),
    ("kick", "DELETE", "/members/"),
])
async def test_an_action_in_place_is_recorded_not_repeated(
    world: World, action: str, method: str, fragment: str
) -> None:
    case = await _interrupted(world, action, 30 if action == "timeout" else None)
    before = _calls(world, method, fragment)

    (resumed,) = await world.bot.services.cases.reconcile()
    await world.env.settle()  # the mod log hears the outcome

    assert resumed.id == case.id
    assert resumed.status is CaseStatus.APPLIED
    assert _calls(world, method, fragment) == before  # asked Discord, did not act again
    last = (await world.events(resumed))[-1]
    assert last.kind == "reconciled"
    assert last.detail["already_applied"] is True
    if action == "kick":  # what shows a kick in place: the member is no longer there
        assert last.detail["member_gone"] is True


async def test_an_action_not_in_place_is_carried_out_on_resume(world: World) -> None:
    services = world.bot.services
    case = await services.db.cases.create(NewCase(
        world.guild.id, world.alice.id, "ban", "crash test", CaseStatus.PENDING,
        kind=CaseKind.MANUAL, moderator_id=world.mod.id,
    ), services.cases.clock())
    await services.cases.note(case, "notify_started")
    await services.cases.note(case, "member_notified")
    await services.cases.note(case, "apply_started")  # died before the ban call

    (resumed,) = await services.cases.reconcile()
    await world.env.settle()

    assert resumed.status is CaseStatus.APPLIED
    assert world.guild.get_ban(world.alice) is not None
    assert _calls(world, "PUT", "/bans/") == 1
    assert _calls(world, "POST", f"/channels/{world.alice.user.dm_channel.id}/messages") == 0
