"""Settings of python -m models.serve: YAML file, environment keys, flags over both."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.serve.__main__ import main
from models.serve.config import ServeConfig, ServeConfigError, load_config, load_scorer


def test_file_then_environment_then_flags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "serve.yaml"
    path.write_text("port: 9000\nreplicas: 2\napi_keys: [from-file]\nmax_batch: 8\n")
    config = load_config(path, {"port": None, "replicas": 3})
    assert (config.port, config.replicas, config.max_batch) == (9000, 3, 8)
    assert config.api_keys == ["from-file"]
    monkeypatch.setenv("VIGIL_SERVE_API_KEYS", "a, b ,")
    assert load_config(path, {}).api_keys == ["a", "b"]


@pytest.mark.parametrize("text", ["port: [1]\n", "- a list\n", "unknown_setting: 1\n",
                                  "replicas: 0\n", "port: 8000\n  bad: indent\n"])
def test_bad_settings_are_clear_errors(tmp_path: Path, text: str) -> None:
    path = tmp_path / "serve.yaml"
    path.write_text(text)
    with pytest.raises(ServeConfigError, match=r"serve\.yaml"):
        load_config(path, {})


def test_missing_file_and_bad_checkpoint(tmp_path: Path) -> None:
    with pytest.raises(ServeConfigError, match="cannot read"):
        load_config(tmp_path / "nope.yaml", {})
    with pytest.raises(ServeConfigError, match="not a folder"):
        load_scorer(ServeConfig(checkpoint=tmp_path / "missing"))


def test_the_command_refuses_bad_settings_with_status_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--port", "70000", "--no-ray"]) == 2
    assert "port" in capsys.readouterr().err
    assert main(["--no-ray", "--checkpoint", str(tmp_path / "missing")]) == 2
    assert "not a folder" in capsys.readouterr().err
