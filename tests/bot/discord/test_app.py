"""``run_bot`` refuses to start without a token or with a broken policy, and says why."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.discord.app import EXTENSIONS, run_bot
from bot.settings import Settings
from tests.cogs.conftest import World


def test_refuses_to_start_without_a_token(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_bot(Settings(token=None)) == 2
    assert "VIGIL_TOKEN is not set" in capsys.readouterr().err


def test_refuses_to_start_with_a_broken_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "policy.yaml"
    broken.write_text("labels:\n  toxicity:\n    act: 7\n", encoding="utf-8")
    secret = "MTIz.secret-token-value"

    assert run_bot(Settings(token=secret, config_path=broken)) == 2

    err = capsys.readouterr().err
    assert "refusing to start with a broken policy" in err
    assert "line 3" in err
    assert secret not in err


async def test_every_extension_is_loaded(world: World) -> None:
    assert sorted(world.bot.extensions) == sorted(EXTENSIONS)
    names = {c.qualified_name for c in world.bot.tree.walk_commands()}
    assert {"warn", "timeout", "untimeout", "kick", "ban", "unban", "note", "appeal",
            "case show", "case list", "case reason", "vigil config show",
            "vigil config reload", "vigil shadow", "vigil score", "vigil stats"} <= names
