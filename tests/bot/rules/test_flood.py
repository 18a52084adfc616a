from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.event import MessageEvent
from bot.rules.flood import FloodTracker
from tests.conftest import make_event

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=10)


def test_repeats_count_same_folded_text_per_author_within_window() -> None:
    tracker = FloodTracker()
    texts = ["Buy now!", "buy NOW", "b\u200buy now!!", "something else"]
    counts = [
        tracker.observe(make_event(t, id=i, at=T0 + timedelta(minutes=i)), WINDOW).repeats
        for i, t in enumerate(texts)
    ]
    assert counts == [1, 2, 3, 1]
    other_author = make_event("buy now", id=9, author_id=7, at=T0 + timedelta(minutes=4))
    assert tracker.observe(other_author, WINDOW).repeats == 1


def test_old_messages_leave_the_window() -> None:
    tracker = FloodTracker()
    tracker.observe(make_event("spam line", id=1, at=T0), WINDOW)
    later = make_event("spam line", id=2, at=T0 + timedelta(minutes=11))
    assert tracker.observe(later, WINDOW).repeats == 1


def test_only_user_mentions_count() -> None:
    event = make_event("<@1> <@!2> <@&3> <#4> @everyone hi", id=1, at=T0)
    assert FloodTracker().observe(event, WINDOW).mentions == 2


def test_idle_authors_are_forgotten(monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.rules.flood as flood

    monkeypatch.setattr(flood, "MAX_AUTHORS", 3)
    tracker = FloodTracker()
    for author in range(5):
        tracker.observe(make_event("hi", id=author, author_id=author, at=T0), WINDOW)
    tracker.observe(make_event("hi", id=99, author_id=99, at=T0 + timedelta(hours=1)), WINDOW)
    assert len(tracker) == 1


def test_forget_drops_one_members_history_in_one_guild() -> None:
    tracker = FloodTracker()
    for i in range(3):
        tracker.observe(make_event("buy now", id=i, at=T0 + timedelta(minutes=i)), WINDOW)
    tracker.observe(make_event("buy now", id=9, author_id=7, at=T0), WINDOW)

    assert tracker.forget(1, 42) == 3
    assert tracker.forget(1, 42) == 0
    assert tracker.forget(2, 7) == 0  # another guild
    assert len(tracker) == 1
    again = make_event("buy now", id=10, at=T0 + timedelta(minutes=4))
    assert tracker.observe(again, WINDOW).repeats == 1


def in_server(guild_id: int, event: MessageEvent) -> MessageEvent:
    return replace(event, guild_id=guild_id)


def test_a_busy_server_never_pushes_another_servers_members_out() -> None:
    tracker = FloodTracker(max_authors=10)
    for i in range(3):  # a member of server 2 repeating herself, slowly
        tracker.observe(in_server(2, make_event("buy now", id=i, author_id=7,
                                                at=T0 + timedelta(minutes=i))), WINDOW)
    for author in range(100):  # server 1: a hundred active members at once
        tracker.observe(make_event(f"hello {author}", id=100 + author, author_id=author,
                                   at=T0 + timedelta(minutes=3)), WINDOW)

    assert tracker.authors(1) == 10  # capped at its own limit
    assert tracker.authors(2) == 1
    fourth = in_server(2, make_event("buy now", id=999, author_id=7,
                                     at=T0 + timedelta(minutes=4)))
    assert tracker.observe(fourth, WINDOW).repeats == 4  # her history survived


def test_the_same_text_in_two_servers_is_no_flood() -> None:
    tracker = FloodTracker()
    for i in range(4):
        event = in_server(1 + i % 2, make_event("buy now", id=i, author_id=7,
                                                at=T0 + timedelta(minutes=i)))
        signals = tracker.observe(event, WINDOW)
    assert signals.repeats == 2


def test_servers_held_are_bounded_and_the_quietest_goes_first() -> None:
    tracker = FloodTracker(max_guilds=3)
    for guild in (1, 2, 3):
        tracker.observe(in_server(guild, make_event("buy now", id=guild, author_id=7,
                                                    at=T0)), WINDOW)
    # Server 1 speaks again, so server 2 is now the quietest; a fourth server arrives.
    tracker.observe(make_event("buy now", id=10, author_id=7, at=T0 + timedelta(minutes=1)),
                    WINDOW)
    tracker.observe(in_server(4, make_event("hi", id=11, author_id=8, at=T0)), WINDOW)

    assert tracker.guilds() == 3
    assert tracker.authors(2) == 0  # dropped: the quietest
    assert tracker.authors(1) == tracker.authors(3) == tracker.authors(4) == 1
    again = make_event("buy now", id=12, author_id=7, at=T0 + timedelta(minutes=2))
    assert tracker.observe(again, WINDOW).repeats == 3  # server 1 kept its history
