"""Operations: health and readiness, Prometheus metrics, request ids in JSON logs, security headers,
request size limits and per-user / per-key rate limits."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from service.core.config import Settings
from tests.conftest import Factory, Stack
from tests.service.assets.media import meta, multipart, png


@pytest.fixture
def ops(stack: Stack) -> Iterator[Settings]:
    from service.core.runtime import get_settings

    yield get_settings()  # the stack's runtime's; tests change it with monkeypatch, which restores it


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    r = client.get("/readyz")
    assert r.status_code == 200, r.json()
    assert r.json()["checks"] == {"database": "ok", "storage": "ok", "queue": "ok", "search": "ok",
                                  "rate_limiter": "ok"}


def test_metrics_after_an_upload(client: TestClient, factory: Factory) -> None:
    headers = factory.headers("producer")
    body, ctype = multipart(meta(), "do.png", png())
    assert client.post("/api/v1/assets", content=body, headers={**headers, "Content-Type": ctype}).status_code == 201
    text = client.get("/metrics").text
    assert ('kho_http_request_duration_seconds_bucket{le="0.15",method="POST",route="/api/v1/assets",'
            'status="201"}') in text
    assert 'kho_upload_bytes_total{path="assets"}' in text
    assert 'kho_jobs{state="queued"}' in text
    assert 'kho_queue_depth{queue="pending"}' in text
    # The body joins the process's request metrics and the serving runtime's state: read by the Prometheus
    # client's own parser, it is one valid exposition with each family once.
    from prometheus_client.parser import text_string_to_metric_families

    names = [family.name for family in text_string_to_metric_families(text)]
    assert len(names) == len(set(names)) and {"kho_jobs", "kho_queue_depth", "kho_upload_bytes"} <= set(names)


def test_request_id_and_json_log(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    from service.ops.logs import JsonFormatter

    with caplog.at_level(logging.INFO, logger="kho.access"):
        r = client.get("/healthz", headers={"X-Request-ID": "trace-0123456789"})
        assert r.headers["x-request-id"] == "trace-0123456789"
        generated = client.get("/healthz", headers={"X-Request-ID": "bad id\n"}).headers["x-request-id"]
    assert len(generated) == 32 and generated != "bad id"
    record = next(rec for rec in caplog.records if getattr(rec, "request_id", "") == "trace-0123456789")
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "trace-0123456789" and line["status"] == 200 and line["route"] == "/healthz"
    assert line["logger"] == "kho.access" and line["duration_ms"] >= 0


def test_security_headers(client: TestClient, factory: Factory) -> None:
    r = client.get("/api/v1/assets", headers=factory.headers("staff"))
    assert r.headers["content-security-policy"].startswith("default-src 'none'")
    assert r.headers["permissions-policy"].startswith("camera=()")
    assert r.headers["cross-origin-opener-policy"] == "same-origin"
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"


def test_request_size_limit(client: TestClient, factory: Factory, ops: Settings, monkeypatch: pytest.MonkeyPatch
                            ) -> None:
    monkeypatch.setattr(ops.limits, "max_body_bytes", 4096)
    headers = factory.headers("admin")
    r = client.patch(f"/api/v1/assets/{'0' * 8}-0000-0000-0000-{'0' * 12}", headers=headers,
                     content=json.dumps({"summary": "x" * 10_000}))
    assert r.status_code == 413 and r.json()["code"] == "request_too_large"
    assert r.headers["content-type"].startswith("application/problem+json")

    def chunked() -> Iterator[bytes]:  # no Content-Length: counted while read
        yield json.dumps({"summary": "y" * 10_000}).encode()

    r = client.patch(f"/api/v1/assets/{'0' * 8}-0000-0000-0000-{'0' * 12}", headers=headers, content=chunked())
    assert r.status_code == 413


def test_rate_limits_per_user_and_per_key(client: TestClient, factory: Factory, ops: Settings,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from service.auth import service as auth_service
    from service.core.db import unit_of_work
    from service.orgs import repository as orgs_repo

    monkeypatch.setattr(ops.rate_limit, "user_per_minute", 5)
    email, token_a = factory.user("staff")
    with unit_of_work() as session:
        user = __import__("service.auth.repository", fromlist=["x"]).user_by_email(session, email)
        token_b = auth_service.issue_token(session, user).token  # a second token of the same user
    statuses = [client.get("/api/v1/assets", headers={"Authorization": f"Bearer {t}"}).status_code
                for t in [token_a] * 3 + [token_b] * 4]
    assert statuses[:5] == [200] * 5 and statuses[-1] == 429
    r = client.get("/api/v1/assets", headers={"Authorization": f"Bearer {token_b}"})
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1 and r.json()["code"] == "rate_limited"
    assert client.get("/api/v1/assets", headers=factory.headers("staff")).status_code == 200  # another user

    org_code = factory.org()
    with unit_of_work() as session:
        org = orgs_repo.by_code(session, org_code)
        assert org is not None
        key = auth_service.create_api_key(session, name="Báo thử", organisation_id=org.id,
                                          scopes=["assets:read"], rate_limit_per_minute=3).key
    key_statuses = [client.get("/api/v1/assets", headers={"Authorization": f"Bearer {key}"}).status_code
                    for _ in range(6)]
    assert key_statuses[0] == 200 and 429 in key_statuses  # the key's own contracted limit applies


def test_rate_limit_through_redis_without_blocking_the_loop(client: TestClient, factory: Factory, ops: Settings,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """With Redis (KHO_QUEUE=redis) the middleware asks the shared bucket on the asyncio client."""
    from service.ops import ratelimit
    from tests.support import REDIS_URL, redis_available, require_or_skip

    require_or_skip(redis_available(), "Redis is not running on 127.0.0.1:6379")
    limiter = ratelimit.RedisRateLimiter(REDIS_URL, prefix=f"kho:test:{uuid.uuid4().hex}:")
    monkeypatch.setattr(ratelimit, "limiter", lambda rt: limiter)
    monkeypatch.setattr(ops.rate_limit, "user_per_minute", 4)
    headers = factory.headers("staff")
    statuses = [client.get("/api/v1/assets", headers=headers).status_code for _ in range(6)]
    assert statuses == [200] * 4 + [429] * 2, statuses
