"""Every fault, injected into every call kind, ends recorded on its case: never PENDING.

A real discord.py client against simcord, the real executor and services; only the wire
in front of simcord fails (``tests/bot/discord/transport.py``). Each fault kind is injected
once (a retry gets past it, or it is not worth retrying) and for good (every try fails),
and every injected fault must show up in the case's history: a retry survived or the
final failure, with its error code.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest
import simcord
import yaml

from bot.discord.faults import RetryPolicy
from bot.settings import DEFAULT_CONFIG
from bot.storage.records import Case, CaseEvent, CaseKind, CaseStatus, NewCase
from tests.bot.discord.transport import FAULTS, TRANSIENT, FaultyTransport
from tests.cogs.conftest import World

POLICY = RetryPolicy()


@dataclass(frozen=True)
class CallKind:
    method: str
    path: Callable[[World, simcord.MemberActor], str]
    #: Runs the scenario and returns the case it is about.
    trigger: Callable[[World, simcord.MemberActor], Awaitable[Case]]
    #: The call is the action itself (its failure fails the case), not the notice.
    sanction: bool = True
    #: Sending a DM is not retried after a timeout: it may have got through.
    idempotent: bool = True
    #: The call undoes the case's action (its case is resolved, or keeps its status).
    undo: bool = False
    #: A look-up made by the check before the notice and again before acting: a one-off
    #: fault costs at most the notice, never the action.
    lookup: bool = False
    #: Runs before the fault is injected (the action an undo undoes).
    setup: Callable[[World, simcord.MemberActor], Awaitable[Case]] | None = None


async def _last_case(world: World) -> Case:
    cases = await world.cases()
    return max(cases, key=lambda c: c.number)


async def _command(world: World, name: str, target: simcord.MemberActor,
                   **options: object) -> Case:
    result = await world.mod.slash(world.general, name, reason="fault test", **options)
    assert result.acknowledged
    return await _last_case(world)


async def _automod_delete(world: World, member: simcord.MemberActor) -> Case:
    await member.send(world.general, "you are an idiot")
    return await _last_case(world)


async def _undo(world: World, member: simcord.MemberActor, command: str) -> Case:
    """The member's last case (set up before the fault) undone by ``command``."""
    case = await _last_case(world)
    assert case.status is CaseStatus.APPLIED
    target = {"user": member.user} if command == "unban" else {"member": member}
    result = await world.mod.slash(world.general, command, **target)
    assert result.acknowledged
    return await world.case(case.number)


async def _quarantine(world: World, member: simcord.MemberActor) -> Case:
    if world.guild.roles.get("Quarantine") is None:
        role = world.guild.create_role("Quarantine")
        labels = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))["labels"]
        labels["insult"]["action"] = "quarantine"
        world.write_policy(labels=labels, discord={
            "review": world.review.id, "mod_log": world.modlog.id,
            "appeals": world.appeals.id, "quarantine_role": role.id})
        world.policy.reload()
    return await _automod_delete(world, member)


async def _cold_cache(world: World, member: simcord.MemberActor) -> Case:
    """A case carried out by a freshly started bot that knows no members yet."""
    services = world.bot.services
    guild = world.bot.get_guild(world.guild.id)
    assert guild is not None
    cached = guild.get_member(member.id)
    assert cached is not None
    guild._remove_member(cached)  # as after a restart: only the bot itself is cached
    case = await services.db.cases.create(NewCase(
        world.guild.id, member.id, "timeout", "fault test", CaseStatus.PENDING,
        kind=CaseKind.MANUAL, moderator_id=world.mod.id, duration_minutes=30,
    ), services.cases.clock())
    done = await services.cases.carry_out(case)
    await world.env.settle()  # the mod log's edit, heard from outside any interaction
    return done


def _dm(world: World, member: simcord.MemberActor) -> str:
    return f"/channels/{member.user.dm_channel.id}/messages"


def _member(world: World, member: simcord.MemberActor) -> str:
    return f"/guilds/{world.guild.id}/members/{member.id}"


def _ban(world: World, member: simcord.MemberActor) -> str:
    return f"/guilds/{world.guild.id}/bans/{member.id}"


CALL_KINDS = {
    "dm": CallKind("POST", _dm, lambda w, m: _command(w, "timeout", m, member=m, minutes=30),
                   sanction=False, idempotent=False),
    "delete": CallKind("DELETE", lambda w, m: f"/channels/{w.general.id}/messages/*",
                       _automod_delete),
    "timeout": CallKind("PATCH", _member,
                        lambda w, m: _command(w, "timeout", m, member=m, minutes=30)),
    "kick": CallKind("DELETE", _member, lambda w, m: _command(w, "kick", m, member=m)),
    "ban": CallKind("PUT", _ban, lambda w, m: _command(w, "ban", m, user=m)),
    "unban": CallKind("DELETE", _ban, lambda w, m: _undo(w, m, "unban"), undo=True,
                      setup=lambda w, m: _command(w, "ban", m, user=m)),
    "untimeout": CallKind("PATCH", _member, lambda w, m: _undo(w, m, "untimeout"), undo=True,
                          setup=lambda w, m: _command(w, "timeout", m, member=m, minutes=30)),
    "quarantine": CallKind(
        "PUT", lambda w, m: f"/guilds/{w.guild.id}/members/{m.id}/roles/*", _quarantine),
    "fetch_member": CallKind("GET", _member, _cold_cache, lookup=True),
}


def recorded_faults(events: list[CaseEvent]) -> int:
    """Faults the history shows: each retry survived, and each final failure."""
    count = 0
    for event in events:
        count += len(event.detail.get("retried", []))
        if event.detail.get("ok") is False and "fault" in event.detail:
            count += 1
    return count


def _expect_success(kind: CallKind, fault: str, times: int | None) -> bool:
    if times is not None and kind.lookup:
        return True
    if times is None or fault not in TRANSIENT:
        return False
    return kind.idempotent or fault != "timeout"


@pytest.mark.parametrize("kind_name", sorted(CALL_KINDS))
async def test_every_fault_ends_recorded(world: World, kind_name: str) -> None:
    kind = CALL_KINDS[kind_name]
    waits: list[float] = []

    async def record_wait(seconds: float) -> None:
        waits.append(seconds)

    world.bot.executor.sleep = record_wait
    transport = FaultyTransport(world.bot)
    recorded = unitemised = 0
    for n, fault in enumerate(FAULTS):
        for times in (1, None):
            member = world.guild.add_member(world.env.create_user(f"m{n}-{times}"))
            if kind.setup is not None:
                await kind.setup(world, member)
            before = transport.total
            transport.fail(kind.method, kind.path(world, member), fault, times=times)
            case = await kind.trigger(world, member)
            transport.clear()
            injected = transport.total - before
            label = f"{kind_name} / {fault} / {'once' if times else 'always'}"

            assert injected >= 1, label
            assert case.status is not CaseStatus.PENDING, label
            events = await world.events(case)
            last = events[-1]
            if kind.undo and last.kind == "resolved":
                # CaseService.resolve records a successful undo without its detail, so
                # the retries it survived are not itemised; the outcome is recorded.
                unitemised += injected - recorded_faults(events)
            else:
                assert recorded_faults(events) == injected, (label, [e.detail for e in events])
            recorded += injected
            if kind.undo:
                ok = last.kind == "resolved"
                assert case.status is (CaseStatus.REVERSED if ok else CaseStatus.APPLIED), label
                failure = None if ok else last
            elif kind.sanction:
                ok = case.status is CaseStatus.APPLIED
                failure = None if ok else last
            else:  # the notice: its failure is recorded, the action still happens
                assert case.status is CaseStatus.APPLIED, label
                [notice] = [e for e in events if e.kind in ("member_notified", "notify_failed")]
                ok = notice.kind == "member_notified"
                failure = None if ok else notice
            assert ok is _expect_success(kind, fault, times), label
            if failure is not None:
                detail = failure.detail
                assert detail["fault"] in (
                    "rate_limited", "server_error", "refused", "timeout", "connection"), label
                assert detail.get("code") or detail["fault"] in ("timeout", "connection"), label
                if kind.sanction and not kind.undo:
                    assert case.last_error, label
                    # Told of it, then it failed: corrected. A failed check told nobody.
                    told = any(e.kind == "member_notified" for e in events)
                    assert detail.get("correction_sent") is (True if told else None), label
    assert not [c for c in await world.cases() if c.status is CaseStatus.PENDING]
    # Retry-After is honoured to the letter; other waits back off within the policy's cap.
    assert 0.25 in waits
    assert all(0 < w <= POLICY.cap * 1.25 for w in waits)
    print(f"\n{kind_name}: {transport.total} faults injected, {recorded} recorded "
          f"({unitemised} survived retries of a successful undo not itemised)")
    assert recorded == transport.total
