"""The install is CPU-only torch (issue 15 item 1), checked in the environment it made.

The Makefile installs torch from PyTorch's CPU wheel index first, then ``-e .[dev]``. Here:
the torch in this environment is a CPU build, no CUDA library or triton came with it, and
resolving the project's requirements again (pip's own resolver, offline: --no-index) would
install nothing, so ``pip install -e .[dev]`` after the CPU torch never replaces it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from importlib.metadata import distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_torch_here_is_a_cpu_build_without_cuda_packages() -> None:
    import torch

    assert torch.version.cuda is None, torch.__version__
    names = sorted({(d.metadata["Name"] or "").lower() for d in distributions()})
    gpu = [n for n in names if n.startswith(("nvidia-", "nvidia_", "triton"))]
    assert not gpu, gpu


def test_installing_the_project_after_torch_keeps_that_torch(tmp_path: Path) -> None:
    """pip's resolver over the project's requirements and its dev extra, offline: every one
    is met by what is installed (torch by the CPU build), so nothing would be installed."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    assert any(r.startswith("torch") for r in requirements)
    report = tmp_path / "report.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull  # this machine's pip settings play no part
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--no-index", "--quiet",
         "--report", str(report), *requirements],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    installs = [item["metadata"]["name"] for item in json.loads(report.read_text())["install"]]
    assert installs == []


def test_the_makefile_installs_cpu_torch_before_the_project() -> None:
    lines = (ROOT / "Makefile").read_text().splitlines()
    torch_line = next(i for i, line in enumerate(lines) if "torch==" in line and "pip" in line)
    project_line = next(i for i, line in enumerate(lines) if "-e '.[dev]'" in line)
    assert torch_line < project_line
    assert "$(TORCH_CPU_INDEX)" in lines[torch_line]
    assert any(line.startswith("TORCH_CPU_INDEX := ") and line.endswith("/whl/cpu")
               for line in lines)
