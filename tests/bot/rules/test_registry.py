"""A rule is one file, one registry line and one YAML section: register a sample rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.policy import MemberHistory, decide
from bot.policy_config import PolicyConfigError, parse_policy, policy_model
from bot.rules import REGISTRY
from bot.rules.bands import BandsRule
from bot.rules.flood import FloodRule
from bot.rules.scam_links import ScamLinksRule
from bot.rules.threat_wording import ThreatWordingRule
from tests.bot.rules.sample_invites import InvitesRule
from tests.conftest import make_event

WITH_INVITES = (*REGISTRY, InvitesRule)  # the one registry line
YAML = """
labels:
  spam: {review: 0.5, act: 0.9, action: delete}
invites:
  action: timeout 10
"""
INVITE = "join my server discord.gg/abcdef for free stuff"


def test_the_registry_holds_every_rule_in_order() -> None:
    assert (BandsRule, FloodRule, ScamLinksRule, ThreatWordingRule) == REGISTRY
    assert len({rule.id for rule in REGISTRY}) == len(REGISTRY)


def test_a_registered_rule_reads_its_own_yaml_section_and_fires() -> None:
    policy = parse_policy(YAML, Path("policy.yaml"), policy_model(WITH_INVITES))
    verdict = decide({"spam": 0.1}, make_event(INVITE), MemberHistory(), policy,
                     rules=[rule() for rule in WITH_INVITES])
    assert verdict.rules == ("invites",)
    assert verdict.labels == ("spam",)
    assert str(verdict.action) == "timeout 10"
    assert any(r.startswith("server invite:") for r in verdict.reasons)


def test_its_section_is_validated_like_any_other() -> None:
    with pytest.raises(PolicyConfigError, match=r"line 5: invites.action"):
        parse_policy(YAML.replace("timeout 10", "explode"), Path("p.yaml"),
                     policy_model(WITH_INVITES))


def test_an_unregistered_rule_section_is_refused() -> None:
    with pytest.raises(PolicyConfigError, match="invites"):
        parse_policy(YAML, Path("policy.yaml"))


def test_the_most_severe_hit_wins_and_every_rule_is_named() -> None:
    policy = parse_policy(YAML, Path("policy.yaml"), policy_model(WITH_INVITES))
    verdict = decide({"spam": 0.95}, make_event(INVITE), MemberHistory(), policy,
                     rules=[rule() for rule in WITH_INVITES])
    assert verdict.rules == ("bands", "invites")
    assert str(verdict.action) == "timeout 10"  # timeout outranks the band's delete
    assert verdict.labels == ("spam",)
