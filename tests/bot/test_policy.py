"""Table-driven tests of the pure policy: one row per rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.policy import Band, Context, MemberHistory, decide
from bot.policy_config import Action, ActionKind, Policy, parse_policy
from bot.rules.flood import FloodSignals
from tests.conftest import make_event

POLICY_YAML = """
labels:
  toxicity: {review: 0.5, act: 0.9, action: delete}
  insult: {review: 0.5, act: 0.85, action: delete}
  identity_attack: {review: 0.4, act: 0.8, action: 'timeout 60'}
  profanity: {review: 0.95, act: 1.0, action: none, strike: false}
  threat: {review: 0.4, act: 0.8, action: ban}
  spam: {review: 0.6, act: 0.9, action: delete, strike: false}
channels:
  "77":
    labels:
      toxicity: {review: 0.8, act: 0.98}
  "88":
    shadow_mode: true
  "99":
    exempt: true
roles:
  Newcomer:
    labels:
      spam: {act: 0.7, action: 'timeout 30'}
exempt:
  roles: [Moderator]
  channels: ["55"]
allow_phrases: ["kill the lights"]
escalation:
  window_hours: 24
  ladder:
    - {strikes: 2, action: 'timeout 10'}
    - {strikes: 4, action: ban}
claims:
  - {id: flat-earth, text: "The earth is flat.", agree_threshold: 0.6}
context:
  counter_speech_parent_toxicity: 0.6
  counter_speech_disagree: 0.5
  counter_speech_margin: 0.08
  evasion_threshold: 0.2
"""


@pytest.fixture(scope="module")
def policy() -> Policy:
    return parse_policy(POLICY_YAML, Path("test.yaml"))


def scores(**values: float) -> dict[str, float]:
    base = dict.fromkeys(
        ("toxicity", "insult", "identity_attack", "profanity", "threat", "spam"), 0.0
    )
    return base | values


DISAGREE = {"agree": 0.05, "disagree": 0.9, "neutral": 0.05}

# (case name, scores, event kwargs, strikes, context, expected action, band, labels)
CASES = [
    ("clean", scores(), {}, 0, Context(), "none", Band.NONE, ()),
    ("review band", scores(toxicity=0.6), {}, 0, Context(), "review", Band.REVIEW,
     ("toxicity",)),
    ("act band", scores(toxicity=0.95), {}, 0, Context(), "delete", Band.ACT, ("toxicity",)),
    ("most severe of two act hits", scores(toxicity=0.95, threat=0.85), {}, 0, Context(), "ban",
     Band.ACT, ("toxicity", "threat")),
    ("act plus review hit lists both", scores(insult=0.9, identity_attack=0.5), {}, 0,
     Context(), "delete", Band.ACT, ("insult", "identity_attack")),
    ("profanity alone never acts", scores(profanity=0.99), {}, 0, Context(), "review",
     Band.REVIEW, ("profanity",)),
    ("channel override raises bands", scores(toxicity=0.95), {"channel_id": 77}, 0, Context(),
     "review", Band.REVIEW, ("toxicity",)),
    ("channel override below its review", scores(toxicity=0.7), {"channel_id": 77}, 0,
     Context(), "none", Band.NONE, ()),
    ("role override lowers spam act and changes action", scores(spam=0.75),
     {"roles": frozenset({"Newcomer"})}, 0, Context(), "timeout 30", Band.ACT, ("spam",)),
    ("exempt role", scores(toxicity=0.99), {"roles": frozenset({"Moderator"})}, 0, Context(),
     "none", Band.NONE, ()),
    ("exempt channel", scores(toxicity=0.99), {"channel_id": 55}, 0, Context(), "none",
     Band.NONE, ()),
    ("override exemption", scores(toxicity=0.99), {"channel_id": 99}, 0, Context(), "none",
     Band.NONE, ()),
    ("escalation step 2", scores(toxicity=0.95), {}, 1, Context(), "timeout 10", Band.ACT,
     ("toxicity",)),
    ("escalation step 4", scores(toxicity=0.95), {}, 3, Context(), "ban", Band.ACT,
     ("toxicity",)),
    ("escalation never lowers", scores(threat=0.9), {}, 1, Context(), "ban", Band.ACT,
     ("threat",)),
    ("non-strike label does not escalate", scores(spam=0.95), {}, 5, Context(), "delete",
     Band.ACT, ("spam",)),
    ("counter-speech raises act band", scores(toxicity=0.93), {}, 0,
     Context(parent_toxicity=0.9, parent_stance=DISAGREE), "review", Band.REVIEW,
     ("toxicity",)),
    ("counter-speech still acts above margin", scores(toxicity=0.99), {}, 0,
     Context(parent_toxicity=0.9, parent_stance=DISAGREE), "delete", Band.ACT, ("toxicity",)),
    ("disagreeing with a civil parent is not counter-speech", scores(toxicity=0.93), {}, 0,
     Context(parent_toxicity=0.1, parent_stance=DISAGREE), "delete", Band.ACT, ("toxicity",)),
    ("counter-speech margin does not cover threats", scores(threat=0.85), {}, 0,
     Context(parent_toxicity=0.9, parent_stance=DISAGREE), "ban", Band.ACT, ("threat",)),
    ("allow-listed phrase", scores(threat=0.95), {"text": "can someone kill the lights"}, 0,
     Context(), "none", Band.NONE, ()),
]


@pytest.mark.parametrize(
    ("name", "values", "event_kwargs", "strikes", "context", "action", "band", "labels"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_decide(
    policy: Policy, name: str, values: dict[str, float], event_kwargs: dict[str, object],
    strikes: int, context: Context, action: str, band: Band, labels: tuple[str, ...],
) -> None:
    kwargs = dict(event_kwargs)
    text = str(kwargs.pop("text", "hello"))
    verdict = decide(values, make_event(text, **kwargs), MemberHistory(strikes), policy, context)
    assert str(verdict.action) == action
    assert verdict.band is band
    assert verdict.labels == labels
    if labels:
        assert verdict.reasons, "a verdict with a hit explains itself"


def test_shadow_channel_marks_verdict_shadow(policy: Policy) -> None:
    verdict = decide(scores(toxicity=0.95), make_event("x", channel_id=88), MemberHistory(),
                     policy)
    assert verdict.shadow
    assert verdict.acts


def test_global_shadow_mode(policy: Policy) -> None:
    shadowed = policy.model_copy(update={"shadow_mode": True})
    assert decide(scores(), make_event("x"), MemberHistory(), shadowed).shadow
    assert not decide(scores(), make_event("x"), MemberHistory(), policy).shadow


def test_strike_only_for_strike_labels(policy: Policy) -> None:
    assert decide(scores(toxicity=0.95), make_event("x"), MemberHistory(), policy).strike
    assert not decide(scores(spam=0.95), make_event("x"), MemberHistory(), policy).strike


def test_favoured_claims_reported(policy: Policy) -> None:
    stances = {"flat-earth": {"agree": 0.8, "disagree": 0.1, "neutral": 0.1}}
    verdict = decide(scores(), make_event("x"), MemberHistory(), policy, claim_stances=stances)
    assert verdict.claims == {"flat-earth": 0.8}
    weak = {"flat-earth": {"agree": 0.4, "disagree": 0.3, "neutral": 0.3}}
    verdict = decide(scores(), make_event("x"), MemberHistory(), policy, claim_stances=weak)
    assert verdict.claims == {}


def test_obfuscation_noted_in_reasons(policy: Policy) -> None:
    verdict = decide(scores(insult=0.9), make_event("y0u 4r3 4n 1d10t"), MemberHistory(), policy)
    assert verdict.acts
    assert any("obfuscated" in reason for reason in verdict.reasons)
    assert verdict.action.kind is ActionKind.DELETE


@pytest.mark.parametrize(
    ("flood", "action", "reason"),
    [
        (FloodSignals(repeats=4), "delete", "same message 4 times"),
        (FloodSignals(repeats=3), "none", None),
        (FloodSignals(mentions=8), "delete", "8 members mentioned"),
        (FloodSignals(mentions=7), "none", None),
    ],
)
def test_flood_rule(policy: Policy, flood: FloodSignals, action: str, reason: str | None) -> None:
    verdict = decide(scores(), make_event("hello"), MemberHistory(), policy, flood=flood)
    assert str(verdict.action) == action
    if reason:
        assert verdict.labels == ("spam",)
        assert any(reason in r for r in verdict.reasons)
        assert not verdict.strike


def test_flood_rule_respects_exemptions(policy: Policy) -> None:
    event = make_event("hello", roles=frozenset({"Moderator"}))
    verdict = decide(scores(), event, MemberHistory(), policy, flood=FloodSignals(repeats=9))
    assert verdict.action.kind is ActionKind.NONE


PHISH = "Free Discord Nitro for 3 months, claim here: https://dlscord-gift.com/xyz"


def test_scam_link_rule_acts_on_a_single_message(policy: Policy) -> None:
    verdict = decide(scores(spam=0.02), make_event(PHISH), MemberHistory(), policy)
    assert str(verdict.action) == "delete"
    assert verdict.acts
    assert verdict.labels == ("spam",)
    assert "scam link: dlscord-gift.com looks like discord.gift" in verdict.reasons
    assert not verdict.strike


def test_scam_link_rule_replaces_a_spam_review_hit(policy: Policy) -> None:
    verdict = decide(scores(spam=0.7), make_event(PHISH), MemberHistory(), policy)
    assert verdict.band is Band.ACT
    assert verdict.labels == ("spam",)


@pytest.mark.parametrize(
    "message",
    ["see https://discord.com/channels/1/2", "https://github.com/x", "free nitro, no link"],
)
def test_scam_link_rule_passes_official_and_plain_links(policy: Policy, message: str) -> None:
    verdict = decide(scores(), make_event(message), MemberHistory(), policy)
    assert verdict.action.kind is ActionKind.NONE
    assert not any("scam link" in r for r in verdict.reasons)


@pytest.mark.parametrize(
    "event_kwargs",
    [{"roles": frozenset({"Moderator"})}, {"channel_id": 55}, {"channel_id": 99}],
    ids=["exempt role", "exempt channel", "override exemption"],
)
def test_scam_link_rule_respects_exemptions(
    policy: Policy, event_kwargs: dict[str, object]
) -> None:
    verdict = decide(scores(), make_event(PHISH, **event_kwargs), MemberHistory(), policy)
    assert verdict.action.kind is ActionKind.NONE


def test_scam_link_rule_in_shadow_channel_is_recorded_not_enforced(policy: Policy) -> None:
    verdict = decide(scores(), make_event(PHISH, channel_id=88), MemberHistory(), policy)
    assert verdict.shadow
    assert str(verdict.action) == "delete"


def test_scam_link_rule_settings(policy: Policy) -> None:
    def with_rule(**changes: object) -> Policy:
        rule = policy.scam_links.model_copy(update=changes)
        return policy.model_copy(update={"scam_links": rule})

    event = make_event(PHISH)
    assert decide(scores(), event, MemberHistory(), with_rule(enabled=False)).band is Band.NONE
    allowed = with_rule(allowed_domains=["dlscord-gift.com"])
    assert decide(scores(), event, MemberHistory(), allowed).band is Band.NONE
    banned = with_rule(action=Action(kind=ActionKind.BAN))
    assert str(decide(scores(), event, MemberHistory(), banned).action) == "ban"


THREAT = "I will find where you live and hurt you."


def test_threat_wording_goes_to_review_by_default(policy: Policy) -> None:
    verdict = decide(scores(toxicity=0.08), make_event(THREAT), MemberHistory(), policy)
    assert verdict.band is Band.REVIEW
    assert verdict.action.kind is ActionKind.REVIEW
    assert verdict.labels == ("threat",)
    assert 'threat wording: "I will find where you live"' in verdict.reasons
    assert not verdict.strike


def test_threat_wording_does_not_duplicate_a_model_review(policy: Policy) -> None:
    verdict = decide(scores(threat=0.5), make_event(THREAT), MemberHistory(), policy)
    assert verdict.band is Band.REVIEW
    assert verdict.labels == ("threat",)
    assert len(verdict.reasons) == 2


@pytest.mark.parametrize(
    ("values", "action", "labels"),
    [
        (scores(threat=0.9), "ban", ("threat",)),
        (scores(toxicity=0.95), "delete", ("toxicity", "threat")),
    ],
)
def test_threat_wording_review_never_lowers_a_model_act(
    policy: Policy, values: dict[str, float], action: str, labels: tuple[str, ...]
) -> None:
    verdict = decide(values, make_event(THREAT), MemberHistory(), policy)
    assert verdict.band is Band.ACT
    assert str(verdict.action) == action
    assert verdict.labels == labels
    assert verdict.strike
    assert any(r.startswith("threat wording:") for r in verdict.reasons)


@pytest.mark.parametrize(
    "message", ["I'll beat you at chess", "gonna kill you next round lol", "I'd never hurt you"]
)
def test_threat_wording_passes_banter(policy: Policy, message: str) -> None:
    verdict = decide(scores(), make_event(message), MemberHistory(), policy)
    assert verdict.band is Band.NONE
    assert not any("threat wording" in r for r in verdict.reasons)


@pytest.mark.parametrize(
    "event_kwargs",
    [{"roles": frozenset({"Moderator"})}, {"channel_id": 55}, {"channel_id": 99}],
    ids=["exempt role", "exempt channel", "override exemption"],
)
def test_threat_wording_respects_exemptions(
    policy: Policy, event_kwargs: dict[str, object]
) -> None:
    verdict = decide(scores(), make_event(THREAT, **event_kwargs), MemberHistory(), policy)
    assert verdict.action.kind is ActionKind.NONE


def test_threat_wording_in_shadow_channel_is_recorded(policy: Policy) -> None:
    verdict = decide(scores(), make_event(THREAT, channel_id=88), MemberHistory(), policy)
    assert verdict.shadow
    assert verdict.band is Band.REVIEW


def test_threat_wording_settings(policy: Policy) -> None:
    def with_rule(**changes: object) -> Policy:
        rule = policy.threats.model_copy(update=changes)
        return policy.model_copy(update={"threats": rule})

    event = make_event(THREAT)
    assert decide(scores(), event, MemberHistory(), with_rule(enabled=False)).band is Band.NONE
    timeout = with_rule(action=Action(kind=ActionKind.TIMEOUT, minutes=60))
    verdict = decide(scores(), event, MemberHistory(), timeout)
    assert verdict.acts
    assert str(verdict.action) == "timeout 60"
    assert verdict.labels == ("threat",)
    assert not verdict.strike
    # A configured action below the model's is not a downgrade: the most severe one wins.
    deleting = with_rule(action=Action(kind=ActionKind.DELETE))
    verdict = decide(scores(threat=0.9), event, MemberHistory(), deleting)
    assert str(verdict.action) == "ban"
    assert verdict.labels == ("threat",)
    assert verdict.strike
