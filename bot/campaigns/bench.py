"""``python -m bot.campaigns.bench``: the documented command, served by
:mod:`bot.tools.campaigns.bench` (offline tooling lives outside the runtime core)."""

from bot.tools.campaigns.bench import main

if __name__ == "__main__":
    raise SystemExit(main())
