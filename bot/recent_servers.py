"""State a process keeps per server, for a bounded number of servers.

The flood rule and the campaign detector each hold a window of recent activity per
server. A sharded process may run thousands of servers, so both keep at most ``limit``
of them: the one quiet longest goes first; its window refills as it speaks again.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

#: Servers whose state one process holds at once (a shard's worth of busy ones).
MAX_SERVERS = 2_500

V = TypeVar("V")


class RecentServers(Generic[V]):
    def __init__(self, limit: int = MAX_SERVERS) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        #: guild id -> state, the server quiet longest first.
        self._held: OrderedDict[int, V] = OrderedDict()

    def touch(self, guild_id: int, make: Callable[[], V]) -> V:
        """The server's state (made if new), marked as the one heard from last."""
        state = self._held.get(guild_id)
        if state is None:
            state = self._held[guild_id] = make()
        else:
            self._held.move_to_end(guild_id)
        while len(self._held) > self.limit:
            self._held.popitem(last=False)
        return state

    def get(self, guild_id: int) -> V | None:
        """The server's state if held, without counting it as activity."""
        return self._held.get(guild_id)

    def __getitem__(self, guild_id: int) -> V:
        """Like :meth:`get`, but a server not held is a KeyError."""
        return self._held[guild_id]

    def values(self) -> Iterator[V]:
        return iter(self._held.values())

    def __len__(self) -> int:
        return len(self._held)
