"""Members read plain reasons; label names, scores and thresholds stay with moderators."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.member_reasons import FALLBACK, member_reason
from bot.storage.records import Case, CaseKind, CaseStatus

AT = datetime(2026, 3, 1, tzinfo=UTC)


def case(reason: str, labels: tuple[str, ...], *, moderator: int | None = None,
         kind: CaseKind = CaseKind.MESSAGE) -> Case:
    return Case(
        id=1, guild_id=1, number=1, kind=kind, target_id=5, target_name="m",
        moderator_id=moderator, action="delete", duration_minutes=None, reason=reason,
        status=CaseStatus.APPLIED, labels=labels, scores={}, model_version=None,
        policy_version=None, channel_id=None, message_id=None, excerpt="", jump_url=None,
        strike=True, last_error=None, created_at=AT, updated_at=AT,
    )


def test_automatic_reasons_become_plain_words() -> None:
    told = member_reason(case("identity_attack 0.46 >= review 0.35; insult 0.91 >= act 0.80; "
                              "escalated to timeout at 2 strikes",
                              ("identity_attack", "insult", "toxicity")))
    assert told == ("Attacking people for who they are, insulting another member, "
                    "abusive language")
    assert not any(ch.isdigit() for ch in told)


def test_rule_hits_and_unknown_labels_are_never_named() -> None:
    assert member_reason(case("flood: 6 similar messages in 10s", ("spam", "spam"))) == "Spam"
    assert member_reason(case("sarcasm 0.9 >= act 0.5", ("sarcasm",))) == (
        FALLBACK[:1].upper() + FALLBACK[1:])


def test_coordination_cases_say_what_happened() -> None:
    quarantine = case("new account in campaign (case #4)", (), kind=CaseKind.CAMPAIGN)
    assert member_reason(quarantine) == "Taking part in a coordinated campaign"


def test_a_moderators_own_reason_is_passed_on() -> None:
    assert member_reason(case("be nice", (), moderator=77, kind=CaseKind.MANUAL)) == "be nice"
