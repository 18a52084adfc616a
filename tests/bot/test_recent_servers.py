"""RecentServers: per-server state for a bounded number of servers, the quietest first out."""

from __future__ import annotations

import pytest

from bot.recent_servers import RecentServers


def test_the_server_quiet_longest_goes_first() -> None:
    held: RecentServers[list[str]] = RecentServers(limit=2)
    held.touch(1, list).append("a")
    held.touch(2, list).append("b")
    held.touch(1, list).append("c")  # server 1 speaks again: server 2 is now the quietest
    held.touch(3, list)

    assert len(held) == 2
    assert held.get(2) is None
    assert held.get(1) == ["a", "c"]  # kept, and made only once
    assert held.get(3) == []


def test_get_does_not_count_as_activity() -> None:
    held: RecentServers[int] = RecentServers(limit=2)
    held.touch(1, lambda: 10)
    held.touch(2, lambda: 20)
    assert held.get(1) == 10  # a lookup (an erasure request) is no sign of life
    held.touch(3, lambda: 30)
    assert held.get(1) is None
    assert sorted(held.values()) == [20, 30]


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        RecentServers(limit=0)
