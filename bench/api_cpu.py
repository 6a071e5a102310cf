"""Server CPU per newsroom request: utime+stime of a real uvicorn process (bench/api.py's seed and server)
over sequential keep-alive requests, for /healthz, the 50-item list and a 20-hit search. Less at the mercy
of a loaded machine than bench/api.py's throughput ratio (CPU time, not wall time).

Run from the repository root:  .venv/bin/python bench/api_cpu.py [--db sqlite|postgresql] [--requests 300]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import api as bench  # noqa: E402

PATHS = ("/healthz", "/api/v1/news/items?limit=50", "/api/v1/news/search?q=chuy%E1%BB%83n&limit=20")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pump_cost() -> None:
    """What the requests left to the outbox pump: their pulls (one `usage.pulled` row per page), expanded
    here into usage events and daily claims by the worker's own drain, timed in this process."""
    from sqlalchemy import func, select

    from service.core.db import unit_of_work
    from service.core.runtime import current
    from service.models import OutboxEvent
    from service.outbox.pump import drain
    from service.worker import wiring

    wiring.install()
    with unit_of_work() as session:
        pages = session.scalar(select(func.count()).select_from(OutboxEvent).where(
            OutboxEvent.topic == "usage.pulled", OutboxEvent.processed_at.is_(None))) or 0
    cpu, wall = time.process_time(), time.perf_counter()
    while drain(current(), 500):
        pass
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if pages:
        print(f"outbox pump: {pages} pulled pages expanded in {wall:.2f} s, "
              f"{cpu / pages * 1000:.2f} ms CPU per page (in the worker, not the request)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    port = 19_000 + os.getpid() % 1000
    database_url = bench.pg_database(create=True) if args.db == "postgresql" else ""
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = bench.configure(Path(tmp), port, database_url)
            key, _ = bench.seed(200, 0)
            with bench.running_server(env, port) as (base, server):
                print(f"# {args.db}, 200 published assets, {args.requests} sequential requests per path")
                with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=60) as c:
                    for n in range(1, args.rounds + 1):
                        per: dict[str, float] = {}
                        for path in PATHS:
                            for _ in range(20):  # warm
                                assert c.get(path).status_code == 200
                            before = cpu_seconds(server.pid)
                            for _ in range(args.requests):
                                c.get(path)
                            per[path] = (cpu_seconds(server.pid) - before) / args.requests * 1000
                            print(f"round {n} {path:50} server CPU {per[path]:6.2f} ms/request  "
                                  f"(/healthz ÷ this ×{per[PATHS[0]] / per[path]:.3f})")
                pump_cost()
    finally:
        if database_url:
            from service.core.db import get_engine

            get_engine().dispose()
            bench.pg_database(create=False)


if __name__ == "__main__":
    main()
