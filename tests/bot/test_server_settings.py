"""ServerSettings on both engines: stored per server first, then in the book; what a new
process reads back; the notice claimed once."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.policy_book import PolicyBook
from bot.server_settings import ServerSettings
from bot.settings import DEFAULT_CONFIG
from bot.storage import Database
from bot.storage.guild_settings import GuildSettingsRepository
from tests.fakes import FrozenClock

ONE, TWO = 111111111111111111, 222222222222222222


def book(tmp_path: Path) -> PolicyBook:
    path = tmp_path / "policy.yaml"
    if not path.exists():
        shutil.copy(DEFAULT_CONFIG, path)
    return PolicyBook(path)


async def test_channels_and_shadow_per_server_survive_a_new_process(
    db: Database, tmp_path: Path, clock: FrozenClock,
) -> None:
    store = GuildSettingsRepository(db.conn, db.writer)
    settings = ServerSettings(book(tmp_path), store, clock=clock)
    await settings.set_channels(ONE, 5, review=10, mod_log=11)
    await settings.set_shadow(ONE, 6, True)
    await settings.set_channels(TWO, 7, appeals=20)
    await settings.set_channels(ONE, 5, mod_log=None)  # cleared: the file's again

    fresh = ServerSettings(book(tmp_path), store, clock=clock)
    assert await fresh.load() == 2
    one, two = fresh.policy(ONE), fresh.policy(TWO)
    assert (one.discord.review, one.discord.mod_log, one.shadow_mode) == (10, None, True)
    assert (two.discord.review, two.discord.appeals, two.shadow_mode) == (None, 20, False)
    origins = {s.key: s.origin for s in fresh.describe(ONE)}
    assert origins["discord.review"] == "command"
    assert origins["discord.mod_log"] == "policy.yaml"
    assert origins["shadow_mode"] == "command"
    row = await store.get(ONE)
    assert (row.set_by, row.set_at) == (5, clock())
    await fresh.set_shadow(ONE, 6, None)
    assert not fresh.policy(ONE).shadow_mode
    assert fresh.policy(ONE).version == fresh.book.current.version


async def test_the_missing_review_notice_is_claimed_once_per_server(
    db: Database, tmp_path: Path, clock: FrozenClock,
) -> None:
    store = GuildSettingsRepository(db.conn, db.writer)
    settings = ServerSettings(book(tmp_path), store, clock=clock)
    await settings.set_shadow(TWO, 1, True)  # a row already there keeps its settings
    assert await settings.claim_review_notice(ONE)
    assert not await settings.claim_review_notice(ONE)
    assert await settings.claim_review_notice(TWO)
    assert (await store.get(TWO)).shadow_mode is True
    assert (await store.get(ONE)).review_notice_at == clock()
