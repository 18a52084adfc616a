"""``--help`` says defaults, formats and environment; ``--version``; the ``vigil`` name."""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.log_setup import JsonFormatter

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, exe: list[str] | None = None,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*(exe or [sys.executable, "-m", "bot"]), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False, env=env)


def test_help_lists_commands_environment_and_input_formats() -> None:
    result = run("--help")
    assert result.returncode == 0
    out = result.stdout
    assert out.startswith("usage: python -m bot")
    for command in ("replay", "score", "import", "export", "health", "run"):
        assert f"    {command}" in out
    assert "VIGIL_TOKEN" in out
    assert "VIGIL_DB_PATH                      default vigil.db" in out
    assert "VIGIL_LOG_FORMAT                   default text (one of: text, json)" in out
    assert "VIGIL_METRICS_PORT                 unset" in out
    assert '{"id", "ts", "guild_id", "channel_id", "author"' in out
    assert '{"text", "parent"?, "target"?' in out


def test_subcommand_help_shows_defaults() -> None:
    out = " ".join(run("health", "--help").stdout.split())
    assert "default: VIGIL_DB_PATH, else vigil.db" in out
    assert "default: VIGIL_METRICS_PORT" in out


def test_version_names_the_package_and_the_model() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("python -m bot ")
    assert "(model v3." in result.stdout


def test_the_console_entry_point_calls_itself_vigil() -> None:
    exe = shutil.which("vigil") or str(Path(sys.executable).parent / "vigil")
    if not Path(exe).exists():
        pytest.skip("the vigil entry point is not installed (pip install -e .)")
    result = run("--bogus", exe=[exe])
    assert result.returncode == 2
    assert result.stderr.startswith("usage: vigil ")
    assert "python -m bot" not in result.stderr


def test_a_bad_setting_is_one_line_naming_the_variable(tmp_path: Path) -> None:
    import os

    env = {**os.environ, "VIGIL_LOG_FORMAT": "xml"}
    result = run("health", "--db", str(tmp_path / "v.db"), env=env)
    assert result.returncode == 2
    assert result.stderr.startswith("VIGIL_LOG_FORMAT: Input should be 'text' or 'json'")
    assert "Traceback" not in result.stderr


@pytest.fixture
def restore_root() -> Iterator[None]:
    root = logging.getLogger()
    handlers = list(root.handlers)
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)


@pytest.mark.usefixtures("restore_root")
def test_log_format_json_is_applied(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VIGIL_LOG_FORMAT", "json")
    assert main(["health", "--db", str(tmp_path / "v.db")]) == 0
    (handler,) = logging.getLogger().handlers
    assert isinstance(handler.formatter, JsonFormatter)
