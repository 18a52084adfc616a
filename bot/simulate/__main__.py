"""``python -m bot.simulate``: the documented command, served by :mod:`bot.tools.simulate.cli`."""

from bot.tools.simulate.cli import main

raise SystemExit(main())
