"""The package boundaries of the design notes, enforced with import-linter."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold() -> None:
    exe = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    result = subprocess.run(
        [exe, "--config", str(ROOT / "pyproject.toml")],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.lower().replace("0 broken", "")


#: Modules of bot/ outside the runtime core: the adapter, the tooling, the entry point and
#: the shims that keep documented commands (``python -m bot.simulate``, ``python -m
#: bot.campaigns.bench``) working. ``bot.campaigns`` only re-exports core modules.
OUTSIDE_CORE = ("bot.discord", "bot.tools", "bot.simulate")
OUTSIDE_CORE_MODULES = {"bot", "bot.__main__", "bot.cli", "bot.campaigns", "bot.campaigns.bench"}


def _bot_modules() -> set[str]:
    modules = set()
    for path in (ROOT / "bot").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        modules.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return modules


def _covered(module: str, listed: set[str]) -> bool:
    return any(module == entry or module.startswith(entry + ".") for entry in listed)


def test_every_bot_module_is_in_the_core_contract_or_named_outside_it() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    core = next(c for c in contracts if c["name"].startswith("the core never imports discord"))
    assert not core.get("ignore_imports")
    assert not core.get("allow_indirect_imports")
    listed = set(core["source_modules"])
    unclassified = sorted(
        module for module in _bot_modules()
        if module not in OUTSIDE_CORE_MODULES and not _covered(module, set(OUTSIDE_CORE))
        and not _covered(module, listed)
    )
    assert not unclassified, f"list these in the core contract or name them outside: {unclassified}"
