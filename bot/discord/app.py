"""The Discord application: ``VigilBot`` wired from injected services, and ``run_bot``.

Only the ``bot.discord`` package (this app, the executor, the views) imports discord.
Nothing is built at import time: ``run_bot`` (``python -m bot run``) builds settings-driven
objects, tests call :func:`create_bot` with their own scorer, policy and database file.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from datetime import timedelta
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import metrics
from bot.coordination import CoordinationDetector
from bot.discord.buttons import say
from bot.discord.executor import DiscordExecutor
from bot.discord.lifecycle import DiscordUnreachableError, run_until_stopped
from bot.discord.views import AppealButton
from bot.lease_keeper import LeaseKeeper
from bot.policy_book import PolicyBook, as_book
from bot.policy_config import PolicyConfigError, PolicyHolder
from bot.retention import purge_daily
from bot.services import Services, build_services
from bot.settings import Settings
from bot.shards import ShardRange
from bot.storage.lease import LeaseTakenError
from bot.storage.records import Case
from bot.storage.writer import is_busy
from models.api import Scorer

log = logging.getLogger(__name__)

EXTENSIONS = (
    "cogs.automod",
    "cogs.moderation",
    "cogs.review",
    "cogs.modlog",
    "cogs.appeals",
    "cogs.admin",
    "cogs.campaigns",
    "cogs.onboarding",
)


def vigil_version() -> str:
    try:
        return version("vigil-modbot")
    except PackageNotFoundError:
        return "dev"


class CaseEventBridge:
    """The CaseService's ``on_event`` hook: case events become discord.py custom events.

    The CaseService is built before the bot, so the bot attaches itself afterwards.
    ``case_opened`` reaches ``on_case_opened(case)`` listeners, ``case_resolved`` reaches
    ``on_case_resolved(case)``; cogs never call each other for this.
    """

    def __init__(self) -> None:
        self.bot: commands.Bot | None = None

    def __call__(self, name: str, case: Case) -> None:
        if self.bot is not None:
            self.bot.dispatch(name, case)


class VigilBot(commands.Bot):
    def __init__(
        self,
        services: Services,
        *,
        executor: DiscordExecutor,
        events: CaseEventBridge,
        dev_guild_id: int | None = None,
        lease_name: str = "actor",
        review_pending_after: timedelta = timedelta(hours=6),
        shards: ShardRange | None = None,
        **client_options: Any,
    ) -> None:
        intents = discord.Intents.default()
        intents.message_content = True
        intents.members = True
        intents.guilds = True
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            **client_options,
        )
        self.services = services
        self.review = services.review
        self.executor = executor
        self.dev_guild_id = dev_guild_id
        self.version = vigil_version()
        self.reconciled: list[Case] = []
        self._reconcile_task: asyncio.Task[None] | None = None
        self._purge_task: asyncio.Task[None] | None = None
        #: Only the holder of this database's lease acts on cases (a second process is
        #: refused at start); lost later, the bot stops acting and shuts down.
        self.lease = LeaseKeeper(services.db.leases, lease_name, clock=services.cases.clock,
                                 on_lost=self._lease_lost)
        self._lease_task: asyncio.Task[None] | None = None
        self.review_pending_after = review_pending_after
        #: The shards this process runs (None: all of them); other servers are not its own.
        self.shard_range = shards
        executor.attach(self)
        events.bot = self
        self.tree.on_error = self.on_app_command_error  # type: ignore[method-assign]

    async def setup_hook(self) -> None:
        # First: a second process on the same database stops here (LeaseTakenError).
        await self.lease.acquire()
        self.services.cases.may_act = self.lease.may_act
        self._lease_task = asyncio.create_task(self.lease.run())
        # Persistent controls: the DM Appeal button; cogs add theirs in their setup().
        self.add_dynamic_items(AppealButton)
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        # Cases recorded PENDING before a crash are finished once the guild cache is in.
        self._reconcile_task = asyncio.create_task(self._reconcile_when_ready())
        # Stored message text older than the retention is purged now and daily.
        self._purge_task = asyncio.create_task(purge_daily(
            self.services.db.retention,
            lambda: self.services.policy.current.retention.message_text_days,
            clock=self.services.privacy.clock,
        ))
        await self.sync_commands()

    def owns_guild(self, guild_id: int) -> bool:
        """Whether this process runs ``guild_id``'s shard (and so carries out its cases)."""
        return self.shard_range is None or self.shard_range.owns(guild_id)

    async def _reconcile_when_ready(self) -> None:
        await self.wait_until_ready()
        self.reconciled = await self.services.cases.reconcile(
            review_after=lambda _guild: self.review_pending_after, owns=self.owns_guild)
        if self.reconciled:
            log.info("reconciled %d pending case(s)", len(self.reconciled))

    async def sync_commands(self) -> None:
        if self.dev_guild_id:
            guild = discord.Object(self.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to guild %s", len(synced), self.dev_guild_id)
        else:
            synced = await self.tree.sync()
            log.info("synced %d global commands", len(synced))

    async def on_app_command_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        if isinstance(error, app_commands.MissingPermissions):
            names = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
            text = f"You need the {names} permission to do that."
        elif isinstance(error, app_commands.NoPrivateMessage):
            text = "That command only works in a server."
        elif isinstance(error, app_commands.CheckFailure):
            text = str(error) or "You cannot use that command here."
        elif isinstance(error, app_commands.CommandInvokeError) and is_busy(error.original):
            # Raised before anything was recorded, so nothing was done either.
            log.warning("a command met a busy database: %s", error.original)
            text = ("The case database is busy (another program is holding its lock), so "
                    "nothing was done. Try again in a minute.")
        else:
            command = interaction.command.qualified_name if interaction.command else "?"
            log.error("command /%s failed", command, exc_info=error)
            text = "Something went wrong; the error was logged for the bot's admins."
        try:
            await say(interaction, text)
        except discord.HTTPException:
            log.warning("could not report a command error to the user")

    def _lease_lost(self, reason: str) -> None:
        log.error("shutting down: %s", reason)
        asyncio.get_running_loop().create_task(self.close())

    async def close(self) -> None:
        if self._lease_task is not None and not self._lease_task.done():
            self._lease_task.cancel()
        await self.lease.release()
        if self._reconcile_task is not None and not self._reconcile_task.done():
            self._reconcile_task.cancel()
        if self._purge_task is not None and not self._purge_task.done():
            self._purge_task.cancel()
        await super().close()


class ShardedVigilBot(VigilBot, commands.AutoShardedBot):
    """Vigil on a range of shards (``python -m bot run --shards 0-3 --shard-count 16``):
    one gateway connection per shard in this process, the rest run elsewhere."""


async def create_bot(
    *,
    db_path: Path | str,
    policy: PolicyBook | PolicyHolder,
    scorer: Scorer,
    detector: CoordinationDetector | None = None,
    dev_guild_id: int | None = None,
    max_batch: int = 32,
    max_wait: float = 0.015,
    queue_size: int = 1024,
    lease_name: str = "actor",
    review_pending_after: timedelta = timedelta(hours=6),
    shards: ShardRange | None = None,
) -> VigilBot:
    """Build the services (with the Discord executor and the event bridge) and the bot.

    With ``shards`` the bot runs only those shards and holds the lease of that range, so
    processes on other ranges share the database and one on the same range is refused."""
    book = as_book(policy)
    executor = DiscordExecutor(book.for_guild)
    events = CaseEventBridge()
    services = await build_services(
        db_path=db_path, policy=book, scorer=scorer, executor=executor,
        # Discord's clock: the same instant discord.py uses for timeouts and snowflakes.
        clock=discord.utils.utcnow, on_event=events, detector=detector,
        max_batch=max_batch, max_wait=max_wait, queue_size=queue_size,
    )
    if shards is None:
        return VigilBot(services, executor=executor, events=events, dev_guild_id=dev_guild_id,
                        lease_name=lease_name, review_pending_after=review_pending_after)
    log.info("running %s", shards)
    return ShardedVigilBot(services, executor=executor, events=events,
                           dev_guild_id=dev_guild_id, lease_name=shards.lease_name,
                           review_pending_after=review_pending_after, shards=shards,
                           shard_ids=shards.ids, shard_count=shards.count)


def campaign_detector() -> CoordinationDetector:
    """The cross-account detector the live bot feeds every message and join."""
    from bot.campaigns import CampaignDetector

    return CampaignDetector()


def run_bot(settings: Settings, shards: ShardRange | None = None) -> int:
    """Entry point of ``python -m bot run``. Returns a process exit status."""
    token = settings.token.get_secret_value().strip() if settings.token else ""
    if not token:
        print("VIGIL_TOKEN is not set: put the bot token from the Discord Developer Portal "
              "in the environment (see docs/bot-setup.md).", file=sys.stderr)
        return 2
    try:
        # A file (every server runs it) or a folder (default.yaml + guilds/<id>.yaml).
        policy = PolicyBook(settings.config_path)
    except PolicyConfigError as exc:
        print(f"refusing to start with a broken policy:\n{exc}", file=sys.stderr)
        return 2
    from bot.scoring import load_scorer

    try:
        scorer = load_scorer(policy.current.model)
    except (OSError, RuntimeError) as exc:
        print(f"cannot load the scoring model: {exc}", file=sys.stderr)
        return 2
    if settings.metrics_port:
        try:
            metrics.serve(settings.metrics_port)
        except OSError as exc:
            print(f"cannot serve metrics on port {settings.metrics_port}: {exc.strerror}",
                  file=sys.stderr)
            return 2
    try:
        asyncio.run(_run(settings, policy, scorer, token, shards))
    except LeaseTakenError as exc:
        print(f"refusing to start: {exc}. Stop that process first (or, if it is gone, "
              "wait for its lease to lapse).", file=sys.stderr)
        return 3
    except DiscordUnreachableError as exc:
        print(exc, file=sys.stderr)
        return 3
    except discord.LoginFailure:
        print("Discord rejected VIGIL_TOKEN; reset the token in the Developer Portal.",
              file=sys.stderr)
        return 2
    except discord.PrivilegedIntentsRequired:
        print("Enable the Message Content and Server Members intents for the bot in the "
              "Developer Portal (Bot -> Privileged Gateway Intents).", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0


async def _run(settings: Settings, policy: PolicyBook, scorer: Scorer, token: str,
               shards: ShardRange | None = None) -> None:
    bot = await create_bot(
        db_path=settings.database, policy=policy, scorer=scorer,
        detector=campaign_detector(), dev_guild_id=settings.dev_guild_id,
        max_batch=settings.batch_max_size, max_wait=settings.batch_max_wait_ms / 1000,
        queue_size=settings.batch_queue_size,
        review_pending_after=timedelta(hours=settings.review_pending_after_hours),
        shards=shards,
    )
    # Login retried with backoff; SIGTERM closes the session, then the services.
    await run_until_stopped(bot, token, bot.services.close)
