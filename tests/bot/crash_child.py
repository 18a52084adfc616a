"""A process the kill tests SIGKILL at chosen points (tests/bot/test_kill_resume.py).

``python -m tests.bot.crash_child DB JOURNAL run N [KILL_AT CASE]`` opens cases 1..N on
the SQLite file DB through a real CaseService (``reconcile`` instead of ``run`` finishes
pending cases, as a restart does). Its executor stands for Discord: every DM and action is
appended to JOURNAL and fsynced before the call returns, so what "Discord" saw survives the
kill; on a resumed apply it reads the journal to see whether the action is in place, as
the Discord executor asks Discord. KILL_AT (before_dm, after_dm, before_action,
after_action) kills this process with SIGKILL at that point of case number CASE.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path

from bot.actions import ActionOutcome
from bot.cases import CaseService
from bot.storage import open_database
from bot.storage.records import Case, CaseStatus, NewCase

ACTIONS = ("ban", "kick", "timeout", "delete", "warn")
#: A little time inside each call, so random kills land inside steps too.
CALL_SECONDS = float(os.environ.get("CRASH_CHILD_CALL_SECONDS", "0"))


def new_case(index: int) -> NewCase:
    action = ACTIONS[index % len(ACTIONS)]
    return NewCase(guild_id=1, target_id=1000 + index, action=action, reason=f"case {index}",
                   status=CaseStatus.PENDING, labels=("insult",), channel_id=3,
                   message_id=index, excerpt=f"message {index}",
                   duration_minutes=60 if action == "timeout" else None)


class JournalExecutor:
    def __init__(self, journal: Path, kill_at: str | None, kill_case: int | None) -> None:
        self.journal = journal
        self.kill_at = kill_at
        self.kill_case = kill_case

    def _point(self, name: str, case: Case) -> None:
        if name == self.kill_at and case.message_id == self.kill_case:
            os.kill(os.getpid(), signal.SIGKILL)

    def _write(self, call: str, case: Case) -> None:
        time.sleep(CALL_SECONDS)
        with self.journal.open("a", encoding="utf-8") as out:
            out.write(json.dumps({"call": call, "message": case.message_id,
                                  "target": case.target_id}) + "\n")
            out.flush()
            os.fsync(out.fileno())

    def _in_place(self, case: Case) -> bool:
        if not self.journal.exists():
            return False
        lines = self.journal.read_text(encoding="utf-8").splitlines()
        return any(json.loads(line) == {"call": case.action, "message": case.message_id,
                                        "target": case.target_id} for line in lines)

    async def notify(self, case: Case) -> ActionOutcome:
        self._point("before_dm", case)
        self._write("dm", case)
        self._point("after_dm", case)
        return ActionOutcome.success(dm=True)

    async def apply(self, case: Case, *, told: bool = False,
                    resumed: bool = False) -> ActionOutcome:
        if resumed and self._in_place(case):
            return ActionOutcome.success(already_applied=True)
        self._point("before_action", case)
        self._write(case.action, case)
        self._point("after_action", case)
        return ActionOutcome.success()

    async def reverse(self, case: Case) -> ActionOutcome:
        return ActionOutcome.failure("not used")

    async def tell(self, member_id: int, text: str) -> ActionOutcome:
        return ActionOutcome.failure("not used")


async def main(argv: list[str]) -> None:
    db_path, journal, mode = Path(argv[0]), Path(argv[1]), argv[2]
    kill_at = argv[4] if len(argv) > 4 else None
    kill_case = int(argv[5]) if len(argv) > 5 else None
    db = await open_database(db_path)
    service = CaseService(db.cases, JournalExecutor(journal, kill_at, kill_case))
    print("ready", flush=True)
    if mode == "reconcile":
        await service.reconcile()
    else:
        for index in range(1, int(argv[3]) + 1):
            await service.open(new_case(index))
    await db.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
