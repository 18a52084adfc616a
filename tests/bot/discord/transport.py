"""Faults at the wire, in front of simcord: what a real network and a real Discord do.

``env.inject_error`` makes simcord answer with a Discord error but cannot send a
``Retry-After`` header, drop a connection or time out. :class:`FaultyTransport` wraps the
bot's (simcord) HTTP client so matching requests fail the way aiohttp and discord.py fail
in production; every other request reaches simcord untouched. It counts what it injects.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import discord
from discord.http import Route


class _Response:
    """Enough of an aiohttp response for discord.py's HTTPException."""

    def __init__(self, status: int, headers: dict[str, str]) -> None:
        self.status = status
        self.reason = {403: "Forbidden", 429: "Too Many Requests", 500: "Internal Server Error",
                       502: "Bad Gateway", 503: "Service Unavailable"}.get(status, "Error")
        self.headers = headers


def http_error(status: int, code: int = 0, retry_after: float | None = None) -> BaseException:
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
    response = _Response(status, headers)
    data = {"code": code, "message": f"{response.reason} (injected)"}
    if status == 403:
        return discord.Forbidden(response, data)
    if status == 404:
        return discord.NotFound(response, data)
    if status >= 500:
        return discord.DiscordServerError(response, data)
    return discord.HTTPException(response, data)


#: Each kind of fault, as the exception a real client would raise.
FAULTS: dict[str, Callable[[], BaseException]] = {
    "429 retry-after": lambda: http_error(429, retry_after=0.25),
    "429 long (RateLimited)": lambda: discord.RateLimited(120.0),
    "500": lambda: http_error(500),
    "502": lambda: http_error(502),
    "503": lambda: http_error(503),
    "403 missing permissions": lambda: http_error(403, 50013),
    "connection reset": lambda: aiohttp.ClientOSError(104, "Connection reset by peer"),
    "server disconnected": lambda: aiohttp.ServerDisconnectedError(),
    "OSError": lambda: ConnectionResetError(104, "Connection reset by peer"),
    "timeout": lambda: TimeoutError(),  # asyncio.TimeoutError is this since 3.11
}
#: Faults a retry can get past (the rest fail at once, or are not waited out).
TRANSIENT = {"429 retry-after", "500", "502", "503", "connection reset", "server disconnected",
             "OSError", "timeout"}


@dataclass
class _Rule:
    method: str
    path: str
    fault: str
    times: int | None


class FaultyTransport:
    def __init__(self, bot: discord.Client) -> None:
        self._http = bot.http
        self._inner = bot.http.request
        self._rules: list[_Rule] = []
        #: Faults raised so far, by kind.
        self.injected: dict[str, int] = {}
        bot.http.request = self._request  # type: ignore[method-assign]

    def fail(self, method: str, path: str, fault: str, *, times: int | None = 1) -> None:
        """Fail the next ``times`` requests matching (``None``: until :meth:`clear`)."""
        assert fault in FAULTS, fault
        self._rules.append(_Rule(method, path, fault, times))

    def clear(self) -> None:
        self._rules.clear()

    @property
    def total(self) -> int:
        return sum(self.injected.values())

    async def _request(self, route: Route, **kwargs: Any) -> Any:
        path = route.url.split("/api/v10", 1)[-1].split("?", 1)[0]
        for rule in self._rules:
            if rule.method == route.method and fnmatch.fnmatch(path, rule.path):
                if rule.times is not None:
                    rule.times -= 1
                    if rule.times <= 0:
                        self._rules.remove(rule)
                self.injected[rule.fault] = self.injected.get(rule.fault, 0) + 1
                raise FAULTS[rule.fault]()
        return await self._inner(route, **kwargs)
