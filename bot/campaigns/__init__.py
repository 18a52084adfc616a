"""Coordinated behaviour across accounts: campaigns, pile-ons, raids, spam signals."""

from bot.campaigns.detector import CampaignDetector
from bot.campaigns.spam_signals import spam_signals

__all__ = ["CampaignDetector", "spam_signals"]
