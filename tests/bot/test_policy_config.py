from pathlib import Path

import pytest

from bot.policy_config import (
    ActionKind,
    PolicyConfigError,
    PolicyHolder,
    load_policy,
    parse_policy,
)
from bot.settings import DEFAULT_CONFIG
from models.api import LABELS


def test_default_config_is_complete_and_valid() -> None:
    policy = load_policy(DEFAULT_CONFIG)
    assert set(policy.labels) == set(LABELS)
    assert all(rule.review <= rule.act for rule in policy.labels.values())
    assert policy.labels["threat"].action.kind is ActionKind.TIMEOUT
    assert len(policy.version) == 12
    assert policy.scam_links.enabled
    assert policy.scam_links.action.kind is ActionKind.DELETE
    assert policy.threats.enabled
    assert policy.threats.action.kind is ActionKind.REVIEW


def _error(source: str) -> PolicyConfigError:
    with pytest.raises(PolicyConfigError) as info:
        parse_policy(source, Path("policy.yaml"))
    return info.value


@pytest.mark.parametrize(
    ("source", "line", "key", "expected"),
    [
        ("labels:\n  toxicity:\n    review: 0.5\n    act: 1.5\n", 4, "labels.toxicity.act",
         "less than or equal to 1"),
        ("labels:\n  toxicity:\n    review: 0.9\n    act: 0.5\n", 2, "labels.toxicity",
         "must not exceed act band"),
        ("labels:\n  toxicity: {review: 0.5, act: 0.9, action: explode}\n", 2,
         "labels.toxicity.action.kind", "Input should be"),
        ("labels:\n  toxicity: {review: 0.5, act: 0.9, action: timeout}\n", 2,
         "labels.toxicity.action", "needs minutes"),
        ("labels: {}\nshadow_mode: sometimes\n", 2, "shadow_mode", "valid boolean"),
        ("labels: {}\nescalation:\n  ladder:\n    - {strikes: 3, action: ban}\n"
         "    - {strikes: 2, action: warn}\n", 3, "escalation.ladder", "increasing"),
        ("labels: {}\nthreshold: 3\n", 2, "threshold", "Extra inputs are not permitted"),
        ("labels:\n  toxicty: {review: 0.5, act: 0.9}\n", 1, "labels", "unknown label"),
        ("shadow_mode: false\n", 1, "labels", "Field required"),
        ("labels: {}\nscam_links:\n  enabled: true\n  action: explode\n", 4,
         "scam_links.action.kind", "Input should be"),
        ("labels: {}\nscam_links:\n  allowed_domains:\n    - disboard.org\n"
         "    - https://x.com/a\n", 5, "scam_links.allowed_domains.1", "expected a domain"),
        ("labels: {}\nscam_links:\n  max_edit_distance: 7\n", 3,
         "scam_links.max_edit_distance", "less than or equal to 3"),
        ("labels: {}\nthreats:\n  enabled: true\n  action: explode\n", 4,
         "threats.action.kind", "Input should be"),
        ("labels: {}\nthreats:\n  enabled: sometimes\n", 3, "threats.enabled",
         "valid boolean"),
        ("labels: {}\nthreats:\n  patterns: []\n", 3, "threats.patterns",
         "Extra inputs are not permitted"),
    ],
)
def test_errors_name_file_line_key_and_expectation(
    source: str, line: int, key: str, expected: str
) -> None:
    error = _error(source)
    text = str(error)
    assert "policy.yaml" in text
    assert f"line {line}: {key}:" in text, text
    assert expected in text


def test_yaml_syntax_error_has_line_and_column() -> None:
    text = str(_error("labels:\n  toxicity: {review: 0.5\nshadow_mode: true\n"))
    assert "YAML syntax error" in text
    assert "line 3" in text


def test_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(PolicyConfigError, match="cannot read file"):
        load_policy(tmp_path / "nope.yaml")


def test_reload_with_broken_file_keeps_old_policy(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text("labels:\n  spam: {review: 0.5, act: 0.9}\n")
    holder = PolicyHolder(path)
    before = holder.current
    path.write_text("labels:\n  spam: {review: 2}\n")
    with pytest.raises(PolicyConfigError):
        holder.reload()
    assert holder.current is before
    path.write_text("labels:\n  spam: {review: 0.4, act: 0.9}\n")
    assert holder.reload().labels["spam"].review == 0.4
    assert holder.current.version != before.version


def test_action_shorthand_forms() -> None:
    policy = parse_policy(
        "labels:\n  spam: {review: 0.5, act: 0.9, action: 'timeout 30'}\n"
        "  threat: {review: 0.5, act: 0.9, action: {kind: ban}}\n",
        Path("p.yaml"),
    )
    assert policy.labels["spam"].action.minutes == 30
    assert str(policy.labels["spam"].action) == "timeout 30"
    assert policy.labels["threat"].action.kind is ActionKind.BAN


def test_scam_link_domains_are_normalised() -> None:
    policy = parse_policy(
        "labels: {}\nscam_links:\n  protected_domains: [WWW.MyBank.co.uk.]\n", Path("p.yaml")
    )
    assert policy.scam_links.protected_domains == ["mybank.co.uk"]
