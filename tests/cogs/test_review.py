"""The review queue: grey-band posts, decisions, permissions, restarts, campaign alerts."""

from __future__ import annotations

from datetime import datetime

import discord
import simcord

from bot.coordination import CoordinationAlert
from bot.event import AuthorFacts
from bot.policy_config import Policy
from bot.review import ReviewDecision
from bot.storage.records import CaseKind, CaseStatus
from tests.cogs.conftest import World

GREY = "what a moron"  # FakeScorer: toxicity 0.7, insult 0.6: review band, not act band


def labels(message: discord.Message) -> list[str]:
    return [child.label or "" for row in message.components for child in row.children]  # type: ignore[attr-defined]


async def post_grey(world: World) -> tuple[discord.Message, discord.Message]:
    sent = await world.alice.send(world.general, GREY)
    queued = world.review.last_message
    assert queued is not None
    return sent, queued


async def test_grey_band_message_is_queued_with_scores_and_buttons(world: World) -> None:
    sent, queued = await post_grey(world)

    [case] = await world.cases()
    assert case.status is CaseStatus.OPEN
    assert case.action == "review"
    embed = queued.embeds[0]
    assert embed.title == f"Review · case #{case.number}"
    assert GREY in (embed.description or "")
    assert embed.url == sent.jump_url
    fields = {f.name: f.value for f in embed.fields}
    assert "toxicity" in fields["Scores"]
    assert "0.70" in fields["Scores"]
    assert "insult" in fields["Scores"]
    assert labels(queued) == ["Remove", "Keep", "Timeout 1h", "Ban"]
    assert len(world.general.history()) == 1  # nothing done before a moderator decides


async def test_keep_stores_the_calibration_decision(world: World) -> None:
    sent, queued = await post_grey(world)

    result = await world.mod.click(queued, label="Keep")

    assert result.acknowledged
    [case] = await world.cases()
    assert case.status is CaseStatus.CLOSED
    score = await world.bot.services.db.scores.get(sent.id)
    assert score is not None
    assert score.review_decision == "keep"
    assert len(world.general.history()) == 1
    edited = world.review.last_message
    assert edited is not None
    assert labels(edited) == []  # buttons gone once decided
    assert "keep by" in edited.embeds[0].fields[-1].value
    assert result.followups[-1].content == f"Case #{case.number}: kept the message."


async def test_remove_deletes_the_message(world: World) -> None:
    sent, queued = await post_grey(world)

    result = await world.mod.click(queued, label="Remove")

    assert result.acknowledged
    assert world.general.history() == []
    [case] = await world.cases()
    assert case.action == "delete"
    assert case.status is CaseStatus.APPLIED
    assert case.moderator_id is None  # opened by automod ...
    events = await world.events(case)
    assert any(e.kind == "escalated" and e.actor_id == world.mod.id for e in events)  # ...
    score = await world.bot.services.db.scores.get(sent.id)
    assert score is not None
    assert score.review_decision == "remove"


async def test_timeout_button_times_out_the_author(world: World) -> None:
    _, queued = await post_grey(world)

    await world.mod.click(queued, label="Timeout 1h")

    assert world.alice.member is not None
    assert world.alice.member.is_timed_out()
    [case] = await world.cases()
    assert (case.action, case.duration_minutes, case.status) == ("timeout", 60, CaseStatus.APPLIED)


async def test_clicker_needs_the_permission(world: World) -> None:
    _, queued = await post_grey(world)

    result = await world.bob.click(queued, label="Ban")

    assert result.acknowledged
    assert result.ephemeral
    assert result.response is not None
    assert result.response.content == "You need the Ban Members permission for that."
    assert world.guild.get_ban(world.alice) is None
    assert (await world.cases())[0].status is CaseStatus.OPEN


async def test_a_decided_case_cannot_be_decided_again(world: World) -> None:
    _, queued = await post_grey(world)
    [case] = await world.cases()
    # Another moderator decided first (their click raced ours); our client still shows buttons.
    await world.bot.review.decide(case.id, ReviewDecision.KEEP, world.mod.id)
    await world.env.settle()

    result = await world.mod.click(queued, label="Ban")

    assert result.acknowledged
    assert result.followups[-1].content == (
        f"Case #{case.number} was already decided (status closed).")
    assert world.guild.get_ban(world.alice) is None


async def test_buttons_survive_a_restart(world: World) -> None:
    sent, queued = await post_grey(world)
    old_bot = world.bot

    new_bot = await world.restart()
    assert new_bot is not old_bot
    result = await world.mod.click(queued, label="Remove")

    assert result.acknowledged
    assert world.general.history() == []
    [case] = await world.cases()
    assert case.status is CaseStatus.APPLIED
    assert (await world.bot.services.db.scores.get(sent.id)).review_decision == "remove"  # type: ignore[union-attr]


class JoinDetector:
    """Raises a raid alert on the third join (stands in for bot.campaigns)."""

    def __init__(self) -> None:
        self.joins: list[int] = []

    def observe(self, *args: object) -> list[CoordinationAlert]:
        return []

    def observe_join(self, guild_id: int, member: AuthorFacts, at: datetime,
                     policy: Policy) -> list[CoordinationAlert]:
        self.joins.append(member.id)
        if len(self.joins) < 3:
            return []
        return [CoordinationAlert(
            kind="raid", guild_id=guild_id, score=0.91, accounts=tuple(self.joins),
            message_ids=(), detected_at=at, evidence={"text": "joined within a minute"},
        )]


async def test_raid_alert_reaches_the_review_channel(world: World) -> None:
    detector = JoinDetector()
    world.bot.services.pipeline.detector = detector
    users: list[simcord.MemberActor] = []
    for name in ("r1", "r2", "r3"):
        users.append(world.guild.add_member(world.env.create_user(name)))
        await world.env.settle()

    assert detector.joins == [u.id for u in users]
    [case] = await world.cases()
    assert case.kind is CaseKind.RAID
    assert case.status is CaseStatus.OPEN
    posted = world.review.last_message
    assert posted is not None
    embed = posted.embeds[0]
    assert embed.title == f"Raid · case #{case.number}"
    assert "3 accounts" in (embed.description or "")
    assert "joined within a minute" in {f.name: f.value for f in embed.fields}["Evidence"]
    assert labels(posted) == ["Confirm", "Dismiss"]

    result = await world.mod.click(posted, label="Dismiss")
    assert result.acknowledged
    assert (await world.case(case.number)).status is CaseStatus.CLOSED


async def test_manage_messages_granted_only_in_the_review_channel_is_not_enough(
    world: World,
) -> None:
    helpers = world.guild.create_role("Helpers", permissions=discord.Permissions(
        view_channel=True, send_messages=True, read_message_history=True))
    helper = world.guild.add_member(world.env.create_user("helper"), roles=[helpers])
    queue = world.guild.create_text_channel(
        "helper-review", overwrites={helpers: discord.PermissionOverwrite(manage_messages=True)})
    world.write_policy(discord={"review": queue.id, "mod_log": world.modlog.id,
                                "appeals": world.appeals.id})
    world.policy.reload()
    await world.alice.send(world.general, GREY)
    queued = queue.last_message
    assert queued is not None

    refused = await helper.click(queued, label="Remove")

    assert refused.response is not None
    assert refused.response.content == "You need the Manage Messages permission for that."
    assert len(world.general.history()) == 1
    assert (await world.cases())[0].status is CaseStatus.OPEN
    # A moderator's role grants it guild-wide: the same item works for them.
    await world.mod.click(queued, label="Remove")
    assert world.general.history() == []
