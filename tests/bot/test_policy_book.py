"""PolicyBook: one file for all servers, or a folder with a default and a file per server."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from bot.policy_book import GuildOverrides, PolicyBook, as_book
from bot.policy_config import PolicyConfigError, PolicyHolder
from bot.policy_files import deep_merge
from bot.settings import DEFAULT_CONFIG

ONE, TWO = 111111111111111111, 222222222222222222


def folder(tmp_path: Path, **guild_files: str) -> Path:
    root = tmp_path / "config"
    (root / "guilds").mkdir(parents=True)
    shutil.copy(DEFAULT_CONFIG, root / "default.yaml")
    for name, text in guild_files.items():
        (root / "guilds" / f"{name.removeprefix('g')}.yaml").write_text(text, encoding="utf-8")
    return root


def sha12(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def test_deep_merge_merges_mappings_and_replaces_the_rest() -> None:
    base = {"labels": {"insult": {"review": 0.3, "act": 0.9}}, "claims": [1, 2], "x": 1}
    over = {"labels": {"insult": {"act": 0.8}}, "claims": [3]}
    assert deep_merge(base, over) == {
        "labels": {"insult": {"review": 0.3, "act": 0.8}}, "claims": [3], "x": 1}
    assert base["labels"]["insult"]["act"] == 0.9  # inputs untouched


def test_a_file_is_one_policy_for_every_server(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    shutil.copy(DEFAULT_CONFIG, path)
    book = PolicyBook(path)
    assert not book.directory
    assert book.for_guild(ONE) is book.for_guild(TWO) is book.current
    assert book.current.version == sha12(path)


def test_a_server_file_is_merged_over_the_default(tmp_path: Path) -> None:
    root = folder(tmp_path, g111111111111111111=(
        "shadow_mode: true\nlabels:\n  insult:\n    act: 0.7\n"
        "flood:\n  repeats: 2\n"))
    book = PolicyBook(root)
    one, two = book.for_guild(ONE), book.for_guild(TWO)
    assert one.shadow_mode
    assert not two.shadow_mode
    assert one.labels["insult"].act == 0.7
    assert one.labels["insult"].review == two.labels["insult"].review  # kept from default
    assert one.flood.repeats == 2
    assert two.flood.repeats == 4
    own = root / "guilds" / f"{ONE}.yaml"
    assert one.version == f"{sha12(root / 'default.yaml')}+{sha12(own)}"
    assert two.version == sha12(root / "default.yaml")
    assert book.own_file(ONE) == own
    assert book.own_file(TWO) is None


@pytest.mark.parametrize(
    ("text", "line", "key", "expected"),
    [
        # the merged value breaks a rule across files: the server file set it
        ("labels:\n  insult:\n    review: 0.95\n", 2, "labels.insult", "must not exceed act"),
        ("flood:\n  repeats: -1\n", 2, "flood.repeats", "greater than or equal to 0"),
        ("labels:\n  insullt: {review: 0.5}\n", 1, "labels", "unknown label"),
        ("shadow_mode: sometimes\n", 1, "shadow_mode", "valid boolean"),
    ],
)
def test_errors_name_the_server_file_line_and_key(
    tmp_path: Path, text: str, line: int, key: str, expected: str
) -> None:
    root = folder(tmp_path, g111111111111111111=text)
    with pytest.raises(PolicyConfigError) as info:
        PolicyBook(root)
    own = root / "guilds" / f"{ONE}.yaml"
    assert info.value.path == own
    message = str(info.value)
    assert f"{own}: line {line}: {key}: " in message, message
    assert expected in message


def test_a_duplicate_key_in_a_server_file_is_refused_with_both_lines(tmp_path: Path) -> None:
    root = folder(tmp_path, g111111111111111111="shadow_mode: false\nflood: {}\n"
                                                  "shadow_mode: true\n")
    with pytest.raises(PolicyConfigError, match=r"line 3: duplicate key 'shadow_mode' "
                                                r"\(first at line 1\)"):
        PolicyBook(root)


def test_process_wide_sections_stay_in_the_default(tmp_path: Path) -> None:
    root = folder(tmp_path, g111111111111111111="flood: {}\nretention:\n"
                                                  "  message_text_days: 5\n")
    with pytest.raises(PolicyConfigError, match=r"line 2: retention: one process shares"):
        PolicyBook(root)


def test_a_server_file_must_be_named_by_the_server_id(tmp_path: Path) -> None:
    root = folder(tmp_path)
    (root / "guilds" / "my-server.yaml").write_text("shadow_mode: true\n", encoding="utf-8")
    (root / "guilds" / "example.yaml.sample").write_text("x: [", encoding="utf-8")  # ignored
    with pytest.raises(PolicyConfigError, match="named by the server id"):
        PolicyBook(root)


def test_a_folder_needs_its_default(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(PolicyConfigError, match=r"needs default\.yaml"):
        PolicyBook(tmp_path / "empty")


def test_an_empty_server_file_runs_the_default(tmp_path: Path) -> None:
    root = folder(tmp_path, g111111111111111111="")
    book = PolicyBook(root)
    assert book.for_guild(ONE).model_dump() == book.for_guild(TWO).model_dump()


def test_reloading_one_server_leaves_the_others_alone(tmp_path: Path) -> None:
    root = folder(tmp_path)
    book = PolicyBook(root)
    before_two = book.for_guild(TWO)
    (root / "guilds" / f"{ONE}.yaml").write_text("shadow_mode: true\n", encoding="utf-8")
    default = root / "default.yaml"
    default.write_text(default.read_text(encoding="utf-8").replace(
        "window_hours: 72", "window_hours: 24"), encoding="utf-8")

    one = book.reload(ONE)

    assert one.shadow_mode
    assert one.escalation.window_hours == 24
    assert book.for_guild(TWO) is before_two  # untouched until it reloads itself
    assert book.reload(TWO).escalation.window_hours == 24


def test_a_broken_reload_keeps_the_policy_in_force_and_says_why(tmp_path: Path) -> None:
    root = folder(tmp_path, g111111111111111111="shadow_mode: true\n")
    book = PolicyBook(root)
    before = book.for_guild(ONE)
    (root / "guilds" / f"{ONE}.yaml").write_text("labels:\n  insult: {act: 7}\n",
                                                 encoding="utf-8")
    with pytest.raises(PolicyConfigError, match=r"line 2: labels\.insult\.act"):
        book.reload(ONE)
    assert book.for_guild(ONE) is before
    assert ONE in book.errors
    with pytest.raises(PolicyConfigError):
        book.reload()  # everything: the same file refuses
    assert book.for_guild(ONE) is before


def test_overrides_sit_on_top_and_mark_the_version(tmp_path: Path) -> None:
    root = folder(tmp_path)
    book = PolicyBook(root)
    plain = book.for_guild(ONE)
    book.set_overrides(ONE, GuildOverrides(review=42, shadow_mode=True))
    changed = book.for_guild(ONE)
    assert changed.discord.review == 42
    assert changed.shadow_mode
    assert changed.version == f"{plain.version}+shadow:on"
    assert book.for_guild(TWO).discord.review is None
    assert book.origin(ONE, "discord.review") == "command"
    assert book.origin(TWO, "discord.review") == "default.yaml"
    assert book.origin(ONE, "discord.mod_log") == "default.yaml"


def test_origin_names_the_file_that_sets_a_value(tmp_path: Path) -> None:
    root = folder(tmp_path, g111111111111111111="flood:\n  repeats: 2\n")
    book = PolicyBook(root)
    assert book.origin(ONE, "flood") == f"guilds/{ONE}.yaml"
    assert book.origin(ONE, "campaigns") == "default.yaml"
    assert book.origin(ONE, "threats.enabled") == "default.yaml"
    assert book.origin(ONE, "model.label_map") == "built-in default"


def test_a_holder_becomes_a_book_for_every_server(default_policy: object) -> None:
    holder = PolicyHolder(DEFAULT_CONFIG)
    book = as_book(holder)
    assert book.for_guild(ONE) is holder.current
    assert as_book(book) is book


def test_the_example_server_file_is_a_valid_server_file(tmp_path: Path) -> None:
    sample = DEFAULT_CONFIG.parent / "guilds" / "example.yaml.sample"
    root = folder(tmp_path, g111111111111111111=sample.read_text(encoding="utf-8"))
    policy = PolicyBook(root).for_guild(ONE)
    assert policy.shadow_mode
    assert policy.labels["insult"].act == 0.7
    assert [claim.id for claim in policy.claims] == ["free-nitro"]
