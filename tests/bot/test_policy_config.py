from pathlib import Path

import pytest

from bot.campaigns.clusters import NearDupIndex
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


# --- what plain YAML would let through -------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("labels: {}\nshadow_mode: false\nappeals: {}\nshadow_mode: true\n",
         "line 4: duplicate key 'shadow_mode' (first at line 2)"),
        ("labels:\n  spam: {review: 0.5, act: 0.9, review: 0.1}\n",
         "line 2: duplicate key 'review' (first at line 2)"),
        ("labels: {}\nx: " + "[" * 3000 + "]" * 3000 + "\n", "line 2: nested deeper than"),
        ("labels: {}\nx: &a [*a]\n", "line 2: an alias refers to itself"),
        ("labels: {}\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
         + "".join(f"{n}: &{n} [{', '.join([f'*{p}'] * 10)}]\n"
                   for p, n in zip("abcde", "bcdef", strict=True)),
         "expands to more than"),
        ("labels: {}\nappeals: {per_day: " + "9" * 5000 + "}\n", "line 2: a value of 5000"),
        ("labels: {}\nescalation: {window_hours: .inf}\n",
         "line 2: escalation.window_hours: Input should be less than or equal to 8760"),
        ("labels: {}\ncampaigns: {window_minutes: 1e12}\n",
         "line 2: campaigns.window_minutes: Input should be less than or equal"),
        ("labels: {}\ncampaigns: {cluster_ttl_minutes: .nan}\n",
         "campaigns.cluster_ttl_minutes"),
        ("labels: {}\nflood: {window_minutes: 1e9}\n", "line 2: flood.window_minutes"),
        ("labels: {}\nescalation:\n  ladder: [{strikes: 1000000000000, action: ban}]\n",
         "escalation.ladder.0.strikes"),
        ("labels: {}\ndiscord: {review: 99999999999999999999}\n", "line 2: discord.review"),
        ("labels: {}\nallow_phrases: [' ']\n", "line 2: allow_phrases.0: an allowed phrase"),
        ("labels: {}\nallow_phrases: ['ok', '..']\n", "allow_phrases.0"),
    ],
)
def test_refused_with_the_line(source: str, expected: str) -> None:
    text = str(_error(source))
    assert "policy.yaml" in text
    assert expected in text, text


def test_allow_phrases_are_trimmed() -> None:
    policy = parse_policy("labels: {}\nallow_phrases: ['  gg wp  ']\n", Path("p.yaml"))
    assert policy.allow_phrases == ["gg wp"]


def test_merge_keys_may_override(tmp_path: Path) -> None:
    source = ("labels:\n  spam: &base {review: 0.5, act: 0.9}\n"
              "  insult:\n    <<: *base\n    act: 0.8\n")
    assert parse_policy(source, Path("p.yaml")).labels["insult"].act == 0.8


def test_non_utf8_file_is_refused_with_its_name_and_line(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_bytes(b"labels: {}\n# caf\xe9\n")
    with pytest.raises(PolicyConfigError) as info:
        load_policy(path)
    assert f"{path}: line 2: not UTF-8 text" in str(info.value)


@pytest.mark.parametrize("broken", [
    b"labels: {}\nshadow_mode: false\nshadow_mode: true\n",
    b"labels: {}\n\xff\xfe\n",
    b"labels: {}\nx: " + b"[" * 2000 + b"\n",
    b"labels: {}\nescalation: {window_hours: .inf}\n",
])
def test_failed_reload_keeps_the_old_policy_and_says_why(
    tmp_path: Path, broken: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text("labels:\n  spam: {review: 0.5, act: 0.9}\n")
    holder = PolicyHolder(path)
    before = holder.current
    path.write_bytes(broken)
    with pytest.raises(PolicyConfigError) as info:
        holder.reload()
    assert holder.current is before
    assert holder.last_error is info.value
    assert "policy reload refused, still using " + before.version in caplog.text
    assert str(path) in caplog.text
    path.write_text("labels:\n  spam: {review: 0.4, act: 0.9}\n")
    holder.reload()
    assert holder.last_error is None


def test_minhash_similarity_stays_where_lsh_can_band_it() -> None:
    assert "campaigns.minhash_similarity" in str(
        _error("labels: {}\ncampaigns: {minhash_similarity: 1}\n"))
    policy = parse_policy("labels: {}\ncampaigns: {minhash_similarity: 0.95}\n", Path("p.yaml"))
    NearDupIndex(minhash_threshold=policy.campaigns.minhash_similarity,
                 embedding_threshold=policy.campaigns.embedding_similarity)
