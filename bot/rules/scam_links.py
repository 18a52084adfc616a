"""Phishing links: domains that imitate Discord or Steam, or bait wording next to a link.

The spam head reads wording and gives a lone "Free Discord Nitro, claim here:
https://dlscord-gift.com/x" about 0.02, yet members expect a phishing link caught on its
first post. Pure: :class:`ScamLinksRule` (YAML section ``scam_links``) calls
:func:`find_scam_links` with the policy's domain lists.

A link's domain is suspicious when (first reason that applies):

* it spells a protected domain with look-alike letters (Cyrillic "і", accents, punycode
  ``xn--``), or mixes Latin with look-alike letters of another alphabet in one label;
* one of its names (labels, and the parts of hyphenated labels) is a protected brand name
  (``discord-nitro.ru``, ``discord.com.evil.ru``), a brand name glued to a lure word
  (``discordnitro.com``), or within ``max_distance`` edits of one (``dlscord.com``,
  ``steamcommunnity.com``);
* the message carries bait wording (:data:`BAIT`) and the link is not to a protected domain.

Protected and allowed domains, and their subdomains, never count. A bare name with no scheme,
``www.`` or path ("Discord.Net") is a mention, not a link: Discord does not make it clickable.

Registrable domain: Vigil ships no public-suffix list (tldextract downloads one at run time),
so it is the last two labels, or the last three when the second-level label is co, com, org
or net under a two-letter country code (``bbc.co.uk``, ``example.com.au``). Other
multi-label suffixes (``github.io``) are read as names: ``discord.github.io`` counts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator, Field
from rapidfuzz.distance import Levenshtein

from bot.event import MessageEvent
from bot.normalize import NormalizedText, normalize
from bot.policy_types import Action, ActionKind, Strict
from bot.rules.base import Hit, LabelAct, Rule, RuleContext

__all__ = [
    "BAIT",
    "DEFAULT_PROTECTED",
    "ScamFindings",
    "ScamLinks",
    "ScamLinksRule",
    "SuspiciousDomain",
    "edit_distance",
    "find_scam_links",
    "registrable_domain",
]

#: Always protected. Discord's and Valve's own domains, so their links never count, and the
#: brand names phishing imitates (discordapp.net is Discord's media CDN).
DEFAULT_PROTECTED: tuple[str, ...] = (
    "discord.com", "discord.gg", "discord.gift", "discordapp.com", "discordapp.net",
    "discord.media", "discord.co", "discord.dev", "discord.new", "discordstatus.com",
    "dis.gd", "steamcommunity.com", "steampowered.com", "steamstatic.com", "s.team",
)

#: Bait wording (regexes over the folded text, whole words) that makes any link suspicious.
#: Discord- and Steam-native lures only: "claim your" alone would catch the weekly free game.
BAIT: tuple[str, ...] = (
    r"free (?:discord )?nitro",
    r"nitro (?:giveaway|gift|drop)s?",
    r"steam (?:gift|giveaway)s?",
    r"free (?:cs ?go |cs2 )?skins",
    r"airdrops?",
    r"claim your (?:nitro|gift|prize|reward|skins)",
)
_BAIT_RE = re.compile(r"(?<!\w)(?:" + "|".join(BAIT) + r")(?!\w)")

#: Words glued to a brand name in phishing domains (discordnitro.com, steamcommunitygift.ru).
_LURES = frozenset({
    "gift", "gifts", "nitro", "free", "promo", "claim", "drop", "airdrop", "giveaway",
    "bonus", "reward", "rewards", "login", "verify", "trade",
})
_SECOND_LEVEL = frozenset({"co", "com", "org", "net"})
#: Brand names shorter than this protect only their own domains ("dis" is in many names).
MIN_BRAND = 5
#: Scripts whose letters pass for Latin ones; mixing one with Latin in a label is a homograph.
_LOOKALIKE_SCRIPTS = frozenset({"CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE"})
#: Host-like tokens in the raw text: everything between separators a host cannot contain.
_RAW_TOKEN_RE = re.compile(r"[^\s/\\<>@:?#()\[\]{}\"'`*|,;!]+")


@dataclass(frozen=True, slots=True)
class SuspiciousDomain:
    domain: str
    #: Why, readable after the domain: "looks like discord.gift".
    reason: str

    def __str__(self) -> str:
        return f"{self.domain} {self.reason}"


@dataclass(frozen=True, slots=True)
class ScamFindings:
    domains: tuple[SuspiciousDomain, ...] = ()
    #: Bait wording found in a message with a link, e.g. "free nitro".
    bait: str | None = None


def find_scam_links(
    text: NormalizedText,
    *,
    protected: Iterable[str] = (),
    allowed: Iterable[str] = (),
    max_distance: int = 2,
) -> ScamFindings:
    """Suspicious link domains in one message; ``protected`` adds to :data:`DEFAULT_PROTECTED`."""
    if not text.urls:
        return ScamFindings()
    guarded = tuple(dict.fromkeys((*DEFAULT_PROTECTED, *protected)))
    safe = (*guarded, *allowed)
    links = [host for url, host in zip(text.urls, text.domains, strict=True) if _is_link(url)]
    bait_match = _BAIT_RE.search(text.folded)
    bait = bait_match.group() if bait_match else None
    found: dict[str, str] = {}
    for host in dict.fromkeys((*links, *_raw_idn_hosts(text.raw))):
        if not host or host in found or _is_under(host, safe):
            continue
        reason = _lookalike_reason(host, guarded, max_distance)
        if reason is None and bait and host in links:
            reason = f"next to bait wording {bait!r}"
        if reason:
            found[host] = reason
    return ScamFindings(tuple(SuspiciousDomain(d, r) for d, r in found.items()), bait)


def registrable_domain(host: str) -> str:
    """The domain a registrant owns, by the two-or-three-label rule in the module notes."""
    labels = host.split(".")
    return ".".join(labels[-(_suffix_labels(labels) + 1):])


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, or ``limit + 1`` when it exceeds ``limit``."""
    return Levenshtein.distance(a, b, score_cutoff=limit)


# --- helpers ----------------------------------------------------------------------------


def _is_link(url: str) -> bool:
    return "://" in url or url.lower().startswith("www.") or "/" in url


def _is_under(host: str, domains: Iterable[str]) -> bool:
    forms = {host, _ascii_host(host)}
    return any(form == d or form.endswith("." + d) for form in forms for d in domains)


def _suffix_labels(labels: Sequence[str]) -> int:
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return 2
    return 1


def _brand(domain: str) -> str:
    return registrable_domain(domain).split(".", 1)[0]


def _names(host: str) -> tuple[str, ...]:
    """Labels before the public suffix, and the parts of hyphenated ones."""
    labels = host.split(".")
    names = labels[: -_suffix_labels(labels)] or labels
    parts = [p for label in names for p in (label, *label.split("-")) if p]
    return tuple(dict.fromkeys(parts))


def _name_distance(name: str, brand: str, limit: int) -> int:
    if brand in name and (name == brand or name.replace(brand, "", 1) in _LURES):
        return 0
    # A shorter name needs dropped letters: "disco" is not "discord", "dscord" may be.
    if len(name) < len(brand) - 1:
        return limit + 1
    return edit_distance(name, brand, limit)


def _imitated(host: str, guarded: Sequence[str], limit: int) -> tuple[str, int] | None:
    """The protected domain a host imitates most closely, with the edit distance."""
    names = _names(host)
    tld = host.rsplit(".", 1)[-1]
    best: tuple[tuple[int, int, bool, int], str] | None = None
    for index, domain in enumerate(guarded):
        brand = _brand(domain)
        if len(brand) < MIN_BRAND:
            continue
        distance = min((_name_distance(n, brand, limit) for n in names), default=limit + 1)
        if distance > limit:
            continue
        # Prefer the protected domain whose other labels the host repeats (dlscord-gift.com
        # imitates discord.gift, discord.com.evil.ru imitates discord.com).
        overlap = len(set(domain.split(".")) & set(names))
        key = (distance, -overlap, domain.rsplit(".", 1)[-1] != tld, index)
        if best is None or key < best[0]:
            best = (key, domain)
    return (best[1], best[0][0]) if best else None


def _lookalike_reason(host: str, guarded: Sequence[str], limit: int) -> str | None:
    shown = _unicode_host(host)
    if not shown.isascii():
        return _homoglyph_reason(shown, guarded, limit)
    imitated = _imitated(host, guarded, limit)
    if imitated is None:
        return None
    domain, distance = imitated
    return f"imitates {domain}" if distance == 0 else f"looks like {domain}"


def _homoglyph_reason(shown: str, guarded: Sequence[str], limit: int) -> str | None:
    # The normaliser's homoglyph, accent and leetspeak folding gives the name a reader sees.
    skeleton = ".".join(normalize(label).text.casefold().replace(" ", "")
                        for label in shown.split("."))
    official = next((d for d in guarded if skeleton == d or skeleton.endswith("." + d)), None)
    imitated = official or (_imitated(skeleton, guarded, limit) or (None, 0))[0]
    if imitated:
        return f"spells {imitated} with look-alike letters"
    if any(_mixes_scripts(label) for label in shown.split(".")):
        return "mixes Latin with look-alike letters of another alphabet"
    # A plain international domain (münchen.de, пример.рф) is not a homograph.
    return None


def _mixes_scripts(label: str) -> bool:
    scripts = {unicodedata.name(ch, "?").split(" ", 1)[0] for ch in label if ch.isalpha()}
    return "LATIN" in scripts and bool(scripts & _LOOKALIKE_SCRIPTS)


def _unicode_host(host: str) -> str:
    return ".".join(_decode_label(label) for label in host.split("."))


def _decode_label(label: str) -> str:
    if not label.startswith("xn--"):
        return label
    try:
        return label[4:].encode("ascii").decode("punycode")
    except UnicodeError:
        return label


def _ascii_host(host: str) -> str:
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def _raw_idn_hosts(raw: str) -> list[str]:
    """Non-ASCII hosts as written.

    Normalisation strips accents, so ``dïscord.com`` reaches ``domains`` as discord.com; a
    browser keeps them and goes elsewhere. NFKC only (fullwidth letters are what browsers
    fold too).
    """
    text = unicodedata.normalize("NFKC", raw)
    if text.isascii():
        return []
    hosts = (t.strip(".").lower().removeprefix("www.") for t in _RAW_TOKEN_RE.findall(text))
    return [h for h in hosts if "." in h and not h.isascii()]


# --- the rule ------------------------------------------------------------------------------

_DOMAIN_RE = re.compile(r"^(?:[^\W_](?:[\w-]*[^\W_])?\.)+(?:[^\W\d_]{2,63}|xn--[a-z0-9-]+)$")


def _domain(value: str) -> str:
    domain = value.strip().lower().removeprefix("www.").rstrip(".")
    if not _DOMAIN_RE.match(domain):
        raise ValueError("expected a domain such as example.com (no scheme, path or port)")
    return domain


Domain = Annotated[str, AfterValidator(_domain)]


class ScamLinks(Strict):
    """Phishing links (look-alikes of Discord/Steam domains, bait wording): no models needed."""

    enabled: bool = True
    action: Action = Action(kind=ActionKind.DELETE)
    #: Protected on top of Discord's and Steam's domains; their look-alikes count as scams.
    protected_domains: list[Domain] = Field(default_factory=list)
    #: Never flagged, with their subdomains (sites that carry a protected name legitimately).
    allowed_domains: list[Domain] = Field(default_factory=list)
    #: Letters changed, added or dropped from a protected name that still look like it.
    max_edit_distance: int = Field(default=2, ge=0, le=3)


class ScamLinksRule(Rule):
    """A phishing link is spam whatever the spam head says of one message."""

    id = "scam_links"
    section = "scam_links"
    config = ScamLinks

    def check(self, event: MessageEvent, context: RuleContext) -> Hit | None:
        rule: ScamLinks = self.settings(context.sections)
        if not rule.enabled:
            return None
        findings = find_scam_links(
            event.text, protected=rule.protected_domains, allowed=rule.allowed_domains,
            max_distance=rule.max_edit_distance,
        )
        if not findings.domains:
            return None
        shown = ", ".join(str(d) for d in findings.domains[:3])
        more = len(findings.domains) - 3
        reason = f"scam link: {shown}" + (f" (+{more} more)" if more > 0 else "")
        return Hit(self.id, (reason,), acts=(LabelAct("spam", rule.action),))
