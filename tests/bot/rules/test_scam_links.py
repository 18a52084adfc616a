"""The scam-link finder: look-alike domains and bait wording, on normalised messages."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from bot.normalize import normalize
from bot.rules.scam_links import ScamFindings, edit_distance, find_scam_links, registrable_domain


def scan(
    message: str, *, protected: Sequence[str] = (), allowed: Sequence[str] = (),
    max_distance: int = 2,
) -> ScamFindings:
    return find_scam_links(normalize(message), protected=protected, allowed=allowed,
                           max_distance=max_distance)


def reasons(
    message: str, *, protected: Sequence[str] = (), allowed: Sequence[str] = ()
) -> dict[str, str]:
    findings = scan(message, protected=protected, allowed=allowed)
    return {d.domain: d.reason for d in findings.domains}


@pytest.mark.parametrize(
    ("message", "domain", "reason"),
    [
        ("Free Discord Nitro for 3 months, claim here: https://dlscord-gift.com/xyz",
         "dlscord-gift.com", "looks like discord.gift"),
        ("https://dlscord.com/gift", "dlscord.com", "looks like discord.com"),
        ("get it at https://discord-nitro.gift/a", "discord-nitro.gift", "imitates discord.gift"),
        ("https://discord-nitro.ru/claim", "discord-nitro.ru", "imitates discord.com"),
        ("https://steamcommunnity.com/tradeoffer/new", "steamcommunnity.com",
         "looks like steamcommunity.com"),
        ("https://steamcommunity-gift.com/x", "steamcommunity-gift.com",
         "imitates steamcommunity.com"),
        ("login: https://discord.com.evil.ru/login", "discord.com.evil.ru",
         "imitates discord.com"),
        ("https://discordnitro.com/x", "discordnitro.com", "imitates discord.com"),
        ("https://xn--dscord-pvf.gg/x", "xn--dscord-pvf.gg",
         "spells discord.gg with look-alike letters"),
        ("go to dіscord.gg/nitro", "dіscord.gg", "spells discord.gg with look-alike letters"),
        # Normalisation strips the accent; the browser does not, so the raw host is judged.
        ("https://dïscord.com/x", "dïscord.com", "spells discord.com with look-alike letters"),
        ("https://pаypal.com/x", "pаypal.com",
         "mixes Latin with look-alike letters of another alphabet"),
    ],
)
def test_lookalikes_are_caught(message: str, domain: str, reason: str) -> None:
    assert reasons(message) == {domain: reason}


@pytest.mark.parametrize(
    "message",
    [
        "see https://discord.com/channels/123/456",
        "https://cdn.discordapp.com/attachments/1/2/cat.png",
        "https://media.discordapp.net/attachments/1/2/cat.png",
        "my profile: steamcommunity.com/id/x",
        "https://store.steampowered.com/app/1145360/",
        "join discord.gg/abcd for free nitro giveaways",  # official invites never count
        "code is on https://github.com/astral-sh/ruff",
        "https://www.bbc.co.uk/news/science",
        "https://münchen.de/x and https://пример.рф/x",  # international, not homographs
        "Discord.Net is a C# library",  # a bare name is a mention, not a clickable link
        "free nitro for everyone who comes to the party",  # bait without a link
    ],
)
def test_official_plain_and_linkless_messages_pass(message: str) -> None:
    assert scan(message).domains == ()


def test_bait_wording_makes_any_other_link_suspicious() -> None:
    findings = scan("FR3E N1TR0 giveaway!! https://example.com/claim and https://discord.com")
    assert findings.bait == "free nitro"
    assert [d.domain for d in findings.domains] == ["example.com"]  # discord.com is official
    assert reasons("free nitro here https://example.com/claim") == {
        "example.com": "next to bait wording 'free nitro'"
    }
    assert scan("steam gift cards at https://cards.example/x").domains
    assert scan("huge airdrop live: https://token.example/x").domains


def test_allow_list_and_extra_protected_domains() -> None:
    message = "docs at https://discord.js.org/docs and https://dlscord.com/x"
    assert set(reasons(message)) == {"discord.js.org", "dlscord.com"}
    assert set(reasons(message, allowed=["discord.js.org"])) == {"dlscord.com"}
    assert reasons("https://guide.discord.js.org/x", allowed=["discord.js.org"]) == {}
    assert reasons("https://paypai.com/login") == {}
    assert reasons("https://paypai.com/login", protected=["paypal.com"]) == {
        "paypai.com": "looks like paypal.com"
    }
    assert reasons("https://www.paypal.com/x", protected=["paypal.com"]) == {}


def test_edit_distance_limit() -> None:
    assert scan("https://dlsc0rd.com/x").domains
    assert not scan("https://dlsc0rd.com/x", max_distance=1).domains
    assert not scan("https://dlscord.com/x", max_distance=0).domains
    # Dropping letters makes a shorter word, not a look-alike: "disco" is not "discord".
    assert not scan("https://my-disco-party.com/x").domains


def test_helpers() -> None:
    assert registrable_domain("cdn.discordapp.com") == "discordapp.com"
    assert registrable_domain("news.bbc.co.uk") == "bbc.co.uk"
    assert registrable_domain("discord.com.evil.ru") == "evil.ru"
    assert edit_distance("dlscord", "discord", 2) == 1
    assert edit_distance("steamcommunity", "discord", 2) == 3


def test_degenerate_hosts_do_not_raise() -> None:
    for message in ("http://.x/", "https://x/", "http://[::1]/a", "https://xn--zz/x", ""):
        assert scan(message).domains == ()
    assert scan("free nitro https://1.2.3.4/x").domains[0].domain == "1.2.3.4"
