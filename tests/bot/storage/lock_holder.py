"""A second process that holds the SQLite write lock, as a DB browser or backup would.

``python -m tests.bot.storage.lock_holder DB SECONDS [immediate|exclusive] [write]`` takes
the lock, optionally writes (and so moves the database past any snapshot another
connection holds), prints ``locked`` and commits after ``SECONDS``.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

#: A message id the holder writes; far from any id a test uses.
PROBE_MESSAGE_ID = 9_000_000_001


def hold(path: str, seconds: float, mode: str, write: bool) -> None:
    import sqlite3

    conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    conn.execute(f"BEGIN {mode.upper()}")
    if write:
        conn.execute(
            """INSERT OR REPLACE INTO message_scores (message_id, guild_id, channel_id,
               author_id, created_at, scores, action, band)
               VALUES (?, 1, 1, 1, '2026-01-01T00:00:00+00:00', '{}', 'none', 'none')""",
            (PROBE_MESSAGE_ID,),
        )
    print("locked", flush=True)
    time.sleep(seconds)
    conn.execute("COMMIT")
    conn.close()


def start(path: Path, seconds: float, *, mode: str = "immediate",
          write: bool = True) -> subprocess.Popen[str]:
    """Start the holder and return once it holds the lock."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.bot.storage.lock_holder", str(path), str(seconds), mode,
         "write" if write else "read"],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[3],
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if line.strip() != "locked":
        proc.kill()
        raise RuntimeError(f"lock holder failed to start: {line!r}")
    return proc


if __name__ == "__main__":
    hold(sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4] == "write")
