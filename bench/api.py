"""Newsroom API and kit benchmark against a real uvicorn on 127.0.0.1 (SQLite + local store).

Run from the repository root:  .venv/bin/python bench/api.py [--assets 200] [--threads 8] [--requests 400]

Measures, with httpx in threads:
- newsroom list (/api/v1/news/items?limit=50) and search throughput and p50/p95 latency, each as a ratio
  of /healthz measured the same way in the same run (the baseline: the cheapest request the app serves);
- kit ZIP streaming rate, as a ratio of one plain signed download of an object of the same total size,
  and the server's resident memory (VmRSS peak while streaming vs before);
- the cost of recording a usage event (buffered append) vs one INSERT in its own transaction.
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
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
KIT_FILES, KIT_FILE_MB = 12, 8


def configure(var_dir: Path, port: int) -> dict[str, str]:
    env = {"KHO_ENV": "test", "KHO_VAR_DIR": str(var_dir), "KHO_SECRET_KEY": "bench-secret-" + "x" * 32,
           "KHO_BASE_URL": f"http://127.0.0.1:{port}"}
    os.environ.update(env)
    return env


def seed(assets: int) -> tuple[str, str]:
    """Published assets (ORM + real stored objects, bench setup only), a kit, and an API key."""
    from service.auth import service as auth_service
    from service.config import get_settings
    from service.db import unit_of_work
    from service.migrate import upgrade
    from service.models import Asset, Collection, CollectionItem, Rendition, Version
    from service.models.base import utcnow
    from service.orgs import service as orgs
    from service.runtime import get_store
    from tests.service.publication.helpers import jpeg

    upgrade(get_settings().db_url)
    store = get_store()
    with unit_of_work() as session:
        org = orgs.create(session, code="BENCH", name="Sở GDĐT Bench", kind="department")
        key = auth_service.create_api_key(session, name="bench", organisation_id=org.id,
                                          scopes=["assets:read", "assets:download"], rate_limit_per_minute=10**7).key
        kit = Collection(slug="bench-kit", title="Bộ tài liệu bench", owner_org_id=org.id)
        session.add(kit)
        for n in range(assets):
            big = n < KIT_FILES
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
        blob = os.urandom(KIT_FILES * KIT_FILE_MB * 2**20)
        store.put(big_key, io.BytesIO(blob), size=len(blob), content_type="application/octet-stream")
    url = store.download_url(big_key, expires=timedelta(hours=1), filename="big.bin")
    return key, url


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
    from service.db import unit_of_work
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--assets", type=int, default=200)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--requests", type=int, default=400)
    args = ap.parse_args()
    port = 18_000 + os.getpid() % 1000
    with tempfile.TemporaryDirectory() as tmp:
        env = configure(Path(tmp), port)
        key, big_url = seed(args.assets)
        server = subprocess.Popen([sys.executable, "-m", "uvicorn", "service.app:create_app", "--factory",
                                   "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
                                  cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            auth = {"Authorization": f"Bearer {key}"}
            print(f"# {args.assets} published assets, {args.threads} threads, {args.requests} requests per case")
            base_rps, base_p50, base_p95 = load(base, "/healthz", {}, args.threads, args.requests)
            print(f"healthz (baseline)   {base_rps:8.1f} req/s  p50 {base_p50:7.1f} ms  p95 {base_p95:7.1f} ms")
            for label, path in (("news list limit=50", "/api/v1/news/items?limit=50"),
                                ("news search", "/api/v1/news/search?q=chuy%E1%BB%83n&limit=20")):
                rps, p50, p95 = load(base, path, auth, args.threads, args.requests)
                print(f"{label:<20} {rps:8.1f} req/s  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  "
                      f"throughput ×{rps / base_rps:.3f} of baseline, p95 ×{p95 / base_p95:.1f}")
            idle = rss_kb(server.pid)
            with httpx.Client(timeout=120) as c:
                stream_rate(lambda: c.stream("GET", big_url), server.pid)  # warm the page cache and the path
                raw_rate, raw_bytes, raw_peak = stream_rate(lambda: c.stream("GET", big_url), server.pid)
                zip_rate, zip_bytes, zip_peak = stream_rate(
                    lambda: c.stream("GET", base + "/api/v1/kits/bench-kit.zip", headers=auth), server.pid)
                # second run: rights copies already exist (the first one made them)
                zip2_rate, _, zip2_peak = stream_rate(
                    lambda: c.stream("GET", base + "/api/v1/kits/bench-kit.zip", headers=auth), server.pid)
            print(f"signed download      {raw_rate:8.1f} MB/s  {raw_bytes / 2**20:.0f} MB  "
                  f"server RSS peak +{(raw_peak - idle) / 1024:.1f} MB (baseline)")
            print(f"kit ZIP (1st, copies) {zip_rate:7.1f} MB/s  {zip_bytes / 2**20:.0f} MB  "
                  f"server RSS peak +{(zip_peak - idle) / 1024:.1f} MB  rate ×{zip_rate / raw_rate:.2f}")
            print(f"kit ZIP (2nd)        {zip2_rate:8.1f} MB/s  server RSS peak +{(zip2_peak - idle) / 1024:.1f} MB"
                  f"  rate ×{zip2_rate / raw_rate:.2f}")
        finally:
            server.terminate()
            server.wait(10)
        in_request, direct = usage_cost()
        print(f"usage event          {in_request:8.1f} µs in the request's transaction vs {direct:.1f} µs "
              f"INSERT+commit of its own (×{direct / in_request:.0f})")


if __name__ == "__main__":
    main()
