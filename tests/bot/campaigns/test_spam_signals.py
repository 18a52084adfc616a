"""spam_signals: a pure function of one message and its author's recent history."""

from __future__ import annotations

from bot.campaigns import spam_signals
from bot.campaigns.similarity import exact_key
from tests.bot.campaigns.helpers import event, member


def test_links_invites_and_mention_floods() -> None:
    ev = event(member(1), "join discord.gg/abcd https://a.example https://b.example "
                          "<@1> <@2> <@3> <@4> <@5> <@&9>")
    signals = spam_signals(ev, [])
    assert signals["links"] == 1.0
    assert signals["invite"] == 1.0
    assert signals["mentions"] == 1.0
    assert signals["repeat"] == 0.0


def test_repeat_counts_the_same_folded_text() -> None:
    ev = event(member(1), "BUY cheap followers now!!!")
    same = exact_key(event(member(1), "buy cheap followers now!").text.folded)
    assert spam_signals(ev, [same])["repeat"] == 0.5
    assert spam_signals(ev, [same, same])["repeat"] == 1.0
    assert spam_signals(ev, ["other"])["repeat"] == 0.0


def test_plain_chat_has_no_signal() -> None:
    signals = spam_signals(event(member(1), "see you all at the meetup on friday"), [])
    assert set(signals.values()) == {0.0}
