"""Structured logs: one JSON object a line, and the token never in any line."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.log_setup import configure

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GabcDE.0123456789abcdefghijklmnopqrstuvwxyzABCD"


@pytest.fixture
def restore_root() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


@pytest.mark.usefixtures("restore_root")
def test_json_lines_carry_level_logger_message_extras_and_the_traceback() -> None:
    out = io.StringIO()
    configure("DEBUG", "json", secrets=[TOKEN], stream=out)
    log = logging.getLogger("vigil.test")
    log.info("case #%d opened", 4, extra={"guild_id": 123, "case": 4})
    try:
        raise RuntimeError(f"login with {TOKEN} failed")
    except RuntimeError:
        log.exception("request failed for Bot %s", TOKEN)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["level"] == "INFO"
    assert first["logger"] == "vigil.test"
    assert first["message"] == "case #4 opened"
    assert (first["guild_id"], first["case"]) == (123, 4)
    assert first["ts"].endswith("+00:00")
    assert second["message"] == "request failed for Bot [token]"
    assert "RuntimeError: login with [token] failed" in second["exc"]
    assert TOKEN not in out.getvalue()


@pytest.mark.usefixtures("restore_root")
def test_text_format_redacts_the_token_too() -> None:
    out = io.StringIO()
    configure("INFO", "text", secrets=[TOKEN], stream=out)
    logging.getLogger("discord.http").warning("headers: Authorization: Bot %s", TOKEN)
    logging.getLogger("vigil").debug("not shown at INFO %s", TOKEN)
    text = out.getvalue()
    assert "Authorization: Bot [token]" in text
    assert TOKEN not in text
    assert "not shown" not in text


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="text, json"):
        configure("INFO", "xml")
