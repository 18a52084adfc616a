"""The Scorer interface over HTTP: scores come from a ``python -m models.serve`` service.

Chosen by ``VIGIL_MODEL_URL`` or the policy's ``model.url`` (bot.scoring.load_scorer);
the bot, ``score`` and ``replay`` then load no model in-process. ``score_batch`` runs on
the micro-batcher's worker thread, so a blocking keep-alive connection (stdlib
http.client) is all it needs. When the service cannot answer (refused, timed out, 5xx)
it raises :class:`~models.api.ScorerUnavailableError` with the reason: the pipeline records
the message as not scored and retries it (bot.unscored), it never decides on no scores.
A ``key`` query parameter in the URL is sent as the service's API key.
"""

from __future__ import annotations

import http.client
import json
import logging
import threading
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qs, urlsplit

from models.api import ScoreRequest, ScoreResult, ScorerUnavailableError
from models.serve.wire import decode_result, encode_requests

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0


class RemoteScorer:
    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"model URL must be http(s)://host[:port][/path], not {url!r}")
        self.url = f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"
        self._https = parts.scheme == "https"
        self._host, self._port = parts.hostname, parts.port
        self._base = parts.path.rstrip("/")
        key = parse_qs(parts.query).get("key")
        self._headers = {"Content-Type": "application/json"}
        if key:
            self._headers["X-Goog-Api-Key"] = key[0]
        self.timeout = timeout
        self._conn: http.client.HTTPConnection | None = None
        self._lock = threading.Lock()
        #: Replaced by the service's model version from its first answer.
        self.version = f"remote:{parts.netloc}"
        try:
            self.refresh_version()
        except ScorerUnavailableError as exc:  # the bot starts anyway; messages wait for it
            log.warning("scoring service %s not reachable yet: %s", self.url, exc)

    def refresh_version(self) -> str:
        body = self._call("GET", "/v1/models", None)
        self.version = str(body["models"][0]["version"])
        return self.version

    def score_batch(self, requests: Sequence[ScoreRequest]) -> list[ScoreResult]:
        if not requests:
            return []
        body = self._call("POST", "/v1/score", encode_requests(requests))
        results = [decode_result(item) for item in body["results"]]
        if len(results) != len(requests):
            raise ScorerUnavailableError(
                f"{self.url} returned {len(results)} results for {len(requests)}")
        self.version = str(body.get("model") or self.version)
        return results

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def _call(self, method: str, path: str, payload: dict[str, Any] | None) -> Any:
        data = None if payload is None else json.dumps(payload).encode("utf-8")
        with self._lock:
            for attempt in (1, 2):  # a keep-alive connection the server closed: once more
                try:
                    status, raw = self._send(method, self._base + path, data)
                    break
                except (OSError, http.client.HTTPException) as exc:
                    self._drop()
                    if attempt == 2 or isinstance(exc, TimeoutError):
                        raise ScorerUnavailableError(f"{self.url}: {exc!r}") from exc
        # A wrong key (401/403) stops all scoring like an outage: messages wait, none is lost.
        if status >= 500 or status in (401, 403, 408, 429):
            raise ScorerUnavailableError(f"{self.url} answered {status}: {_message(raw)}")
        if status >= 400:  # our request or key is wrong: retrying the same will not help
            raise ValueError(f"{self.url} refused the request ({status}): {_message(raw)}")
        try:
            return json.loads(raw)
        except ValueError as exc:
            raise ScorerUnavailableError(f"{self.url} answered with no JSON: {exc}") from exc

    def _send(self, method: str, path: str, data: bytes | None) -> tuple[int, bytes]:
        if self._conn is None:
            kind = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            self._conn = kind(self._host, self._port, timeout=self.timeout)
        self._conn.request(method, path, body=data, headers=self._headers)
        response = self._conn.getresponse()
        return response.status, response.read()

    def _drop(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _message(raw: bytes) -> str:
    try:
        return str(json.loads(raw)["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return raw[:200].decode("utf-8", "replace")
