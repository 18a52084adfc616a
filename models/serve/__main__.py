"""``python -m models.serve``: Vigil's scorer over HTTP, on Ray Serve (or plain uvicorn).

    python -m models.serve --port 8000 --replicas 2            # a local Ray instance
    python -m models.serve --address auto                      # an existing Ray cluster
    python -m models.serve --no-ray                            # one process, no Ray

Then point the bot at it (``VIGIL_MODEL_URL=http://host:8000`` or the policy's
``model.url``), or Perspective API clients at ``http://host:8000/v1alpha1/comments:analyze``.
Needs the ``serve`` extra: ``pip install 'vigil-modbot[serve]'``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from pathlib import Path

from models.serve.config import ServeConfig, ServeConfigError, load_config, load_scorer


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m models.serve", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, help="YAML settings (see models/serve/config.py)")
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default 8000)")
    parser.add_argument("--replicas", type=int, help="scorer replicas (default 1)")
    parser.add_argument("--cpus-per-replica", type=float, dest="cpus_per_replica")
    parser.add_argument("--checkpoint", type=Path,
                        help="Vigil weights folder or local HF checkpoint (default: v3)")
    parser.add_argument("--address", help='an existing Ray cluster, e.g. "auto"')
    parser.add_argument("--max-batch", type=int, dest="max_batch")
    parser.add_argument("--batch-wait-ms", type=float, dest="batch_wait_ms")
    parser.add_argument("--runtime", choices=["onnx", "torch", "onnx-int8"],
                        help="model runtime (default onnx: fp32, batch-independent)")
    parser.add_argument("--cascade", choices=["off", "cache", "stage1"],
                        help="models.cascade in front of the encoder (default off)")
    parser.add_argument("--no-ray", action="store_true",
                        help="serve from this process with uvicorn (one replica, no Ray)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    overrides = {k: v for k, v in vars(args).items() if k not in ("config", "no_ray")}
    try:
        config = load_config(args.config, overrides)
    except ServeConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        return serve_plain(config) if args.no_ray else serve_ray(config)
    except ImportError as exc:
        print(f"{exc.name or exc} is missing: pip install 'vigil-modbot[serve]'", file=sys.stderr)
        return 2
    except ServeConfigError as exc:
        print(exc, file=sys.stderr)
        return 2


def serve_plain(config: ServeConfig) -> int:
    import uvicorn

    from models.serve.app import build_app
    from models.serve.backend import BatchingBackend

    backend = BatchingBackend(load_scorer(config), max_batch=config.max_batch,
                              max_wait=config.batch_wait_ms / 1000)
    app = build_app(backend, api_keys=config.api_keys)
    print(f"serving {backend.version} on http://{config.host}:{config.port} (no Ray)")
    uvicorn.run(app, host=config.host, port=config.port, log_level="warning")
    asyncio.run(backend.close())
    return 0


def serve_ray(config: ServeConfig) -> int:
    from models.serve.deployment import deploy, shutdown

    deploy(config)
    print(f"serving on http://{config.host}:{config.port} with {config.replicas} replica(s) "
          f"on Ray Serve; Ctrl-C stops", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
