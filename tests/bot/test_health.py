"""``python -m bot health``'s checks on real files, and the command's exit status."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from bot import metrics
from bot.health import WEIGHTS_DIR, check_database, check_model, check_running, report
from bot.policy_config import ModelSpec

ROOT = Path(__file__).resolve().parents[2]


def test_a_database_that_can_be_written_is_ok(tmp_path: Path) -> None:
    path = tmp_path / "v.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    check = check_database(path)
    assert check.ok, check.detail
    assert "readable and writable (1 schema objects)" in check.detail
    assert check_database(tmp_path / "new.db").ok  # created at start, folder writable


def test_a_database_that_is_locked_or_not_a_database_fails(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not SQLite" * 100)
    assert not check_database(junk).ok
    locked = tmp_path / "locked.db"
    holder = sqlite3.connect(locked, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    try:
        check = check_database(locked)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert not check.ok
    assert "locked" in check.detail
    assert not check_database(tmp_path / "no" / "such" / "dir" / "v.db").ok


def test_model_weights_present_and_unchanged(tmp_path: Path) -> None:
    shipped = check_model(ModelSpec())
    assert shipped.ok
    assert "vigil-v3.safetensors" in shipped.detail
    assert "vigil-v3-stage1.safetensors" in shipped.detail
    copy = tmp_path / "weights"
    shutil.copytree(WEIGHTS_DIR, copy)
    weights = copy / "vigil-v3.safetensors"  # the encoder's, not only the first file found
    with weights.open("r+b") as handle:  # one flipped byte
        handle.seek(1000)
        byte = handle.read(1)
        handle.seek(1000)
        handle.write(bytes([byte[0] ^ 0xFF]))
    changed = check_model(ModelSpec(), copy)
    assert not changed.ok
    assert "does not match its hash" in changed.detail
    weights.unlink()
    assert "missing" in check_model(ModelSpec(), copy).detail
    assert not check_model(ModelSpec(model=str(tmp_path / "nope"))).ok


def test_the_running_bot_is_asked_through_its_metrics(unused_tcp_port: int) -> None:
    assert not check_running(unused_tcp_port).ok  # nobody listening
    metrics.serve(unused_tcp_port, "127.0.0.1")
    metrics.CONNECTED.set(0)
    assert check_running(unused_tcp_port).detail == "running, but not connected to Discord"
    metrics.CONNECTED.set(1)
    try:
        assert check_running(unused_tcp_port).ok
    finally:
        metrics.CONNECTED.set(0)


def test_report_exit_status() -> None:
    text, status = report([check_model(ModelSpec())])
    assert status == 0
    assert text.startswith("ok    model")


def test_the_command_exits_0_when_healthy_and_1_when_not(tmp_path: Path) -> None:
    def health(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "bot", "health", *args], cwd=ROOT,
                              capture_output=True, text=True, timeout=120, check=False)

    good = health("--db", str(tmp_path / "v.db"))
    assert good.returncode == 0, good.stdout + good.stderr
    assert [line.split()[:2] for line in good.stdout.splitlines()] == [
        ["ok", "database"], ["ok", "model"]]
    (tmp_path / "junk.db").write_bytes(b"junk" * 1000)
    bad = health("--db", str(tmp_path / "junk.db"), "--metrics-port", "1")
    assert bad.returncode == 1
    assert [line.split()[:2] for line in bad.stdout.splitlines()] == [
        ["FAIL", "database"], ["ok", "model"], ["FAIL", "bot"]]
