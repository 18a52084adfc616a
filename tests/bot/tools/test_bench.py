"""``python -m bot bench --smoke``: every step runs and the figures hang together.

No timing asserts (the machine is shared): only that each figure was measured, is
positive, and that the ratios and targets are computed from the figures printed beside
them. Slow: loads the real model, the naive BERT-base baseline and plain MiniLM.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> dict:
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main(["bench", "--smoke", "--json", "--threads", "1"]) == 0
    return json.loads(buffer.getvalue())


def test_every_step_measured(smoke: dict) -> None:
    assert smoke["chat_mix"]["messages"] == 40
    assert smoke["chat_mix"]["replies"] > 0
    assert smoke["full_core"]["messages"] == 40
    assert smoke["full_core"]["failed_lines"] == 0
    assert smoke["full_core"]["msgs_per_s"] > 0
    assert smoke["live_path"]["messages"] == 20
    assert 0 < smoke["live_path"]["p50_ms"] <= smoke["live_path"]["p99_ms"]
    assert smoke["memory_after_core"]["peak_rss_mb"] > 0
    assert "error" not in smoke["cold_start"], smoke["cold_start"]
    assert smoke["cold_start"]["cold_start_s"] > 0
    assert smoke["naive_bert_base"]["params_m"] > 100  # BERT-base, not something smaller
    assert smoke["plain_minilm_l6"]["msgs_per_s"] > 0
    perspective = smoke["perspective_endpoint"]
    assert "error" not in perspective, perspective
    assert perspective["clients"] == 4
    assert perspective["errors"] == 0
    assert perspective["requests_per_s"] > 0
    assert 0 < perspective["p50_ms"] <= perspective["p99_ms"]


def test_ratios_and_targets_follow_from_the_figures(smoke: dict) -> None:
    core = smoke["full_core"]["msgs_per_s"]
    naive = smoke["naive_bert_base"]["msgs_per_s"]
    assert smoke["ratios"]["core_vs_naive"] == round(core / naive, 1)
    assert smoke["ratios"]["core_vs_plain_minilm"] == round(
        core / smoke["plain_minilm_l6"]["msgs_per_s"], 2)
    targets = smoke["targets"]
    assert targets["full_core_msgs_per_s"]["met"] == (core >= 1000)
    assert targets["live_p99_ms"]["met"] == (smoke["live_path"]["p99_ms"] <= 100)


def test_the_default_scorer_is_the_fast_one(smoke: dict) -> None:
    version = smoke["scorer"]["version"]
    assert version.startswith("vigil-minilm/3.")
    assert "/onnx-" in version  # ONNX Runtime unless VIGIL_RUNTIME=torch
    assert set(smoke["full_core"]["cascade"]) >= {"requests", "cleared", "encoder_messages"}


def test_a_missing_transcript_is_a_clear_error(capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path) -> None:
    assert main(["bench", "--transcript", str(tmp_path / "nope.jsonl")]) == 2
    assert "no such transcript" in capsys.readouterr().err
