"""Settings of ``python -m models.serve``: a YAML file (``--config``), flags override it.

    host: 127.0.0.1
    port: 8000
    replicas: 1              # scorer replicas (each loads the model once)
    cpus_per_replica: 1
    checkpoint: null         # a Vigil weights folder or a local HF checkpoint; null: v3
    address: null            # an existing Ray cluster ("auto", "ray://host:10001"); null: local
    max_batch: 32            # dynamic batching: at most this many texts per model call
    batch_wait_ms: 5         # ... waiting at most this long for a batch to fill
    runtime: onnx            # onnx (fp32), torch, or onnx-int8 (faster; see below)
    cascade: "off"           # off, cache or stage1 (models.cascade; see below)
    api_keys: []             # when not empty, every call needs one of these as ?key=

The server's defaults differ from the bot's on purpose: fp32 and no cascade give every
text the same scores whatever else shares its batch and whatever came before it (int8's
dynamic quantisation scales a whole batch at once, moving scores by about 1e-3; the
cascade's first stage answers some benign texts with its own estimates and its cache
depends on history), so an answer can be reproduced from the model version it names.

Keys belong in this file (or ``VIGIL_SERVE_API_KEYS``, comma separated), never on the
command line where other users of the machine see them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from models.api import Scorer


class ServeConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    replicas: int = Field(default=1, ge=1, le=64)
    cpus_per_replica: float = Field(default=1.0, gt=0, le=64)
    checkpoint: Path | None = None
    address: str | None = None
    max_batch: int = Field(default=32, ge=1, le=512)
    batch_wait_ms: float = Field(default=5.0, ge=0, le=1000)
    runtime: Literal["onnx", "torch", "onnx-int8"] = "onnx"
    cascade: Literal["off", "cache", "stage1"] = "off"
    api_keys: list[str] = Field(default_factory=list, max_length=1000)


class ServeConfigError(ValueError):
    pass


def load_config(path: Path | None, overrides: dict[str, Any]) -> ServeConfig:
    data: dict[str, Any] = {}
    if path is not None:
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ServeConfigError(f"cannot read {path}: {exc}") from None
        if loaded is not None and not isinstance(loaded, dict):
            raise ServeConfigError(f"{path}: expected a mapping of settings")
        data.update(loaded or {})
    env_keys = os.environ.get("VIGIL_SERVE_API_KEYS", "")
    if env_keys.strip():
        data["api_keys"] = [k.strip() for k in env_keys.split(",") if k.strip()]
    data.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return ServeConfig.model_validate(data)
    except ValidationError as exc:
        raise ServeConfigError(f"{path or 'settings'}: {exc}") from None


def load_scorer(config: ServeConfig) -> Scorer:
    """v3 (or another Vigil weights folder) on the configured runtime, or a local HF
    checkpoint."""
    from models.cascade import load_fast_scorer
    from models.scorer import load_scorer_from_config

    checkpoint = config.checkpoint
    if checkpoint is not None and not checkpoint.is_dir():
        raise ServeConfigError(f"checkpoint {checkpoint} is not a folder")
    if checkpoint is not None and (checkpoint / "config.json").is_file():  # Hugging Face
        hf: Scorer = load_scorer_from_config({"model": str(checkpoint)})
        return hf
    scorer: Scorer = load_fast_scorer(runtime=config.runtime, cascade=config.cascade,
                                      weights_dir=checkpoint)
    return scorer
