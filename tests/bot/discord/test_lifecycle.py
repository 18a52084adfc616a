"""Start and stop of the live bot: login retried with backoff, SIGTERM shuts down cleanly.

A real VigilBot with real services on a SQLite file; Discord's API base points at a local
port nobody listens on, so every login attempt is a real refused connection.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sqlite3
from pathlib import Path

import discord
import pytest

from bot import metrics
from bot.discord.app import VigilBot, create_bot
from bot.discord.lifecycle import (
    STOP_SIGNALS,
    Backoff,
    DiscordUnreachableError,
    login_with_retry,
    run_until_stopped,
)
from bot.policy_config import PolicyHolder
from bot.settings import DEFAULT_CONFIG
from tests.conftest import make_event
from tests.fakes import FakeScorer

TOKEN = "MTIz.fake-token-for-tests.abcdefghijklmnopqrstuvwxyz0123456789"


@pytest.fixture
def refused(monkeypatch: pytest.MonkeyPatch, unused_tcp_port: int) -> str:
    """Discord's REST base on a closed local port: connections are refused, for real."""
    base = f"http://127.0.0.1:{unused_tcp_port}/api/v10"
    monkeypatch.setattr(discord.http.Route, "BASE", base)
    return base


async def vigil_bot(tmp_path: Path) -> VigilBot:
    return await create_bot(db_path=tmp_path / "vigil.db", policy=PolicyHolder(DEFAULT_CONFIG),
                            scorer=FakeScorer(), max_wait=0)


async def test_unreachable_discord_is_retried_then_one_line(
    tmp_path: Path, refused: str, caplog: pytest.LogCaptureFixture
) -> None:
    bot = await vigil_bot(tmp_path)
    waits: list[float] = []

    async def no_wait(seconds: float) -> None:
        waits.append(seconds)

    try:
        with caplog.at_level(logging.WARNING, "bot.discord.lifecycle"), \
                pytest.raises(DiscordUnreachableError) as error:
            await login_with_retry(bot, TOKEN, Backoff(attempts=4, first_delay=1, max_delay=3),
                                   sleep=no_wait)
    finally:
        await bot.close()
        await bot.services.close()
    assert waits == [1, 2, 3]  # doubling, capped
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith("cannot reach Discord after 4 attempts (ClientConnectorError")
    retries = [r.getMessage() for r in caplog.records]
    assert len(retries) == 3
    assert all("\n" not in line and "retrying in" in line for line in retries)
    assert all(r.exc_info is None for r in caplog.records)  # no traceback in the log
    assert TOKEN not in message + "".join(retries)


async def test_a_rejected_token_is_not_retried(tmp_path: Path, unused_tcp_port: int,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    async def unauthorized(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        body = b'{"message": "401: Unauthorized", "code": 0}'
        writer.write(b"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(unauthorized, "127.0.0.1", unused_tcp_port)
    monkeypatch.setattr(discord.http.Route, "BASE", f"http://127.0.0.1:{unused_tcp_port}/api/v10")
    bot = await vigil_bot(tmp_path)
    waits: list[float] = []

    async def no_wait(seconds: float) -> None:
        waits.append(seconds)

    try:
        with pytest.raises(discord.LoginFailure):
            await login_with_retry(bot, TOKEN, sleep=no_wait)
    finally:
        server.close()
        await bot.close()
        await bot.services.close()
    assert waits == []


async def test_sigterm_closes_the_session_then_writes_and_the_database(
    tmp_path: Path, refused: str
) -> None:
    bot = await vigil_bot(tmp_path)
    # A message recorded before the signal must be on disk after the shutdown.
    await bot.services.pipeline.handle(make_event("you idiot", id=77))
    life = asyncio.create_task(run_until_stopped(
        bot, TOKEN, bot.services.close, Backoff(attempts=1000, first_delay=0.02, max_delay=0.05)))
    await asyncio.sleep(0.2)  # retrying logins against the refused port
    assert not life.done()

    os.kill(os.getpid(), signal.SIGTERM)
    await asyncio.wait_for(life, timeout=20)

    assert bot.is_closed()
    assert metrics.sample("vigil_discord_connected") == 0
    # The last connection closed checkpoints the WAL into the file and removes it.
    assert not (tmp_path / "vigil.db-wal").exists()
    with sqlite3.connect(tmp_path / "vigil.db") as conn:
        assert conn.execute("SELECT action FROM message_scores WHERE message_id = 77"
                            ).fetchone() == ("delete",)
        assert conn.execute("PRAGMA quick_check").fetchone() == ("ok",)
    # The handlers are gone again: the process default (terminate) is back for SIGTERM.
    loop = asyncio.get_running_loop()
    assert not loop.remove_signal_handler(signal.SIGTERM)


def test_the_images_stop_signal_and_health_check_are_the_bots() -> None:
    dockerfile = (Path(__file__).resolve().parents[3] / "Dockerfile").read_text()
    lines = {line.split()[0]: line for line in dockerfile.splitlines()
             if line and not line.startswith((" ", "#"))}
    assert getattr(signal, lines["STOPSIGNAL"].split()[1]) in STOP_SIGNALS
    assert '"python", "-m", "bot", "health"' in dockerfile
    assert "VIGIL_METRICS_PORT=9108" in dockerfile
    assert "EXPOSE 9108" in dockerfile
