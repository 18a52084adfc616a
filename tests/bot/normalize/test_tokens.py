"""Protected tokens (``bot.normalize.tokens``): URLs, domains, mentions and invites are
extracted, and left untouched in ``text``.
"""

from __future__ import annotations

import pytest

from bot.normalize import normalize


@pytest.mark.parametrize(
    ("raw", "urls", "domains"),
    [
        ("see https://example.com/a?b=1#c", ("https://example.com/a?b=1#c",), ("example.com",)),
        ("go to b1t.ly/x now", ("b1t.ly/x",), ("b1t.ly",)),
        ("visit WWW.Example.COM.", ("WWW.Example.COM",), ("example.com",)),
        ("<https://example.com/x>", ("https://example.com/x",), ("example.com",)),
        ("(see https://en.wikipedia.org/wiki/A_(b))", ("https://en.wikipedia.org/wiki/A_(b)",),
         ("en.wikipedia.org",)),
        ("https://discord.com@evil.example/x", ("https://discord.com@evil.example/x",),
         ("evil.example",)),
        ("http://Host.Example.com:8080/p", ("http://Host.Example.com:8080/p",),
         ("host.example.com",)),
        ("x.com and t.co/abc", ("x.com", "t.co/abc"), ("x.com", "t.co")),
        ("disc\u200bord.gg/abc", ("discord.gg/abc",), ("discord.gg",)),  # ZW split link
        ("ｈｔｔｐｓ://ｅｘａｍｐｌｅ.ｃｏｍ", ("https://example.com",), ("example.com",)),
        ("dіscord.gg/nitro", ("dіscord.gg/nitro",), ("dіscord.gg",)),  # IDN host kept as is
        ("config.py e.g. node.js U.S.A. mail bob@gmail.com", (), ()),
    ],
)
def test_urls_and_domains(raw: str, urls: tuple[str, ...], domains: tuple[str, ...]) -> None:
    result = normalize(raw)
    assert result.urls == urls
    assert result.domains == domains


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("go to b1t.ly/x", "go to b1t.ly/x"),  # no leet folding inside a URL
        ("https://b1t.ly/SH1T", "https://b1t.ly/SH1T"),
        ("1d10t https://x.io/1d10t", "idiot https://x.io/1d10t"),
        ("<@!123> <@&456> <#789> @everyone", "<@!123> <@&456> <#789> @everyone"),
        ("nice <:pepe1:1234567890> <a:w4v3:987>", "nice <:pepe1:1234567890> <a:w4v3:987>"),
        ("<t:1700000000:R> </b4n:123>", "<t:1700000000:R> </b4n:123>"),
        ("family 👨\u200d👩\u200d👧", "family 👨\u200d👩\u200d👧"),  # ZWJ sequences keep ZWJ
        ("love ❤\ufe0f\u200d🔥", "love ❤\ufe0f\u200d🔥"),
        ("keycap 1\ufe0f\u20e3 flag 🇬🇧 thumbs 👍🏽", "keycap 1\ufe0f\u20e3 flag 🇬🇧 thumbs 👍🏽"),
        ("😂😂😂😂", "😂😂😂😂"),
        ("write to b0b@example.com", "write to b0b@example.com"),
    ],
)
def test_tokens_preserved_in_text(raw: str, text: str) -> None:
    assert normalize(raw).text == text


@pytest.mark.parametrize(
    ("raw", "mentions"),
    [
        ("hey <@123> and <@!456>", ("<@123>", "<@!456>")),
        ("<@&789> in <#1011>", ("<@&789>", "<#1011>")),
        ("@everyone @here", ("@everyone", "@here")),
        ("mail@everyone.com @hereford @bob", ()),
        ("<@abc> <#> <@ 1>", ()),
    ],
)
def test_mentions(raw: str, mentions: tuple[str, ...]) -> None:
    assert normalize(raw).mentions == mentions


@pytest.mark.parametrize(
    ("raw", "invites"),
    [
        ("join discord.gg/AbC123!", ("AbC123",)),
        ("https://discord.gg/invite/xyz", ("xyz",)),
        ("https://discord.com/invite/Cool-Server", ("Cool-Server",)),
        ("discordapp.com/invite/q1w2 and DISCORD.GG/Z9", ("q1w2", "Z9")),
        ("https://ptb.discord.com/invite/abc", ("abc",)),
        ("https://discord.com/channels/1/2 and discord.gg", ()),
        ("https://evil.example/discord.gg/abc", ()),
    ],
)
def test_invites(raw: str, invites: tuple[str, ...]) -> None:
    assert normalize(raw).invites == invites
