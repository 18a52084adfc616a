"""The public command-line contracts, run as a user would (real model, subprocess)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from models.api import LABELS

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
        cwd=ROOT, timeout=300, check=False,
    )


@pytest.mark.slow
def test_score_prints_one_line_per_input_with_the_contract_shape() -> None:
    lines = [
        {"text": "you are a worthless idiot and everyone hates you"},
        {"text": "thanks for the help with my build, it works now"},
        {"text": "I completely agree with you", "parent": "Pineapple belongs on pizza."},
        {"text": "No, that is simply false.", "target": "The earth is flat."},
    ]
    result = run("score", stdin="\n".join(json.dumps(x) for x in lines) + "\n")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 4
    for record in records:
        assert set(record["scores"]) == set(LABELS)
        assert all(0.0 <= v <= 1.0 for v in record["scores"].values())
    assert "stance" not in records[0]
    assert "stance" not in records[1]
    assert set(records[2]["stance"]) == {"agree", "disagree", "neutral"}
    # The contract test only checks the direction; tests/models holds the quality margins.
    assert records[0]["scores"]["toxicity"] > records[1]["scores"]["toxicity"] + 0.3
    assert records[2]["stance"]["agree"] > records[2]["stance"]["disagree"]
    assert records[3]["stance"]["disagree"] > records[3]["stance"]["agree"]


@pytest.mark.slow
def test_score_explains_with_the_rules_that_fired_and_the_default_policys_decision() -> None:
    lines = [
        {"text": "I will find where you live and hurt you"},
        {"text": "FREE NITRO, claim it before it expires: https://dlscord-gift.com/claim"},
        {"text": "No, that is simply false.", "parent": "Pineapple belongs on pizza.",
         "target": "The earth is flat."},
    ]
    result = run("score", stdin="\n".join(json.dumps(x) for x in lines) + "\n")
    assert result.returncode == 0, result.stderr
    threat, scam, both = (json.loads(line) for line in result.stdout.splitlines())
    threat_rule = next(r for r in threat["rules"] if r["rule"] == "threats")
    assert "I will find where you live" in threat_rule["reasons"][0]
    assert threat["decision"]["band"] in {"review", "act"}
    scam_rule = next(r for r in scam["rules"] if r["rule"] == "scam_links")
    assert "dlscord-gift.com" in scam_rule["reasons"][0]
    assert scam["decision"]["action"] == "delete"
    assert set(both["stance"]) == {"agree", "disagree", "neutral"}
    assert set(both["claims"]) == {"The earth is flat."}
    assert both["claims"]["The earth is flat."]["disagree"] > 0.3


@pytest.mark.slow
def test_replay_of_the_bundled_example_writes_cases_and_reports(tmp_path: Path) -> None:
    db, report, page = tmp_path / "demo.db", tmp_path / "r.json", tmp_path / "r.html"
    result = run("replay", "examples/community-thread.jsonl", "--db", str(db),
                 "--report", str(report), "--report", str(page), "--quiet")
    assert result.returncode == 0, result.stderr
    assert "messages replayed       31" in result.stdout
    data = json.loads(report.read_text())
    assert len(data["messages"]) == 31
    assert {"id", "action", "labels", "scores"} <= set(data["messages"][0])
    with sqlite3.connect(db) as conn:
        cases = conn.execute("SELECT status FROM cases").fetchall()
    assert cases
    assert {status for (status,) in cases} == {"shadow"}
    assert page.read_text().startswith("<!DOCTYPE html>")


def test_replay_refuses_a_broken_config_naming_file_and_line(tmp_path: Path) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text("labels:\n  spam: {review: 0.5, act: 7}\n")
    result = run("replay", "examples/community-thread.jsonl", "--config", str(config),
                 "--db", str(tmp_path / "x.db"))
    assert result.returncode == 2
    assert f"{config}: line 2: labels.spam.act" in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_a_malformed_model_url_is_one_line_naming_the_setting(tmp_path: Path) -> None:
    env = {**os.environ, "VIGIL_MODEL_URL": "ftp://scorer"}
    for args, stdin in ((("score",), '{"text": "hi"}\n'),
                        (("replay", "examples/community-thread.jsonl", "--db",
                          str(tmp_path / "x.db")), "")):
        result = subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, env=env,
                                capture_output=True, text=True, cwd=ROOT, timeout=300,
                                check=False)
        assert result.returncode == 2, result.stderr
        assert result.stderr.strip().splitlines() == [
            "VIGIL_MODEL_URL: model URL must be http(s)://host[:port][/path], not 'ftp://scorer'"]
        assert result.stdout == ""


def test_replay_of_a_missing_transcript_is_a_clear_error(tmp_path: Path) -> None:
    result = run("replay", str(tmp_path / "nope.jsonl"))
    assert result.returncode == 2
    assert "no such transcript" in result.stderr


async def test_calibrate_reads_review_decisions_from_the_database(tmp_path: Path) -> None:
    from bot.storage import open_database
    from tests.bot.tools.test_calibrate import reviewed

    db = await open_database(tmp_path / "bot.db")
    for i in range(6):
        await db.scores.save(reviewed(i, 0.8 + 0.01 * i, "remove"))
    await db.close()
    result = run("calibrate", "--db", str(tmp_path / "bot.db"))
    assert result.returncode == 0, result.stderr
    assert "6 messages with a moderator's decision" in result.stdout
    toxicity_row = next(line for line in result.stdout.splitlines()
                        if line.startswith("toxicity"))
    assert toxicity_row.split()[1:3] == ["6", "6"]
    missing = run("calibrate", "--db", str(tmp_path / "none.db"))
    assert missing.returncode == 2
    assert "no such database" in missing.stderr


async def test_forget_erases_a_member_and_prints_the_counts(tmp_path: Path) -> None:
    from bot.storage import open_database
    from bot.storage.records import ERASED, CaseStatus, NewCase
    from tests.bot.tools.test_calibrate import AT, reviewed

    path = tmp_path / "bot.db"
    db = await open_database(path)
    for i in range(3):
        await db.scores.save(reviewed(i, 0.9, "remove"))  # author 3 in guild 1
    await db.cases.create(NewCase(1, 3, "warn", "rude", CaseStatus.APPLIED, target_name="carol",
                                  excerpt="something carol wrote"), AT)
    await db.cases.create(NewCase(1, 4, "warn", "rude", CaseStatus.APPLIED,
                                  excerpt="someone else's words"), AT)
    await db.close()

    result = run("forget", "--db", str(path), "--guild", "1", "--user", "3")

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"erased the data of user 3 in guild 1 ({path})"
    assert lines[1].split() == ["message", "scores", "deleted", "3"]
    assert lines[2].split() == ["cases", "redacted", "1"]
    assert "memory" not in result.stdout  # no bot process here
    assert "logged as erasure #1" in lines[-1]
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM message_scores").fetchone() == (0,)
        excerpts = conn.execute("SELECT excerpt, reason FROM cases ORDER BY number").fetchall()
        erasures = conn.execute("SELECT user_id, actor_id, source FROM erasures").fetchall()
    assert excerpts == [(ERASED, "rude"), ("someone else's words", "rude")]
    assert erasures == [(3, None, "cli")]


def test_forget_needs_an_existing_database_and_both_ids(tmp_path: Path) -> None:
    missing = run("forget", "--db", str(tmp_path / "none.db"), "--guild", "1", "--user", "3")
    assert missing.returncode == 2
    assert "no such database" in missing.stderr
    assert not (tmp_path / "none.db").exists()
    incomplete = run("forget", "--db", str(tmp_path / "none.db"), "--guild", "1")
    assert incomplete.returncode == 2
    assert "--user" in incomplete.stderr


async def test_purge_redacts_old_text_and_prints_the_counts(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from bot.storage import open_database
    from bot.storage.records import ERASED, CaseStatus, NewCase

    path = tmp_path / "bot.db"
    db = await open_database(path)
    now = datetime.now(UTC)
    old = await db.cases.create(NewCase(1, 3, "warn", "rude", CaseStatus.APPLIED,
                                        excerpt="old words"), now - timedelta(days=40))
    await db.appeals.create(old.id, 3, "an old appeal statement", now - timedelta(days=40))
    await db.cases.create(NewCase(1, 4, "warn", "rude", CaseStatus.APPLIED,
                                  excerpt="recent words"), now - timedelta(days=1))
    await db.close()

    result = run("purge", "--db", str(path))

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"purged message text older than 30 days ({path})"
    assert lines[1].split() == ["case", "excerpts", "redacted", "1"]
    assert lines[2].split() == ["appeal", "statements", "redacted", "1"]
    assert lines[3].split() == ["campaign", "records", "redacted", "0"]
    with sqlite3.connect(path) as conn:
        excerpts = conn.execute("SELECT excerpt, reason FROM cases ORDER BY number").fetchall()
    assert excerpts == [(ERASED, "rude"), ("recent words", "rude")]

    again = run("purge", "--db", str(path), "--days", "0")
    assert again.returncode == 2
    assert "--days" in again.stderr
    shorter = run("purge", "--db", str(path), "--days", "1")
    assert shorter.returncode == 0, shorter.stderr
    assert shorter.stdout.splitlines()[1].split()[-1] == "1"  # the recent case's turn


def test_purge_needs_an_existing_database(tmp_path: Path) -> None:
    missing = run("purge", "--db", str(tmp_path / "none.db"))
    assert missing.returncode == 2
    assert "no such database" in missing.stderr
    assert not (tmp_path / "none.db").exists()
