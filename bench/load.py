"""Load: 50 concurrent simulated users for 2 minutes against the API on PostgreSQL + S3 + Redis, mixing
search, asset pages, downloads and uploads. Prints requests/s, p50/p95/p99 per operation and errors.

    .venv/bin/python bench/load.py [--users 50] [--seconds 120] [--assets 40] [--think 1-3] [--ramp 10] [--apis 1]

`--apis 2` measures twice in one run: the users against one API process, then spread round-robin over
two API processes, each with its own var folder (no shared disk), and prints the throughput ratio.

Each simulated user waits a random think time between requests, as a person (or locust's `between`) does:
1-3 s by default. `--think 0.05-0.3` turns the users into a stress test that keeps both cores saturated;
its latencies then measure queueing for the CPU, not the service.

A small threaded httpx load generator (locust is not a dependency). PostgreSQL is the local server on
5432 (a fresh database, dropped afterwards), S3 is moto's server from the test fixtures, Redis is
127.0.0.1:6379 db 14 (queue and rate limits). The API runs in one uvicorn process without a worker, so
uploads are queued but not processed during the run; the load generator shares the machine's CPUs.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path

import httpx
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._stack import Server, base_env, prepare, tokens  # noqa: E402

WORDS = ["nghị quyết", "giáo dục", "nha giao", "chuyển đổi số", "học sinh", "đột phá", "tuyển sinh", "71"]
MIX = [("search", 40), ("asset_page", 30), ("download", 20), ("upload", 10)]


def png(seed: int) -> bytes:
    img = Image.new("RGB", (96, 64), (seed & 255, (seed >> 8) & 255, (seed >> 16) & 255))
    img.putpixel((0, 0), ((seed >> 24) & 255, 1, 2))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def upload(client: httpx.Client, base: str, auth: str, title: str) -> httpx.Response:
    meta = json.dumps({"kind": "infographic", "title": title, "topics": ["y-nghia-quan-diem"], "alt_text": title,
                       "summary": "Giáo dục đột phá theo Nghị quyết 71"}, ensure_ascii=False)
    files: dict[str, tuple[str | None, bytes | str, str | None]] = {
        "metadata": (None, meta, None), "file": ("anh.png", png(random.getrandbits(32)), "image/png")}
    return client.post(f"{base}/api/v1/assets", files=files, headers={"Authorization": auth})


def seed(base: str, producer: str, reviewer: str, count: int) -> list[str]:
    ids = []
    with httpx.Client(timeout=60) as client:
        for i in range(count):
            r = upload(client, base, producer, f"Infographic {WORDS[i % len(WORDS)]} số {i}")
            r.raise_for_status()
            asset_id = r.json()["id"]
            ids.append(asset_id)
            client.post(f"{base}/api/v1/assets/{asset_id}/submit", json={}, headers={"Authorization": producer})
            r = client.post(f"{base}/api/v1/assets/{asset_id}/approve", json={}, headers={"Authorization": reviewer})
            r.raise_for_status()
    return ids


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.samples: list[str] = []

    def add(self, op: str, seconds: float, ok: bool, detail: str) -> None:
        with self.lock:
            self.times[op].append(seconds)
            if not ok:
                self.errors[op] += 1
                if len(self.samples) < 10:
                    self.samples.append(f"{op}: {detail}")


def user_loop(base: str, auth: str, assets: list[str], stop: float, stats: Stats,
              think: tuple[float, float], delay: float) -> None:
    ops = [op for op, weight in MIX for _ in range(weight)]
    time.sleep(delay)  # users arrive over the ramp-up, as locust's spawn rate has them
    with httpx.Client(timeout=60, headers={"Authorization": auth}) as client:
        while time.monotonic() < stop:
            op = random.choice(ops)
            asset = random.choice(assets)
            started = time.perf_counter()
            try:
                if op == "search":
                    r = client.get(f"{base}/api/v1/news/search", params={"q": random.choice(WORDS)})
                elif op == "asset_page":
                    r = client.get(f"{base}/api/v1/assets/{asset}")
                elif op == "download":
                    r = client.get(f"{base}/api/v1/assets/{asset}/original")
                else:
                    r = upload(client, base, auth, f"Tải lên khi đo tải {uuid.uuid4().hex[:6]}")
                ok, detail = r.status_code < 400, f"{r.status_code} {r.text[:120]}"
            except httpx.HTTPError as exc:
                ok, detail = False, repr(exc)
            stats.add(op, time.perf_counter() - started, ok, detail)
            time.sleep(random.uniform(*think))


def pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000


def measure(urls: list[str], users: list[str], assets: list[str], args: argparse.Namespace) -> tuple[Stats, float]:
    """Every user talks to one API process, assigned round-robin (what a proxy in front would do)."""
    stats = Stats()
    stop = time.monotonic() + args.seconds
    threads = [threading.Thread(target=user_loop, args=(urls[i % len(urls)], u, assets, stop, stats, args.think,
                                                        i * args.ramp / len(users)))
               for i, u in enumerate(users)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return stats, time.monotonic() - started


def run(args: argparse.Namespace) -> None:
    import importlib.util
    import tempfile

    from tests.storage.s3server import start_s3_server
    from tests.support import create_pg_database, drop_pg_database

    db = f"kho_bench_{uuid.uuid4().hex[:8]}"
    s3 = start_s3_server()
    root = Path(tempfile.mkdtemp(prefix="kho-bench-load-"))
    extra = {"KHO_SEARCH": "postgres"} if importlib.util.find_spec("search.postgres") else {}
    env = base_env(root, KHO_DATABASE_URL=create_pg_database(db), KHO_STORAGE="s3", KHO_S3_ENDPOINT=s3.endpoint,
                   KHO_S3_ACCESS_KEY=s3.access_key, KHO_S3_SECRET_KEY=s3.secret_key, KHO_S3_BUCKET="kho-bench",
                   KHO_QUEUE="redis", KHO_REDIS_URL="redis://127.0.0.1:6379/14", **extra)
    servers: list[Server] = []
    try:
        prepare(env)
        producer, reviewer, *users = tokens(env, ["producer", "reviewer"] + ["producer"] * args.users)
        servers = [Server({**env, "KHO_VAR_DIR": str(root / f"api-{i}")}) for i in range(args.apis)]
        assets = seed(servers[0].url, producer, reviewer, args.assets)
        arms = [servers[:1], servers] if len(servers) > 1 else [servers]
        results = []
        for arm in arms:
            stats, elapsed = measure([s.url for s in arm], users, assets, args)
            print(f"--- {len(arm)} API process{'es' if len(arm) > 1 else ''} ---")
            report(stats, elapsed, args)
            results.append((sum(len(v) for v in stats.times.values()) / elapsed, sum(stats.errors.values())))
        if len(results) > 1:
            (one, one_errors), (many, many_errors) = results
            print(f"throughput ratio {len(servers)} processes / 1 process: {many / one:.2f} "
                  f"({many:.1f} / {one:.1f} req/s); errors {many_errors} / {one_errors}")
    finally:
        for server in servers:
            server.stop()
        s3.stop()
        drop_pg_database(db)


def report(stats: Stats, elapsed: float, args: argparse.Namespace) -> None:
    total = sum(len(v) for v in stats.times.values())
    errors = sum(stats.errors.values())
    print(f"{args.users} users arriving over {args.ramp:.0f} s, think time {args.think[0]}-{args.think[1]} s, "
          f"{elapsed:.0f} s, "
          f"PostgreSQL + S3 (moto) + Redis, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print(f"requests: {total}  ({total / elapsed:.1f} req/s)  errors: {errors}")
    print(f"{'operation':12} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'mean ms':>8} {'errors':>7}")
    for op, _ in MIX:
        v = stats.times.get(op, [])
        mean = statistics.fmean(v) * 1000 if v else 0.0
        print(f"{op:12} {len(v):7d} {pct(v, 50):8.1f} {pct(v, 95):8.1f} {pct(v, 99):8.1f} {mean:8.1f} "
              f"{stats.errors.get(op, 0):7d}")
    for sample in stats.samples:
        print("  error:", sample)


def think_range(text: str) -> tuple[float, float]:
    low, _, high = text.partition("-")
    return float(low), float(high or low)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--assets", type=int, default=40)
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds over which the users arrive")
    parser.add_argument("--apis", type=int, default=1, help="2: compare one API process with two")
    parser.add_argument("--think", type=think_range, default=(1.0, 3.0), help="seconds between a user's requests")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
