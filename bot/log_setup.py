"""Process logging: plain lines or, with ``VIGIL_LOG_FORMAT=json``, one JSON object a line.

Either way every record passes a filter that replaces the bot token with ``[token]``
wherever it appears (message, arguments, traceback), so a library that logs a request or
an exception quoting it cannot leak it into the log collector.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TextIO

FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
#: LogRecord attributes that are not extra fields a caller passed.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "message", ...extra, "exc"?}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                out[key] = value if isinstance(value, str | int | float | bool) else repr(value)
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:  # already formatted (and cleaned) by RedactSecrets
            out["exc"] = record.exc_text
        if record.stack_info:
            out["stack"] = record.stack_info
        return json.dumps(out, ensure_ascii=False)


class RedactSecrets(logging.Filter):
    """Replaces each secret in a record by ``[token]`` before any handler formats it."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        # Very short values would redact ordinary words; real tokens are ~70 characters.
        self._secrets = tuple(s for s in secrets if len(s) >= 8)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        message = self._clean(record.getMessage())
        record.msg, record.args = message, None
        if record.exc_info:
            # Format the traceback now, cleaned; handlers then print the cached text.
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = self._clean(text)
            record.exc_info = None
        return True

    def _clean(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "[token]")
        return text


def configure(level: str = "INFO", fmt: str = "text", *, secrets: Iterable[str] = (),
              stream: TextIO | None = None) -> logging.Handler:
    """Replace the root logger's handlers with one (text or JSON) that redacts ``secrets``."""
    if fmt not in FORMATS:
        raise ValueError(f"log format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    return handler
