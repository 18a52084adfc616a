"""A simcord world around a real VigilBot with real services.

Real aiosqlite on a temp file, the keyword ``FakeScorer`` (the real model is slow), the
real ``DiscordExecutor``; command errors other than expected check failures fail the test.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import discord
import pytest
import simcord
import yaml
from discord import app_commands

from bot.discord.app import VigilBot, create_bot
from bot.policy_book import PolicyBook
from bot.settings import DEFAULT_CONFIG
from bot.storage.records import Case, CaseEvent
from tests.fakes import FakeScorer

MOD_PERMISSIONS = discord.Permissions(
    moderate_members=True, kick_members=True, ban_members=True, manage_messages=True,
    view_channel=True, send_messages=True, read_message_history=True,
    use_application_commands=True,
)


@dataclass
class World:
    env: simcord.Env
    bot: VigilBot
    scorer: FakeScorer
    policy: PolicyBook
    db_path: Path
    guild: simcord.GuildHandle
    general: simcord.ChannelHandle
    review: simcord.ChannelHandle
    modlog: simcord.ChannelHandle
    appeals: simcord.ChannelHandle
    mod_role: simcord.RoleHandle
    mod: simcord.MemberActor
    admin: simcord.MemberActor
    alice: simcord.MemberActor
    bob: simcord.MemberActor
    #: Unexpected app-command errors (anything but a check failure).
    command_errors: list[BaseException] = field(default_factory=list)

    def write_policy(self, **changes: Any) -> None:
        """Write the default policy plus our channel ids (and ``changes``) to the file."""
        data = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
        data["discord"] = {
            "review": self.review.id, "mod_log": self.modlog.id, "appeals": self.appeals.id,
        }
        data.update(changes)
        self.policy.path.write_text(yaml.safe_dump(data), encoding="utf-8")

    async def cases(self) -> list[Case]:
        return await self.bot.services.db.cases.all(self.guild.id)

    async def case(self, number: int) -> Case:
        case = await self.bot.services.db.cases.by_number(self.guild.id, number)
        assert case is not None, f"no case #{number}"
        return case

    async def events(self, case: Case) -> list[CaseEvent]:
        return await self.bot.services.db.cases.events(case.id)

    async def restart(self) -> VigilBot:
        """A new bot process: new services on the same database file, same world."""
        old = self.bot
        await drain_mod_log(old)
        await old.services.batcher.close()
        new = await build_bot(self.db_path, self.policy, self.scorer)
        await self.env.restart_bot(new)
        await old.services.db.close()
        self.bot = new
        hook_errors(self)
        return new


async def drain_mod_log(bot: VigilBot) -> None:
    """Let mod-log entries in flight finish before their database closes (as ``close``
    does in the running bot, through the cog's unload)."""
    modlog = bot.get_cog("ModLog")
    if modlog is not None:
        await modlog.drain()  # type: ignore[attr-defined]


async def build_bot(db_path: Path, policy: PolicyBook, scorer: FakeScorer) -> VigilBot:
    bot = await create_bot(db_path=db_path, policy=policy, scorer=scorer, max_wait=0)
    # The batcher's worker idles on its queue forever; started here (outside the bot's
    # tasks) simcord does not wait for it to finish when settling.
    bot.services.batcher.start()
    return bot


def hook_errors(world: World) -> None:
    """Wrap the tree's error handler (after simcord's): record anything unexpected."""
    tree = world.bot.tree
    handler = tree.on_error

    async def on_error(interaction: discord.Interaction, error: Exception) -> None:
        if not isinstance(error, app_commands.CheckFailure):
            world.command_errors.append(error)
        await handler(interaction, error)

    tree.on_error = on_error  # type: ignore[method-assign]


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[simcord.Env]:
    shutil.copy(DEFAULT_CONFIG, tmp_path / "policy.yaml")
    policy = PolicyBook(tmp_path / "policy.yaml")
    scorer = FakeScorer()
    bot = await build_bot(tmp_path / "vigil.db", policy, scorer)
    environment = simcord.Env(bot)
    await environment.start()
    environment.vigil = (policy, scorer, tmp_path / "vigil.db")  # type: ignore[attr-defined]
    try:
        yield environment
    finally:
        current = environment.bot
        assert isinstance(current, VigilBot)
        await drain_mod_log(current)
        await environment.shutdown()
        await current.services.close()
    environment._raise_errors_since(environment._errors_acknowledged)


@pytest.fixture
async def world(env: simcord.Env) -> AsyncIterator[World]:
    policy, scorer, db_path = env.vigil  # type: ignore[attr-defined]
    guild = env.create_guild("Vigil Test")
    mods = guild.create_role("Moderators", permissions=MOD_PERMISSIONS)
    admins = guild.create_role("Admins", permissions=discord.Permissions(
        manage_guild=True, view_channel=True, send_messages=True,
        use_application_commands=True))
    general = guild.create_text_channel("general")
    review = guild.create_text_channel("review")
    modlog = guild.create_text_channel("mod-log")
    appeals = guild.create_text_channel("appeals")
    world = World(
        env=env, bot=env.bot, scorer=scorer, policy=policy,  # type: ignore[arg-type]
        db_path=db_path, guild=guild, general=general, review=review, modlog=modlog,
        appeals=appeals, mod_role=mods,
        mod=guild.add_member(env.create_user("mod"), roles=[mods]),
        admin=guild.add_member(env.create_user("admin"), roles=[admins]),
        alice=guild.add_member(env.create_user("alice")),
        bob=guild.add_member(env.create_user("bob")),
    )
    world.write_policy()
    policy.reload()
    hook_errors(world)
    yield world
    assert not world.command_errors, f"app command errors: {world.command_errors!r}"
