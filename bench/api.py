"""Newsroom API and kit benchmark against a real uvicorn on 127.0.0.1 (SQLite or PostgreSQL + local store).

Run from the repository root:  .venv/bin/python bench/api.py [--assets 200] [--threads 8] [--requests 400]
    [--db sqlite|postgresql] [--rounds 2] [--news-only]
(--db postgresql: a fresh database `kho_bench_api` on KHO_BENCH_PG_URL's server, dropped afterwards;
--rounds: measure /healthz and the newsroom cases that many times in turn, each round its own ratios;
--news-only: leave out the kit and usage-event parts.)

Measures, with httpx in threads:
- newsroom list (/api/v1/news/items?limit=50) and search (20 of the indexed assets' titles) throughput and
  p50/p95 latency, each as a ratio of /healthz measured the same way in the same run (the baseline: the
  cheapest request the app serves);
- kit ZIP streaming rate, as a ratio of one plain signed download of an object of the same total size,
  and the server's resident memory (VmRSS peak while streaming vs before);
- the cost of recording a usage event in the request's transaction vs one INSERT in its own transaction.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
KIT_FILES, KIT_FILE_MB = 12, 8
PG_ADMIN_URL = os.environ.get("KHO_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
PG_DB = os.environ.get("KHO_BENCH_PG_DB", "kho_bench_api")  # several benches on one server: one database each


def pg_database(create: bool) -> str:
    """A fresh PostgreSQL database for the run (create=False drops it); returns its URL."""
    import sqlalchemy as sa

    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)'))
        if create:
            conn.execute(sa.text(f'CREATE DATABASE "{PG_DB}"'))
    admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_DB}"


def configure(var_dir: Path, port: int, database_url: str = "") -> dict[str, str]:
    env = {"KHO_ENV": "test", "KHO_VAR_DIR": str(var_dir), "KHO_SECRET_KEY": "bench-secret-" + "x" * 32,
           "KHO_BASE_URL": f"http://127.0.0.1:{port}",
           # The limiter still runs on every request (it is part of what is measured), with a ceiling above
           # what several rounds of 400 requests a minute ask for.
           "KHO_RATE_LIMIT_KEY_PER_MINUTE": str(10**7), "KHO_RATE_LIMIT_ANONYMOUS_PER_MINUTE": str(10**7)}
    if database_url:
        env["KHO_DATABASE_URL"] = database_url
    os.environ.update(env)
    return env


def seed(assets: int, kit_files: int = KIT_FILES) -> tuple[str, str]:
    """Published assets (ORM + real stored objects, bench setup only), a kit, and an API key; the assets are
    indexed (the search case then finds real hits) and the index closed before the server opens it."""
    from service.auth import service as auth_service
    from service.core import runtime
    from service.core.db import unit_of_work
    from service.core.migrate import upgrade
    from service.core.runtime import get_settings, get_store
    from service.indexing.service import reindex_all
    from service.models import Asset, Collection, CollectionItem, Rendition, Version
    from service.models.base import utcnow
    from service.orgs import service as orgs
    from tests.service.publication.helpers import jpeg

    upgrade(get_settings().database.url)
    store = get_store()
    with unit_of_work() as session:
        org = orgs.create(session, code="BENCH", name="Sở GDĐT Bench", kind="department")
        key = auth_service.create_api_key(session, name="bench", organisation_id=org.id,
                                          scopes=["assets:read", "assets:download"], rate_limit_per_minute=10**7).key
        kit = Collection(slug="bench-kit", title="Bộ tài liệu bench", owner_org_id=org.id)
        session.add(kit)
        for n in range(assets):
            big = n < kit_files
            data = os.urandom(KIT_FILE_MB * 2**20) if big else jpeg((64, 48), n)
            media = "application/pdf" if big else "image/jpeg"
            asset = Asset(kind="document" if big else "infographic", owner_org_id=org.id, status="published",
                          title=f"Tài nguyên chuyển đổi số {n}", summary="Tóm tắt " * 10, published_at=utcnow(),
                          copyright_notice="© Bộ GDĐT", usage_terms="Ghi rõ nguồn.")
            session.add(asset)
            session.flush()
            k = f"originals/bench/{asset.id}"
            store.put(k, io.BytesIO(data), size=len(data), content_type=media)
            version = Version(asset_id=asset.id, number=1, status="published", object_key=k,
                              sha256=uuid.uuid4().hex * 2, size=len(data), media_type=media,
                              original_filename=f"f{n}.{'pdf' if big else 'jpg'}")
            session.add(version)
            session.flush()
            asset.current_version_id = version.id
            session.add(Rendition(version_id=version.id, profile="web-image", variant="400-jpeg", object_key=k,
                                  media_type=media, size=len(data), width=64, height=48))
            if big:
                session.add(CollectionItem(collection_id=kit.id, asset_id=asset.id, position=n))
        big_key = "originals/bench/one-big-object"
        blob = os.urandom(kit_files * KIT_FILE_MB * 2**20)
        store.put(big_key, io.BytesIO(blob), size=len(blob), content_type="application/octet-stream")
    with unit_of_work() as session:
        reindex_all(session, runtime.current().search_index)
    runtime.close()  # lets go of the search index: the server process opens it next
    url = store.download_url(big_key, expires=timedelta(hours=1), filename="big.bin")
    return key, url


@contextmanager
def running_server(env: dict[str, str], port: int) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`uvicorn` serving the app in its own process, once /healthz answers; (base URL, process). Its access
    log goes nowhere: 400 JSON lines a case on the bench's terminal only hid its figures (the log formatting
    is measured all the same)."""
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "service.app:create_app", "--factory",
                               "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
                              cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield base, server
    finally:
        server.terminate()
        server.wait(10)


def rss_kb(pid: int, field: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def load(base: str, path: str, headers: dict[str, str], threads: int, total: int) -> tuple[float, float, float]:
    """(requests/s, p50 ms, p95 ms) for `total` GETs spread over `threads` keep-alive clients."""
    latencies: list[float] = []
    lock = threading.Lock()
    per_thread = total // threads

    def worker() -> None:
        mine = []
        with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
            for _ in range(per_thread):
                t0 = time.perf_counter()
                r = client.get(path)
                mine.append(time.perf_counter() - t0)
                assert r.status_code == 200, (path, r.status_code, r.text[:200])
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    q = statistics.quantiles(latencies, n=100)
    return len(latencies) / elapsed, q[49] * 1000, q[94] * 1000


def stream_rate(fetch: Callable[[], AbstractContextManager[httpx.Response]], pid: int) -> tuple[float, int, int]:
    """(MB/s, bytes, peak server RSS in kB while streaming)."""
    peak = [rss_kb(pid)]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], rss_kb(pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    n = 0
    with fetch() as r:
        assert r.status_code == 200, r.status_code
        for chunk in r.iter_bytes():
            n += len(chunk)
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    return n / 2**20 / elapsed, n, peak[0]


def usage_cost(samples: int = 2000) -> tuple[float, float]:
    """µs per usage.record inside an open request transaction vs µs per one-row INSERT committed on its own."""
    from service.core.db import unit_of_work
    from service.models.base import utcnow
    from service.usage import repository
    from service.usage import service as usage

    t0 = time.perf_counter()
    with unit_of_work() as session:
        for _ in range(samples):
            usage.record("download", None, session=session, channel="bench")
    in_request = (time.perf_counter() - t0) / samples * 1e6
    t0 = time.perf_counter()
    for _ in range(samples // 10):
        with unit_of_work() as session:
            repository.insert_many(session, [{"at": utcnow(), "kind": "download", "channel": "bench"}])
    direct = (time.perf_counter() - t0) / (samples // 10) * 1e6
    return in_request, direct


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def news_rounds(base: str, auth: dict[str, str], args: argparse.Namespace) -> None:
    """/healthz then the newsroom cases, `--rounds` times: each ratio is taken within its own round."""
    for n in range(1, args.rounds + 1):
        print(f"## round {n}, load average {load_average()}")
        base_rps, base_p50, base_p95 = load(base, "/healthz", {}, args.threads, args.requests)
        print(f"healthz (baseline)   {base_rps:8.1f} req/s  p50 {base_p50:7.1f} ms  p95 {base_p95:7.1f} ms")
        for label, path in (("news list limit=50", "/api/v1/news/items?limit=50"),
                            ("news search", "/api/v1/news/search?q=chuy%E1%BB%83n&limit=20")):
            rps, p50, p95 = load(base, path, auth, args.threads, args.requests)
            print(f"{label:<20} {rps:8.1f} req/s  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  "
                  f"throughput ×{rps / base_rps:.3f} of baseline, p95 ×{p95 / base_p95:.1f}")


def kits(base: str, auth: dict[str, str], big_url: str, pid: int) -> None:
    idle = rss_kb(pid)
    with httpx.Client(timeout=120) as c:
        stream_rate(lambda: c.stream("GET", big_url), pid)  # warm the page cache and the path
        raw_rate, raw_bytes, raw_peak = stream_rate(lambda: c.stream("GET", big_url), pid)
        zip_rate, zip_bytes, zip_peak = stream_rate(
            lambda: c.stream("GET", base + "/api/v1/kits/bench-kit.zip", headers=auth), pid)
        # second run: rights copies already exist (the first one made them)
        zip2_rate, _, zip2_peak = stream_rate(
            lambda: c.stream("GET", base + "/api/v1/kits/bench-kit.zip", headers=auth), pid)
    print(f"signed download      {raw_rate:8.1f} MB/s  {raw_bytes / 2**20:.0f} MB  "
          f"server RSS peak +{(raw_peak - idle) / 1024:.1f} MB (baseline)")
    print(f"kit ZIP (1st, copies) {zip_rate:7.1f} MB/s  {zip_bytes / 2**20:.0f} MB  "
          f"server RSS peak +{(zip_peak - idle) / 1024:.1f} MB  rate ×{zip_rate / raw_rate:.2f}")
    print(f"kit ZIP (2nd)        {zip2_rate:8.1f} MB/s  server RSS peak +{(zip2_peak - idle) / 1024:.1f} MB"
          f"  rate ×{zip2_rate / raw_rate:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--assets", type=int, default=200)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--requests", type=int, default=400)
    ap.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--news-only", action="store_true")
    args = ap.parse_args()
    port = 18_000 + os.getpid() % 1000
    database_url = pg_database(create=True) if args.db == "postgresql" else ""
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = configure(Path(tmp), port, database_url)
            key, big_url = seed(args.assets, 0 if args.news_only else KIT_FILES)
            with running_server(env, port) as (base, server):
                auth = {"Authorization": f"Bearer {key}"}
                print(f"# {args.db}, {args.assets} published assets, {args.threads} threads, "
                      f"{args.requests} requests per case")
                news_rounds(base, auth, args)
                if not args.news_only:
                    kits(base, auth, big_url, server.pid)
            if not args.news_only:
                in_request, direct = usage_cost()
                print(f"usage event          {in_request:8.1f} µs in the request's transaction vs {direct:.1f} µs "
                      f"INSERT+commit of its own (×{direct / in_request:.0f})")
            print(f"# load average at the end {load_average()}")
    finally:
        if database_url:
            from service.core.db import get_engine

            get_engine().dispose()
            pg_database(create=False)


if __name__ == "__main__":
    main()
