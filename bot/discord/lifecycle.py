"""Starting and stopping the live bot: login retried with backoff, stop signals, gateway state.

``python -m bot run`` (and the Docker image, whose STOPSIGNAL is SIGTERM) stops on SIGTERM
or SIGINT by closing the Discord client; the caller then closes the services, which writes
what the backlog still holds and closes the database. A network failure at start (DNS,
refused connection, Discord's 5xx) is retried with doubling waits, each logged in one
line, and ends in :class:`DiscordUnreachableError` with one line to print, not a traceback.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import discord
from discord.ext import commands

from bot import metrics

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class DiscordUnreachableError(ConnectionError):
    """Discord could not be reached at start, after every retry (a one-line message)."""


@dataclass(frozen=True, slots=True)
class Backoff:
    attempts: int = 6
    first_delay: float = 2.0
    max_delay: float = 60.0


def describe(exc: BaseException) -> str:
    """One line naming the error (aiohttp's messages can span lines)."""
    text = " ".join(str(exc).split()) or "no detail"
    return f"{type(exc).__name__}: {text}"[:300]


def _transient(exc: BaseException) -> bool:
    # aiohttp's connection errors are OSErrors; a 5xx is Discord having a bad moment.
    return isinstance(exc, OSError | TimeoutError | discord.DiscordServerError
                      | discord.GatewayNotFound)


async def login_with_retry(
    client: discord.Client, token: str, backoff: Backoff = Backoff(), *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """``client.login``; transient failures retried. A rejected token is not retried."""
    delay = backoff.first_delay
    for attempt in range(1, backoff.attempts + 1):
        try:
            await client.login(token)
            return
        except Exception as exc:
            if not _transient(exc):
                raise
            if attempt == backoff.attempts:
                raise DiscordUnreachableError(
                    f"cannot reach Discord after {attempt} attempts ({describe(exc)}); "
                    "check the network and DNS, then start again") from exc
            log.warning("cannot reach Discord (%s); retrying in %g s (attempt %d of %d)",
                        describe(exc), delay, attempt, backoff.attempts)
            await sleep(delay)
            if client.is_closed():  # stopped (SIGTERM) while waiting: no more tries
                return
            delay = min(delay * 2, backoff.max_delay)


def install_stop_signals(client: discord.Client) -> Callable[[], None]:
    """SIGTERM and SIGINT close ``client`` (once); returns a function that uninstalls."""
    loop = asyncio.get_running_loop()
    closing: list[asyncio.Task[None]] = []

    def stop(signum: int) -> None:
        if closing:
            return
        log.info("received %s: closing the Discord session", signal.Signals(signum).name)
        closing.append(loop.create_task(client.close()))

    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, stop, sig)

    def uninstall() -> None:
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)

    return uninstall


def track_connection(client: discord.Client) -> None:
    """Keep ``vigil_discord_connected`` at 1 while the gateway session is up."""
    async def up() -> None:
        metrics.CONNECTED.set(1)

    async def down() -> None:
        metrics.CONNECTED.set(0)

    if isinstance(client, commands.Bot):
        client.add_listener(up, "on_ready")
        client.add_listener(up, "on_resumed")
        client.add_listener(down, "on_disconnect")


async def serve(client: discord.Client, token: str, backoff: Backoff = Backoff()) -> None:
    """Log in (retried), connect, and run until closed by a stop signal or ``close``."""
    uninstall = install_stop_signals(client)
    track_connection(client)
    try:
        await login_with_retry(client, token, backoff)
        if not client.is_closed():
            await client.connect(reconnect=True)
    finally:
        metrics.CONNECTED.set(0)
        uninstall()


async def run_until_stopped(
    client: discord.Client, token: str, close_services: Callable[[], Awaitable[None]],
    backoff: Backoff = Backoff(),
) -> None:
    """The live bot's whole life: serve until stopped, then close the Discord session and,
    last, the services (held records written, scorer stopped, database closed)."""
    try:
        async with client:
            await serve(client, token, backoff)
    finally:
        await close_services()
        log.info("stopped: Discord session, writes and database closed")
