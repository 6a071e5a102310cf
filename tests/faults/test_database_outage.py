"""PostgreSQL stops while an upload streams in: the client gets a 503 problem, nothing is half-written,
and the same upload succeeds once the database is back."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import pytest

from tests.faults.conftest import PgCluster, assets_and_keys, producer_headers, service_env, streamed_upload
from tests.live import LiveServer
from tests.service.assets.media import png

pytestmark = pytest.mark.slow
MiB = 1024 * 1024




def test_postgres_stops_mid_upload(pg_cluster: PgCluster, tmp_path: Path) -> None:
    with service_env(tmp_path / "var", KHO_DATABASE_URL=pg_cluster.url):
        headers = producer_headers()
        before = assets_and_keys()
        server = LiveServer().start()
        try:
            content = png(size=(300, 300))
            paused = threading.Event()
            body, ctype, length = streamed_upload(content, 12 * MiB, pause=3.0, paused=paused)
            result: dict[str, httpx.Response] = {}

            def send() -> None:
                result["r"] = httpx.post(f"{server.url}/api/v1/assets", content=body,
                                         headers={**headers, "Content-Type": ctype, "Content-Length": str(length)},
                                         timeout=120)

            sender = threading.Thread(target=send)
            sender.start()
            assert paused.wait(60), "the upload never reached its pause"  # half the bytes are sent
            pg_cluster.stop("immediate")
            sender.join(timeout=150)
            r = result["r"]
            assert r.status_code == 503, r.text
            assert r.headers["content-type"].startswith("application/problem+json")
            assert r.json()["code"] == "database_unavailable"
            ready = httpx.get(f"{server.url}/readyz")
            assert ready.status_code == 503 and ready.json()["checks"]["database"].startswith("error")

            pg_cluster.start()
            assert assets_and_keys() == before  # no row, no stored object
            body, ctype, length = streamed_upload(content, 12 * MiB, pause=0)
            r = httpx.post(f"{server.url}/api/v1/assets", content=body,
                           headers={**headers, "Content-Type": ctype, "Content-Length": str(length)}, timeout=120)
            assert r.status_code == 201, r.text
            assert assets_and_keys()[0] == before[0] + 1
        finally:
            server.stop()
