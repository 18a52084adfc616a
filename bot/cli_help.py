"""What ``--help`` and ``--version`` say: the program's name, defaults, formats, environment.

The environment list is read from :class:`~bot.settings.Settings` itself, so a new setting
shows up here with its default without anyone editing a help text.
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic import SecretStr

from bot.settings import REPO_ROOT, Settings

FORMATS = """\
input formats:
  transcript (replay; written by import dce and export): one JSON object a line,
    {"id", "ts", "guild_id", "channel_id", "author": {"id", "name", "created_at",
     "joined_at", "roles": [...], "bot"?}, "content", "reply_to", "attachments"?,
     "embeds"?}; {"type": "join", "ts", "guild_id", "author"} lines feed raid detection
  score (stdin): one JSON object a line, {"text", "parent"?, "target"? or "targets"?};
    out: {"scores", "stance"?, "claims"?, "rules", "decision"} or {"error"} per line
  policy: YAML, see config/default.yaml (every key commented); or a folder of
    default.yaml and guilds/<guild_id>.yaml, each server's file merged over the default
    (see config/guilds/example.yaml.sample)"""


class VigilHelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Shows each option's default when it has a real one (not None, False or a list)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        default = action.default
        if ("%(default)" in text or "default:" in text or default is None
                or default is argparse.SUPPRESS or isinstance(default, bool | list)
                or not action.option_strings):
            return text
        return text + " (default: %(default)s)"


class VigilParser(argparse.ArgumentParser):
    """Every parser and subparser of the command line formats its help the same way."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", VigilHelpFormatter)
        super().__init__(*args, **kwargs)


def program() -> str:
    """``vigil`` when run through the console entry point, else ``python -m bot``."""
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    return "vigil" if name == "vigil" else "python -m bot"


def vigil_version() -> str:
    try:
        package = version("vigil-modbot")
    except PackageNotFoundError:
        package = "dev"
    meta = REPO_ROOT / "models" / "weights" / "vigil-v3.json"
    try:
        model = json.loads(meta.read_text(encoding="utf-8")).get("version", "?")
    except (OSError, ValueError):
        return package
    return f"{package} (model v{model})"


def environment() -> str:
    """One line per setting: its variable and its default."""
    lines = ["environment (process settings; the moderation policy is the YAML file):"]
    for name, field in Settings.model_fields.items():
        default = field.default
        if isinstance(default, SecretStr) or name == "token":
            shown = "secret, never printed; required by run and export"
        elif default is None:
            shown = "unset"
        else:
            shown = f"default {default}"
        if get_origin(field.annotation) is Literal:
            shown += f" (one of: {', '.join(map(str, get_args(field.annotation)))})"
        lines.append(f"  VIGIL_{name.upper():<28} {shown}")
    return "\n".join(lines)


def epilog() -> str:
    return f"{environment()}\n\n{FORMATS}"
