"""The HTTP app of ``python -m models.serve``: a plain Starlette app over a ScoringBackend.

Routes:

* ``POST /v1alpha1/comments:analyze`` - Perspective API's request and response shapes;
* ``POST /v1/score`` - Vigil's own (models.serve.wire), what the bot's remote scorer calls;
* ``GET /v1/models`` - what the server runs;
* ``GET /healthz`` - liveness, no key needed.

Every response carries ``X-Vigil-Model`` (the model version). With ``api_keys`` set, every
route but ``/healthz`` needs one of them as the ``key`` query parameter (how Perspective
clients send theirs) or the ``X-Goog-Api-Key`` header. The same app runs under uvicorn
(tests, ``--no-ray``) and as the ingress of the Ray Serve deployment.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Collection
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from models.api import ScorerUnavailableError
from models.serve import perspective, wire
from models.serve.backend import ScoringBackend

log = logging.getLogger(__name__)

MODEL_HEADER = "X-Vigil-Model"
MAX_BODY_BYTES = 8 * 1024 * 1024


def build_app(backend: ScoringBackend, *, api_keys: Collection[str] = ()) -> Starlette:
    keys = tuple(k for k in api_keys if k)

    def refused(request: Request) -> JSONResponse | None:
        if not keys:
            return None
        given = request.query_params.get("key") or request.headers.get("x-goog-api-key") or ""
        if any(hmac.compare_digest(given.encode(), k.encode()) for k in keys):
            return None
        error = perspective.PerspectiveError(
            403, "PERMISSION_DENIED",
            "The caller does not have permission: pass a valid API key as ?key=.")
        return JSONResponse(error.body(), status_code=403)

    async def analyze(request: Request) -> Response:
        if (denied := refused(request)) is not None:
            return denied
        try:
            query = perspective.parse(await _json_body(request))
            results = await backend.score(query.requests())
        except perspective.PerspectiveError as exc:
            return JSONResponse(exc.body(), status_code=exc.code)
        except ScorerUnavailableError as exc:
            return _unavailable(exc)
        except Exception:
            return _internal()
        return JSONResponse(perspective.response(query, results, backend.version))

    async def score(request: Request) -> Response:
        if (denied := refused(request)) is not None:
            return denied
        try:
            requests = wire.decode_requests(await _json_body(request))
            results = await backend.score(requests) if requests else []
        except perspective.PerspectiveError as exc:
            return JSONResponse(exc.body(), status_code=exc.code)
        except wire.WireError as exc:
            return JSONResponse(perspective.invalid(str(exc)).body(), status_code=400)
        except ScorerUnavailableError as exc:
            return _unavailable(exc)
        except Exception:
            return _internal()
        return JSONResponse({"model": backend.version,
                             "results": [wire.encode_result(r) for r in results]})

    async def models(request: Request) -> Response:
        if (denied := refused(request)) is not None:
            return denied
        return JSONResponse({"models": [backend.describe()],
                             "attributes": list(perspective.ATTRIBUTES),
                             "languages": list(perspective.LANGUAGES)})

    async def health(request: Request) -> Response:
        return JSONResponse({"ok": True, "model": backend.version})

    app = Starlette(routes=[
        Route("/v1alpha1/comments:analyze", analyze, methods=["POST"]),
        Route("/v1/score", score, methods=["POST"]),
        Route("/v1/models", models, methods=["GET"]),
        Route("/healthz", health, methods=["GET"]),
    ])
    app.add_middleware(_ModelHeader, version=backend.version)
    return app


async def _json_body(request: Request) -> Any:
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise perspective.PerspectiveError(413, "INVALID_ARGUMENT", "Request body too large.")
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise perspective.invalid(f"Invalid JSON payload received: {exc}") from None


def _unavailable(exc: Exception) -> JSONResponse:
    log.warning("scoring failed: %s", exc)
    error = perspective.PerspectiveError(503, "UNAVAILABLE", f"The scorer is unavailable: {exc}")
    return JSONResponse(error.body(), status_code=503)


def _internal() -> JSONResponse:
    log.exception("scoring raised")
    error = perspective.PerspectiveError(500, "INTERNAL", "Scoring failed; see the server log.")
    return JSONResponse(error.body(), status_code=500)


class _ModelHeader:
    """Adds the model version header to every response, errors and 404s included."""

    def __init__(self, app: ASGIApp, version: str) -> None:
        self.app = app
        self.header = (MODEL_HEADER.lower().encode(), version.encode("latin-1", "replace"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), self.header]
            await send(message)

        await self.app(scope, receive, send_with_header)
