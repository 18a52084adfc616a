"""Simulated communities with ground truth, for campaign detection tests and benchmarks."""

from bot.tools.simulate.community import Community, generate

__all__ = ["Community", "generate"]
