"""Perspective API's ``comments:analyze`` request and response shapes over Vigil's labels.

A request is checked and turned into :class:`AnalyzeQuery` (or a :class:`PerspectiveError`
in Perspective's own error shape); the scores of its texts become the response body.
docs/perspective.md documents the mapping, SEVERE_TOXICITY and the language rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from models.api import ScoreRequest, ScoreResult

#: Perspective attribute -> how it is read from Vigil's scores.
ATTRIBUTES: dict[str, Callable[[Mapping[str, float]], float]] = {
    "TOXICITY": lambda s: s["toxicity"],
    # Perspective's SEVERE_TOXICITY ignores milder forms (profanity alone, rudeness). Here:
    # toxic AND aimed at someone (an insult, an identity attack or a threat), the product of
    # the two probabilities. It is never above TOXICITY and profanity alone barely moves it.
    "SEVERE_TOXICITY": lambda s: s["toxicity"] * max(s["insult"], s["identity_attack"],
                                                     s["threat"]),
    "IDENTITY_ATTACK": lambda s: s["identity_attack"],
    "INSULT": lambda s: s["insult"],
    "PROFANITY": lambda s: s["profanity"],
    "THREAT": lambda s: s["threat"],
    "SPAM": lambda s: s["spam"],
}
LANGUAGES = ("en",)
#: Perspective refuses comments over 20 KB; so does this endpoint.
MAX_COMMENT_BYTES = 20_480
MAX_CONTEXT_BYTES = 20_480
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


@dataclass(frozen=True, slots=True)
class PerspectiveError(Exception):
    code: int
    status: str
    message: str

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "status": self.status}}


def invalid(message: str) -> PerspectiveError:
    return PerspectiveError(400, "INVALID_ARGUMENT", message)


@dataclass(frozen=True, slots=True)
class AnalyzeQuery:
    text: str
    parent: str | None
    #: Attribute -> scoreThreshold (None: always reported), in the order asked.
    attributes: dict[str, float | None]
    languages: tuple[str, ...]
    detected: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]
    client_token: str | None

    def requests(self) -> list[ScoreRequest]:
        """The whole comment first, then each span of more than one (same parent)."""
        out = [ScoreRequest(self.text, parent=self.parent)]
        if len(self.spans) > 1:
            out.extend(ScoreRequest(self.text[b:e], parent=self.parent) for b, e in self.spans)
        return out


def parse(body: object) -> AnalyzeQuery:
    if not isinstance(body, Mapping):
        raise invalid("Invalid JSON payload: expected an AnalyzeCommentRequest object.")
    comment = body.get("comment")
    if not isinstance(comment, Mapping) or not isinstance(comment.get("text"), str):
        raise invalid("Comment must have a text field.")
    if comment.get("type", "PLAIN_TEXT") != "PLAIN_TEXT":
        raise invalid(f"Comment type {comment.get('type')} is not supported; use PLAIN_TEXT.")
    text = comment["text"]
    if not text.strip():
        raise invalid("Comment must be non-empty.")
    if len(text.encode("utf-8", "replace")) > MAX_COMMENT_BYTES:
        raise invalid(f"Comment text was too many bytes (at most {MAX_COMMENT_BYTES}).")
    attributes = _attributes(body.get("requestedAttributes"))
    detected = (detect_language(text),)
    languages = _languages(body.get("languages"), detected, next(iter(attributes)))
    spans = sentence_spans(text) if body.get("spanAnnotations") is True else ()
    token = body.get("clientToken")
    return AnalyzeQuery(
        text=text, parent=_parent(body.get("context")), attributes=attributes,
        languages=languages, detected=detected, spans=spans,
        client_token=token if isinstance(token, str) else None,
    )


def _attributes(requested: object) -> dict[str, float | None]:
    if not isinstance(requested, Mapping) or not requested:
        raise invalid("No requested attributes were given (requestedAttributes).")
    out: dict[str, float | None] = {}
    for name, options in requested.items():
        if name not in ATTRIBUTES:
            raise invalid(f"Requested attribute {name} is not supported; supported: "
                          f"{', '.join(ATTRIBUTES)}.")
        options = options if isinstance(options, Mapping) else {}
        if options.get("scoreType", "PROBABILITY") != "PROBABILITY":
            raise invalid(f"Attribute {name} does not support score type "
                          f"{options.get('scoreType')}; only PROBABILITY.")
        threshold = options.get("scoreThreshold")
        if threshold is not None and (
                not isinstance(threshold, int | float) or not 0 <= threshold <= 1):
            raise invalid(f"scoreThreshold of {name} must be a number from 0 to 1.")
        out[name] = None if threshold is None else float(threshold)
    return out


def _languages(given: object, detected: tuple[str, ...], attribute: str) -> tuple[str, ...]:
    if given in (None, []):
        languages = detected
    elif isinstance(given, list) and all(isinstance(lang, str) for lang in given):
        languages = tuple(given)
    else:
        raise invalid("languages must be a list of language codes.")
    unsupported = [lang for lang in languages if _primary(lang) not in LANGUAGES]
    if unsupported:
        raise invalid(f"Attribute {attribute} does not support request languages: "
                      f"{','.join(unsupported)}")
    return languages


def _primary(language: str) -> str:
    return re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0]


def _parent(context: object) -> str | None:
    """The last context entry's text: the message this one answers."""
    if context is None:
        return None
    entries = context.get("entries") if isinstance(context, Mapping) else None
    if not isinstance(entries, list) or not all(
            isinstance(e, Mapping) and isinstance(e.get("text", ""), str) for e in entries):
        raise invalid("context.entries must be a list of {text, type} objects.")
    texts = [e.get("text", "") for e in entries if e.get("text", "").strip()]
    if not texts:
        return None
    if len(texts[-1].encode("utf-8", "replace")) > MAX_CONTEXT_BYTES:
        raise invalid(f"Context entry text was too many bytes (at most {MAX_CONTEXT_BYTES}).")
    return texts[-1]


def detect_language(text: str) -> str:
    """"en" unless most letters are outside the Latin script ("und": not a language served).

    Vigil has no language identifier: Latin-script text in another language still reads
    as "en" here, and the English model scores it as best it can."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "en"
    latin = sum(1 for c in letters if ord(c) < 0x250 or 0x1E00 <= ord(c) <= 0x1EFF)
    return "en" if latin * 2 >= len(letters) else "und"


def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """(begin, end) character offsets of each sentence, whitespace between left out."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text.rstrip())))
    return tuple((b, e) for b, e in spans if e > b)


def attribute_values(scores: Mapping[str, float]) -> dict[str, float]:
    return {name: float(read(scores)) for name, read in ATTRIBUTES.items()}


def response(
    query: AnalyzeQuery, results: Sequence[ScoreResult], model_version: str
) -> dict[str, Any]:
    summary = attribute_values(results[0].scores)
    span_values = ([attribute_values(r.scores) for r in results[1:]] if len(results) > 1
                   else [summary] * len(query.spans))
    scores: dict[str, Any] = {}
    for name, threshold in query.attributes.items():
        if threshold is not None and summary[name] < threshold:
            continue  # Perspective leaves out attributes under their scoreThreshold
        entry: dict[str, Any] = {"summaryScore": _score(summary[name])}
        if query.spans:
            entry["spanScores"] = [
                {"begin": b, "end": e, "score": _score(values[name])}
                for (b, e), values in zip(query.spans, span_values, strict=True)
            ]
        scores[name] = entry
    out: dict[str, Any] = {
        "attributeScores": scores,
        "languages": list(query.languages),
        "detectedLanguages": list(query.detected),
        "vigilModel": model_version,
    }
    if query.client_token is not None:
        out["clientToken"] = query.client_token
    return out


def _score(value: float) -> dict[str, Any]:
    return {"value": value, "type": "PROBABILITY"}
