"""Moderation rules as plug-ins, and the ordered registry ``decide`` runs.

Adding a rule: one file here with a :class:`Rule` subclass (and its pydantic section), one
line in :data:`REGISTRY`, one section in ``config/default.yaml``, and its tests. See
CONTRIBUTING.md. The order is the order of the reasons a verdict gives.
"""

from bot.rules.bands import BandsRule
from bot.rules.base import Hit, LabelAct, Rule, RuleContext
from bot.rules.flood import FloodRule
from bot.rules.scam_links import ScamLinksRule
from bot.rules.threat_wording import ThreatWordingRule

REGISTRY: tuple[type[Rule], ...] = (
    BandsRule,
    FloodRule,
    ScamLinksRule,
    ThreatWordingRule,
)

__all__ = ["REGISTRY", "Hit", "LabelAct", "Rule", "RuleContext"]
