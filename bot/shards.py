"""Which Discord shards one bot process runs: ``--shards 0-3 --shard-count 16``.

Discord splits a bot's servers over ``shard_count`` gateway connections by
``(guild_id >> 22) % shard_count``. Several processes, each running a range of shards,
share one PostgreSQL database; each holds the lease named after its range, so ranges run
side by side and a second process on the same range is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: The lease of a process that runs every shard itself (or no sharding at all).
WHOLE_BOT_LEASE = "actor"
_RANGE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")


class ShardSpecError(ValueError):
    """A ``--shards``/``--shard-count`` pair that names no valid range."""


@dataclass(frozen=True, slots=True)
class ShardRange:
    first: int
    last: int
    count: int

    @classmethod
    def parse(cls, spec: str, count: int) -> ShardRange:
        """``"0-3"`` or ``"5"`` of ``count`` shards; :class:`ShardSpecError` otherwise."""
        if count < 1:
            raise ShardSpecError(f"--shard-count must be at least 1, not {count}")
        match = _RANGE.match(spec)
        if match is None:
            raise ShardSpecError(f"--shards takes a range like 0-3 or one shard like 5, "
                                 f"not {spec!r}")
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) is not None else first
        if first > last:
            raise ShardSpecError(f"--shards {spec}: the range runs backwards")
        if last >= count:
            raise ShardSpecError(f"--shards {spec}: shard ids run 0..{count - 1} "
                                 f"with --shard-count {count}")
        return cls(first, last, count)

    @property
    def ids(self) -> list[int]:
        return list(range(self.first, self.last + 1))

    @property
    def lease_name(self) -> str:
        """One lease per range: ``actor:shards=0-3/16``."""
        return f"{WHOLE_BOT_LEASE}:shards={self.first}-{self.last}/{self.count}"

    def owns(self, guild_id: int) -> bool:
        """Whether Discord routes ``guild_id`` to one of these shards."""
        return self.first <= shard_of(guild_id, self.count) <= self.last

    def __str__(self) -> str:
        return f"shards {self.first}-{self.last} of {self.count}"


def shard_of(guild_id: int, count: int) -> int:
    """Discord's shard for a server: ``(guild_id >> 22) % shard_count``."""
    return (guild_id >> 22) % count
