"""Protected tokens (step 4 of the pipeline in ``bot.normalize``).

URLs, e-mails, mentions, custom emoji and Discord markup are swapped for a placeholder so
no later fold rewrites them (``b1t.ly/x`` stays a URL), then put back as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Stands in for each protected token. A lone surrogate: ``characters.clean`` replaces
#: every one on entry, so it cannot collide with the message's own text.
PLACEHOLDER = "\ud800"

_TLDS = (
    "com|net|org|gg|ly|io|co|me|tv|cc|ru|uk|de|fr|nl|eu|ca|au|jp|cn|br|pl|info|biz|xyz|app|"
    "dev|site|online|store|shop|link|live|top|club|click|fun|pw|su|ws|tk|ml|ga|cf|gq|gift|"
    "gifts|icu|vip|win|buzz|lol|pro|ai|gl|gd|us|edu|gov"
)
_LABEL = r"[^\W_][\w\-]*"
_DISCORD_TOKENS = (
    r"(?P<emoji><a?:\w{1,32}:\d{1,21}>)"
    r"|(?P<mention><(?:@[!&]?|\#)\d{1,21}>|(?<![\w@])@(?:everyone|here)(?!\w))"
    r"|(?P<markup></[\w\- ]{1,64}:\d{1,21}>|<t:-?\d{1,16}(?::[tTdDfFR])?>)"
)
_SCHEME_URL = r"(?P<url>(?i:(?:https?|ftp)://|(?<![\w.\-])www\.)[^\s<>]+)"
_EMAIL = r"(?P<email>(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+)"
_ANY_URL = (
    r"(?P<url>(?i:(?:https?|ftp)://|(?<![\w.\-])www\.)[^\s<>]+"
    # Bare hosts: a known TLD, or any alphabetic TLD followed by a path.
    rf"|(?<![\w@.\-])(?:{_LABEL}\.)+(?:(?i:{_TLDS})(?![\w\-])|[A-Za-z]{{2,24}}(?=/))"
    r"(?:[/?#][^\s<>]*)?)"
)
# Bare hosts and e-mails start at an ordinary word, so scanning for them costs a pass over
# every word; the lite pattern (Discord markup and scheme/www URLs) is used when no ".tld"
# or "@" hints that they could be present.
_PROTECTED_RE = re.compile(f"{_DISCORD_TOKENS}|{_EMAIL}|{_ANY_URL}")
_PROTECTED_LITE_RE = re.compile(f"{_DISCORD_TOKENS}|{_SCHEME_URL}")
_BARE_HOST_HINT_RE = re.compile(rf"\.(?:(?i:{_TLDS})(?![\w\-])|[A-Za-z]{{2,24}}/)")
# Sentence punctuation and markdown after a URL are not part of it.
_URL_TAIL = ".,;:!?'\"*_~|`"
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
_AUTHORITY_END_RE = re.compile(r"[/?#\\]")
_INVITE_RE = re.compile(
    r"^(?:[a-z]+://)?(?:www\.|ptb\.|canary\.)?"
    r"(?:discord(?:app)?\.com/invite|discord\.gg(?:/invite)?)/([A-Za-z0-9\-]{2,32})",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Protected:
    """The text with each token replaced by :data:`PLACEHOLDER`, and what was taken out."""

    work: str
    #: (kind, token as written), in order: one per placeholder.
    tokens: list[tuple[str, str]]
    urls: list[str]
    mentions: list[str]


def protect(s: str) -> Protected:
    """Take the protected tokens out of ``s`` (trailing punctuation stays in the text)."""
    urls: list[str] = []
    mentions: list[str] = []
    tokens: list[tuple[str, str]] = []

    def take(match: re.Match[str]) -> str:
        kind = match.lastgroup or ""
        token, tail = match.group(), ""
        if kind == "url":
            token, tail = _trim_url(token)
            urls.append(token)
        elif kind == "mention":
            mentions.append(token)
        tokens.append((kind, token))
        return PLACEHOLDER + tail

    if "@" in s or _BARE_HOST_HINT_RE.search(s):
        work = _PROTECTED_RE.sub(take, s)
    elif "<" in s or "://" in s or "www." in s.lower():
        work = _PROTECTED_LITE_RE.sub(take, s)
    else:
        work = s
    return Protected(work, tokens, urls, mentions)


def host_of(url: str) -> str:
    """The URL's lowercased host, ``www.`` stripped; a ``user@`` prefix does not hide it."""
    rest = _SCHEME_RE.sub("", url, count=1)
    authority = _AUTHORITY_END_RE.split(rest, maxsplit=1)[0]
    host = authority.rpartition("@")[2]  # "https://discord.com@evil.example/" goes to evil
    host = host[:host.find("]") + 1] if host.startswith("[") else host.partition(":")[0]
    host = host.rstrip(".").lower()
    return host.removeprefix("www.")


def invite_code(url: str) -> str | None:
    """The Discord invite code in ``url``, as written; None when it is not an invite."""
    match = _INVITE_RE.match(url)
    return match.group(1) if match else None


def _trim_url(url: str) -> tuple[str, str]:
    """Split trailing punctuation (and an unbalanced closing bracket) off a URL."""
    end = len(url)
    while end:
        ch = url[end - 1]
        if ch in _URL_TAIL or (ch == ")" and url.count("(", 0, end) < url.count(")", 0, end)):
            end -= 1
        else:
            break
    return url[:end], url[end:]
