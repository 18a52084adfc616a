"""JSON form of score requests and results between ``models.serve`` and its clients.

``POST /v1/score`` takes ``{"requests": [{"text", "parent"?, "targets"?,
"needs_embedding"?}]}`` and answers ``{"model": version, "results": [...]}``. Embeddings
travel as base64 of little-endian float32 so the client gets exactly the array the
in-process scorer returns (a decimal list would cost four times the bytes and a float
round trip).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from models.api import ScoreRequest, ScoreResult

#: Requests one ``/v1/score`` call may carry, and characters per text field.
MAX_REQUESTS = 256
MAX_TEXT = 100_000
MAX_TARGETS = 16


class WireError(ValueError):
    """A request body that does not have the documented shape."""


def encode_requests(requests: Sequence[ScoreRequest]) -> dict[str, Any]:
    return {"requests": [
        {"text": r.text, "parent": r.parent, "targets": list(r.targets),
         **({"needs_embedding": True} if r.needs_embedding else {})} for r in requests
    ]}


def decode_requests(body: object) -> list[ScoreRequest]:
    if not isinstance(body, Mapping) or not isinstance(body.get("requests"), list):
        raise WireError('expected {"requests": [...]}')
    items = body["requests"]
    if len(items) > MAX_REQUESTS:
        raise WireError(f"at most {MAX_REQUESTS} requests per call")
    return [_request(item, n) for n, item in enumerate(items)]


def _request(item: object, n: int) -> ScoreRequest:
    if not isinstance(item, Mapping) or not isinstance(item.get("text"), str):
        raise WireError(f'requests[{n}] needs a "text" string')
    parent = item.get("parent")
    targets = item.get("targets") or []
    if parent is not None and not isinstance(parent, str):
        raise WireError(f'requests[{n}].parent must be a string or null')
    if not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
        raise WireError(f"requests[{n}].targets must be a list of strings")
    if len(targets) > MAX_TARGETS:
        raise WireError(f"requests[{n}] has more than {MAX_TARGETS} targets")
    if any(len(v) > MAX_TEXT for v in (item["text"], parent or "", *targets)):
        raise WireError(f"requests[{n}] has a field longer than {MAX_TEXT} characters")
    return ScoreRequest(item["text"], parent=parent, targets=tuple(targets),
                        needs_embedding=item.get("needs_embedding") is True)


def encode_result(result: ScoreResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "scores": result.scores,
        "parent_stance": result.parent_stance,
        "target_stances": list(result.target_stances),
    }
    if result.embedding is not None:
        vector = np.ascontiguousarray(result.embedding, dtype="<f4")
        out["embedding"] = base64.b64encode(vector.tobytes()).decode("ascii")
    return out


def decode_result(item: Mapping[str, Any]) -> ScoreResult:
    embedding = None
    if item.get("embedding"):
        raw = base64.b64decode(item["embedding"])
        embedding = np.frombuffer(raw, dtype="<f4").astype(np.float32)
    return ScoreResult(
        scores={k: float(v) for k, v in item["scores"].items()},
        parent_stance=item.get("parent_stance"),
        target_stances=tuple(item.get("target_stances") or ()),
        embedding=embedding,
    )
