"""Mistyped policy keys and label names get a "did you mean"."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.policy_config import Policy, PolicyConfigError, load_policy
from bot.policy_hints import allowed_keys, closest


def problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyConfigError) as error:
        load_policy(path)
    return error.value.problems


def test_unknown_keys_at_every_depth_name_the_key_they_resemble(tmp_path: Path) -> None:
    found = problems(tmp_path, "escalaton:\n  window_hours: 3\n"
                               "labels:\n  spam: {reviw: 0.5}\n"
                               "threats:\n  enabeld: false\n"
                               "channels:\n  general: {shadow_mod: true}\n"
                               "zzzz: 1\n")
    text = "\n".join(found)
    extra = "Extra inputs are not permitted"
    assert f"line 1: escalaton: {extra} (did you mean 'escalation'?)" in text
    assert f"line 4: labels.spam.reviw: {extra} (did you mean 'review'?)" in text
    assert f"threats.enabeld: {extra} (did you mean 'enabled'?)" in text  # a rule's section
    assert f"channels.general.shadow_mod: {extra} (did you mean 'shadow_mode'?)" in text
    assert f"zzzz: {extra} (got 1)" in text  # nothing close: no guess


def test_unknown_label_names_get_a_guess(tmp_path: Path) -> None:
    (problem,) = problems(tmp_path, "labels:\n  insutl: {review: 0.4, act: 0.9}\n")
    assert "unknown label(s) ['insutl']" in problem
    assert "'insutl': did you mean 'insult'?" in problem


def test_allowed_keys_walk_models_dicts_and_lists() -> None:
    assert "review" in allowed_keys(Policy, ["labels", "spam"])
    assert "strikes" in allowed_keys(Policy, ["escalation", "ladder", 0])
    assert allowed_keys(Policy, ["no_such_section"]) == []
    assert closest("Shadow-Mode", ["shadow_mode", "labels"]) == "shadow_mode"
