"""Untrusted report values made safe for the page: escaped, clipped, read leniently.

Everything that came from a transcript or a detector (ids, labels, actions, evidence,
problems) is user-provided text and goes through :func:`esc` before it reaches the page.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from html import escape
from typing import Any

MAX_IDS_SHOWN = 3
MAX_ID_CHARS = 24
MAX_EVIDENCE_CHARS = 80


def esc(value: Any) -> str:
    """Escape anything for HTML text or a double-quoted attribute."""
    return escape(str(value), quote=True)


def as_number(value: Any, default: float = 0.0) -> float:
    """A finite float, or ``default`` for anything else (junk, NaN, infinities)."""
    try:
        result = float(value)
    except (TypeError, ValueError):
        return default
    return result if math.isfinite(result) else default


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_ts(value: Any) -> datetime | None:
    """ISO 8601 to an aware UTC datetime; naive times are taken as UTC; junk gives None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def id_code(value: Any, limit: int = MAX_ID_CHARS) -> str:
    """An id in ``<code>``, clipped, with the whole id as a tooltip (both escaped)."""
    text = str(value)
    return f'<code title="{esc(text)}">{esc(clip(text, limit))}</code>'


def abbreviate_ids(ids: Sequence[Any], shown: int = MAX_IDS_SHOWN) -> str:
    """The first few ids, each clipped, and how many more there are (escaped)."""
    parts = [id_code(i) for i in ids[:shown]]
    if len(ids) > shown:
        parts.append(f"… +{len(ids) - shown:,} more")
    return ", ".join(parts) if parts else "—"


def _evidence_value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, list | tuple) and len(value) > MAX_IDS_SHOWN:
        head = json.dumps(list(value[:MAX_IDS_SHOWN]), default=str)[:-1]
        return f"{head}, … +{len(value) - MAX_IDS_SHOWN}]"
    if isinstance(value, str):
        return value
    return json.dumps(value, default=str)


def evidence_summary(evidence: Any) -> str:
    """``key: value`` per line, values clipped; every piece escaped."""
    if not isinstance(evidence, Mapping):
        return esc(clip(str(evidence), MAX_EVIDENCE_CHARS)) if evidence else "—"
    if not evidence:
        return "—"
    lines = [f"<b>{esc(key)}</b>: {esc(clip(_evidence_value(value), MAX_EVIDENCE_CHARS))}"
             for key, value in evidence.items()]
    return "<br>".join(lines)

