"""Two servers on one bot: each its own policy, channels and switches; nothing of one
reaches, is shown in or is changed from the other (issue 13)."""

from __future__ import annotations

import hashlib
import shutil
from datetime import datetime

import discord
import pytest

from bot.coordination import CoordinationAlert
from bot.event import AuthorFacts
from bot.policy_book import PolicyBook
from bot.policy_config import Policy
from bot.review import ReviewDecision
from bot.storage.records import AppealStatus, CaseStatus
from cogs.appeals import decision_view
from cogs.campaigns import AlertButton
from cogs.review import review_view
from tests.cogs.conftest import World, hook_errors
from tests.cogs.two_servers import ABUSE, GREY, Other, other, setup_channels, texts

__all__ = ["other"]  # the fixture, used by name


async def test_the_shared_file_never_carries_a_servers_cases_into_another(
    world: World, other: Other,
) -> None:
    # The one policy file names the first server's channels; the second set none.
    review_before, log_before = len(world.review.history()), len(world.modlog.history())

    await other.carol.send(other.general, GREY)
    await other.carol.send(other.general, ABUSE)

    [grey, abuse] = await world.bot.services.db.cases.all(other.guild.id)
    assert grey.status is CaseStatus.OPEN
    assert abuse.status is CaseStatus.APPLIED
    assert len(world.review.history()) == review_before
    assert len(world.modlog.history()) == log_before
    assert GREY not in texts(world.review) + texts(world.modlog)
    assert await world.cases() == []


async def test_each_server_posts_to_its_own_channels(world: World, other: Other) -> None:
    await setup_channels(world, other)

    await other.carol.send(other.general, GREY)
    await world.alice.send(world.general, "you moron")

    assert GREY in texts(other.review)
    assert "you moron" not in texts(other.review) + texts(other.modlog)
    assert "you moron" in texts(world.review)
    assert GREY not in texts(world.review) + texts(world.modlog)
    assert f"<@{other.carol.id}>" in texts(other.modlog)
    assert f"<@{other.carol.id}>" not in texts(world.modlog)


async def test_shadow_mode_is_per_server_and_kept_across_a_restart(
    world: World, other: Other,
) -> None:
    result = await other.admin.slash(other.general, "vigil shadow", mode="on")
    assert result.response is not None
    assert "Shadow mode ON in this server" in result.response.content

    await other.carol.send(other.general, ABUSE)
    await world.alice.send(world.general, ABUSE)

    [theirs] = await world.bot.services.db.cases.all(other.guild.id)
    [ours] = await world.cases()
    assert theirs.status is CaseStatus.SHADOW
    assert theirs.policy_version == f"{world.policy.current.version}+shadow:on"
    assert ours.status is CaseStatus.APPLIED
    assert ours.policy_version == world.policy.current.version
    assert len(other.general.history()) == 1  # kept: shadow
    assert world.general.history() == []  # deleted

    world.policy = PolicyBook(world.policy.path)  # a new process reads the files again
    await world.restart()
    assert world.bot.services.policy.for_guild(other.guild.id).shadow_mode
    assert not world.bot.services.policy.for_guild(world.guild.id).shadow_mode
    await other.admin.slash(other.general, "vigil shadow", mode="file")
    assert not world.bot.services.policy.for_guild(other.guild.id).shadow_mode


async def test_channels_set_from_discord_survive_a_restart(world: World, other: Other) -> None:
    await setup_channels(world, other)
    world.policy = PolicyBook(world.policy.path)
    await world.restart()

    await other.carol.send(other.general, GREY)

    assert GREY in texts(other.review)
    assert GREY not in texts(world.review)


async def test_config_show_is_the_servers_own_with_where_values_come_from(
    world: World, other: Other,
) -> None:
    await setup_channels(world, other)

    theirs = await other.admin.slash(other.general, "vigil config show")
    ours = await world.admin.slash(world.general, "vigil config show")

    assert theirs.response is not None
    assert ours.response is not None
    shown = str(theirs.response.embeds[0].to_dict())
    assert f"<#{other.review.id}> · _command_" in shown
    assert f"<#{other.modlog.id}> · _command_" in shown
    assert str(world.review.id) not in shown
    assert str(world.modlog.id) not in shown
    mine = str(ours.response.embeds[0].to_dict())
    assert f"<#{world.review.id}> · _policy.yaml_" in mine
    assert str(other.review.id) not in mine


async def test_setup_without_options_shows_and_clear_returns_to_the_file(
    world: World, other: Other,
) -> None:
    await setup_channels(world, other)
    await other.admin.slash(other.general, "vigil setup", clear="review")

    shown = await other.admin.slash(other.general, "vigil setup")

    assert shown.response is not None
    assert "This server's channels:" in shown.response.content
    # The file's review channel belongs to the first server: unusable here, so nothing.
    await other.carol.send(other.general, GREY)
    assert GREY not in texts(other.review) + texts(world.review)
    assert (await world.admin.slash(world.general, "vigil setup")).response is not None
    assert world.bot.services.policy.for_guild(world.guild.id).discord.review == world.review.id


async def test_a_reload_from_one_server_changes_that_server_only(
    world: World, other: Other,
) -> None:
    world.write_policy(shadow_mode=True)

    result = await other.admin.slash(other.general, "vigil config reload")

    assert result.response is not None
    assert "Policy reloaded" in result.response.content
    books = world.bot.services.policy
    assert books.for_guild(other.guild.id).shadow_mode
    assert not books.for_guild(world.guild.id).shadow_mode


async def test_buttons_of_one_server_do_nothing_in_another(world: World, other: Other) -> None:
    await setup_channels(world, other)
    await world.alice.send(world.general, GREY)
    [case] = await world.cases()
    # A queue item of the first server turning up in the second (a forwarded or forged
    # message): the second server's moderator clicks it.
    channel = world.bot.get_channel(other.review.id)
    assert isinstance(channel, discord.TextChannel)
    await channel.send("stray", view=review_view(case))
    await world.env.settle()
    stray = other.review.last_message
    assert stray is not None

    result = await other.mod.click(stray, label="Ban")

    assert result.response is not None
    assert result.response.content == "That case does not exist in this server."
    assert (await world.case(1)).status is CaseStatus.OPEN
    assert world.guild.get_ban(world.alice) is None


async def test_appeal_in_dms_lists_only_the_members_own_cases_per_server(
    world: World, other: Other,
) -> None:
    await world.mod.slash(world.general, "warn", member=world.alice, reason="rude")
    await other.mod.slash(other.general, "warn", member=other.carol, reason="spam")
    await other.mod.slash(other.general, "timeout", member=other.alice, minutes=5,
                          reason="flood")

    listed = await world.alice.user.slash("appeal")

    assert listed.response is not None
    text = listed.response.content
    assert f"**Vigil Test** (`{world.guild.id}`): #1 warn" in text
    assert f"**Other Server** (`{other.guild.id}`): #2 timeout" in text
    assert "#1 warn" not in text.split("Other Server")[1]  # carol's case #1 there
    in_server = await world.alice.slash(world.general, "appeal")
    assert in_server.response is not None
    assert "Other Server" not in in_server.response.content
    assert "#1 warn" in in_server.response.content


async def test_one_notice_to_a_server_without_a_review_channel(
    world: World, caplog: pytest.LogCaptureFixture,
) -> None:
    hook_errors(world)
    owner = world.env.create_user("owner3")
    guild = world.env.create_guild("Third", owner=owner)
    await world.env.settle()
    onboarding = world.bot.get_cog("Onboarding")
    assert onboarding is not None

    assert not await onboarding.check(world.bot.get_guild(guild.id))  # type: ignore[attr-defined]
    assert not await onboarding.check(world.bot.get_guild(guild.id))  # type: ignore[attr-defined]

    notices = [m for m in owner.dm_channel.history() if "no review channel" in m.content]
    assert len(notices) == 1
    assert "/vigil setup review:#channel" in notices[0].content
    assert await onboarding.check(world.bot.get_guild(world.guild.id))  # type: ignore[attr-defined]

    caplog.clear()
    await world.restart()  # a new process: logged again at start, never told twice
    await world.env.settle()
    assert f"guild {guild.id} (Third) has no review channel" in caplog.text
    assert f"guild {world.guild.id} " not in caplog.text
    assert len([m for m in owner.dm_channel.history() if "no review channel" in m.content]) == 1


class RaidOnThirdJoin:
    """Raises a raid alert on a server's third join (stands in for bot.campaigns)."""

    def __init__(self) -> None:
        self.joins: dict[int, list[int]] = {}

    def observe(self, *args: object) -> list[CoordinationAlert]:
        return []

    def forget(self, guild_id: int, user_id: int) -> int:
        return 0

    def observe_join(self, guild_id: int, member: AuthorFacts, at: datetime,
                     policy: Policy) -> list[CoordinationAlert]:
        joins = self.joins.setdefault(guild_id, [])
        joins.append(member.id)
        if len(joins) < 3:
            return []
        return [CoordinationAlert(
            kind="raid", guild_id=guild_id, score=0.91, accounts=tuple(joins),
            message_ids=(), detected_at=at, evidence={"text": "joined within a minute"})]


async def test_alerts_go_to_their_servers_queue_and_its_buttons_stay_there(
    world: World, other: Other,
) -> None:
    await setup_channels(world, other)
    world.bot.services.pipeline.detector = RaidOnThirdJoin()
    for name in ("r1", "r2", "r3"):
        other.guild.add_member(world.env.create_user(name))
        await world.env.settle()
    [case] = await world.bot.services.db.cases.all(other.guild.id)
    await world.env.settle()

    posted = other.review.last_message
    assert posted is not None
    assert posted.embeds[0].title == f"Raid · case #{case.number}"
    assert "joined within a minute" not in texts(world.review)
    # The same buttons turning up in the first server: its moderator cannot act on them.
    channel = world.bot.get_channel(world.review.id)
    assert isinstance(channel, discord.TextChannel)
    view = discord.ui.View(timeout=None)
    view.add_item(AlertButton(case.id, ReviewDecision.DISMISS))
    await channel.send("stray", view=view)
    await world.env.settle()
    stray = world.review.last_message
    assert stray is not None

    result = await world.mod.click(stray, label="Dismiss")

    assert result.response is not None
    assert result.response.content == "That alert does not exist in this server."
    refreshed = await world.bot.services.db.cases.by_number(other.guild.id, case.number)
    assert refreshed is not None
    assert refreshed.status is CaseStatus.OPEN


async def test_appeals_go_to_their_servers_channel_and_are_decided_there_only(
    world: World, other: Other,
) -> None:
    await setup_channels(world, other)
    appeals_before = len(world.appeals.history())
    await other.mod.slash(other.general, "warn", member=other.carol, reason="spam")

    shown = await other.carol.user.slash("appeal", case=1)
    assert shown.modal is not None
    await other.carol.user.submit_modal(shown, {"appeal_text": "I only posted it once, "
                                                                "it was not spam at all."})

    posted = other.review.last_message  # no appeals channel there: its review channel
    assert posted is not None
    assert posted.embeds[0].title == "Appeal of case #1 · warn"
    assert len(world.appeals.history()) == appeals_before
    case = await world.bot.services.db.cases.by_number(other.guild.id, 1)
    assert case is not None
    [appeal] = await world.bot.services.db.appeals.for_case(case.id)
    channel = world.bot.get_channel(world.appeals.id)
    assert isinstance(channel, discord.TextChannel)
    await channel.send("stray", view=decision_view(appeal))
    await world.env.settle()
    stray = world.appeals.last_message
    assert stray is not None

    result = await world.mod.click(stray, label="Grant")

    assert result.response is not None
    assert result.response.content == "That appeal does not exist in this server."
    [still] = await world.bot.services.db.appeals.for_case(case.id)
    assert still.status is AppealStatus.OPEN


async def test_setting_changes_are_logged_in_that_servers_mod_log_only(
    world: World, other: Other,
) -> None:
    ours_before = len(world.modlog.history())
    await setup_channels(world, other)
    await other.admin.slash(other.general, "vigil shadow", mode="on")

    [channels, shadow] = [m.embeds[0] for m in other.modlog.history()]
    assert channels.title == "Vigil settings changed"
    assert f"review channel → <#{other.review.id}>" in (channels.description or "")
    assert shadow.description == "Shadow mode ON (`/vigil shadow on`)"
    assert {f.name: f.value for f in shadow.fields}["By"] == other.admin.mention
    assert len(world.modlog.history()) == ours_before


async def test_a_policy_folder_gives_each_server_its_own_file(
    world: World, other: Other,
) -> None:
    root = world.db_path.parent / "config"
    (root / "guilds").mkdir(parents=True)
    world.write_policy()  # the first server's channels, in what becomes default.yaml
    shutil.copy(world.policy.path, root / "default.yaml")
    own = root / "guilds" / f"{other.guild.id}.yaml"
    own.write_text(f"discord:\n  review: {other.review.id}\n  mod_log: {other.modlog.id}\n"
                   "labels:\n  insult: {review: 0.3, act: 0.5, action: timeout 10}\n",
                   encoding="utf-8")
    world.policy = PolicyBook(root)
    await world.restart()

    await other.carol.send(other.general, GREY)  # insult 0.6: past this server's act band
    await world.alice.send(world.general, GREY)  # the default's review band only

    [theirs] = await world.bot.services.db.cases.all(other.guild.id)
    [ours] = await world.cases()
    assert (theirs.action, theirs.duration_minutes) == ("timeout", 10)
    assert ours.action == "review"
    assert theirs.policy_version == f"{ours.policy_version}+" \
        f"{hashlib.sha256(own.read_bytes()).hexdigest()[:12]}"
    assert GREY in texts(world.review)
    assert GREY not in texts(other.review)  # acted on, not queued
    shown = await other.admin.slash(other.general, "vigil config show")
    assert shown.response is not None
    assert f"from default.yaml + guilds/{other.guild.id}.yaml" in (
        shown.response.embeds[0].description or "")

    own.write_text("labels:\n  insult: {review: 0.9}\n", encoding="utf-8")
    refused = await other.admin.slash(other.general, "vigil config reload")

    assert refused.response is not None
    assert f"{own}: line 2: labels.insult: review band (0.9) must not exceed act band" \
        in refused.response.content
    assert world.bot.services.policy.for_guild(other.guild.id).labels["insult"].act == 0.5


