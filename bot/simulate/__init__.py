"""Shim: the simulator lives in :mod:`bot.tools.simulate` (offline tooling, outside the core).

Kept because ``python -m bot.simulate`` is a documented command.
"""

from bot.tools.simulate import Community, generate

__all__ = ["Community", "generate"]
