"""Throughput of ``python -m models.serve`` on this machine: the "Perspective endpoint" line.

    python -m models.serve.bench [--clients 50] [--requests 600] [--ray] [--replicas 1]

Prints, from one run: the scorer alone in this process (messages/s for one replica, in
batches of 32), then the Perspective endpoint of a server started for the run (a separate
process; ``--ray`` puts it on Ray Serve) under ``--clients`` concurrent clients, each
sending one comment per request and waiting for the answer: requests/s, p50 and p99.
Messages are models.bench's synthetic chat sentences, so no dataset is needed.
``perspective_endpoint_line`` is what ``python -m bot bench`` calls.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass

from models.bench import messages

ATTRIBUTES = ("TOXICITY", "SEVERE_TOXICITY", "INSULT", "IDENTITY_ATTACK", "THREAT")


@dataclass(frozen=True)
class EndpointFigures:
    engine: str
    replicas: int
    clients: int
    requests: int
    seconds: float
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int

    def line(self) -> str:
        return (f"Perspective endpoint ({self.engine}, {self.replicas} replica(s), "
                f"{self.clients} clients): {self.requests_per_s:.1f} requests/s, "
                f"p50 {self.p50_ms:.0f} ms, p99 {self.p99_ms:.0f} ms"
                + (f", {self.errors} errors" if self.errors else ""))


def scorer_throughput(n: int = 512, batch: int = 32) -> float:
    """Messages/s of the default scorer in this process (what one replica does)."""
    from models.api import ScoreRequest
    from models.serve.config import ServeConfig, load_scorer

    scorer = load_scorer(ServeConfig())  # what the server loads by default
    texts = messages(n, seed=1)

    def one_pass() -> float:
        start = time.perf_counter()
        for i in range(0, n, batch):
            scorer.score_batch([ScoreRequest(t) for t in texts[i:i + batch]])
        return time.perf_counter() - start

    # On the scorer's own worker thread, as the server runs it (torch's thread pool is
    # per thread, and on a busy small machine the two differ by a factor of three).
    with ThreadPoolExecutor(max_workers=1) as worker:
        worker.submit(one_pass).result()  # warm up: kernels are prepared once per shape
        return n / worker.submit(one_pass).result()


def _start_server(port: int, use_ray: bool, replicas: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "models.serve", "--port", str(port)]
    command += ["--replicas", str(replicas)] if use_ray else ["--no-ray"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def _wait_ready(url: str, process: subprocess.Popen[bytes], seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"models.serve exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/v1/models", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("models.serve did not become ready")


async def _load(url: str, clients: int, total: int, progress: bool) -> tuple[list[float], int]:
    import aiohttp

    texts = messages(total, seed=2)
    queue: asyncio.Queue[str] = asyncio.Queue()
    for text in texts:
        queue.put_nowait(text)
    latencies: list[float] = []
    errors = 0
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=total, desc="requests", unit="req")

    async def client(session: aiohttp.ClientSession) -> None:
        nonlocal errors
        while not queue.empty():
            body = {"comment": {"text": queue.get_nowait()}, "languages": ["en"],
                    "requestedAttributes": {a: {} for a in ATTRIBUTES}}
            start = time.perf_counter()
            async with session.post(f"{url}/v1alpha1/comments:analyze", json=body) as reply:
                await reply.read()
                errors += reply.status != 200
            latencies.append(time.perf_counter() - start)
            if bar is not None:
                bar.update()

    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(client(session) for _ in range(clients)))
    if bar is not None:
        bar.close()
    return latencies, errors


def perspective_endpoint_line(
    clients: int = 50, requests: int = 600, *, use_ray: bool = False, replicas: int = 1,
    port: int = 8765, progress: bool = True,
) -> EndpointFigures:
    """Start a server, load it with ``clients`` concurrent clients, stop it; the figures."""
    url = f"http://127.0.0.1:{port}"
    process = _start_server(port, use_ray, replicas)
    try:
        _wait_ready(url, process)
        asyncio.run(_load(url, clients, min(clients * 2, requests), False))  # warm up
        start = time.perf_counter()
        latencies, errors = asyncio.run(_load(url, clients, requests, progress))
        seconds = time.perf_counter() - start
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    ordered = sorted(latencies)
    return EndpointFigures(
        engine="ray serve" if use_ray else "uvicorn", replicas=replicas, clients=clients,
        requests=len(latencies), seconds=round(seconds, 2),
        requests_per_s=round(len(latencies) / seconds, 2),
        p50_ms=round(1000 * ordered[len(ordered) // 2], 1),
        p99_ms=round(1000 * ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 1),
        errors=errors,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m models.serve.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--ray", action="store_true", help="serve through Ray Serve")
    parser.add_argument("--replicas", type=int, default=1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.requests < args.clients:
        parser.error("--requests must be at least --clients, and both positive")
    per_replica = scorer_throughput()
    print(f"scorer alone, one replica in this process: {per_replica:.1f} messages/s "
          f"(batches of 32, on a worker thread as the server runs it)")
    figures = perspective_endpoint_line(args.clients, args.requests, use_ray=args.ray,
                                        replicas=args.replicas, port=args.port)
    print(figures.line())
    print(f"endpoint / scorer alone: {figures.requests_per_s / per_replica:.2f}x")
    if args.json:
        print(json.dumps({"scorer_messages_per_s": round(per_replica, 2), **asdict(figures)}))
    return 0 if not figures.errors else 1


if __name__ == "__main__":
    raise SystemExit(main())
