"""The audit trail is hash-chained: `kho audit verify` detects a row altered directly in the database."""

from __future__ import annotations

import subprocess
import sys

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from tests.conftest import Factory, Stack
from tests.service.assets.media import png
from tests.service.assets.test_upload import upload


def _verify(stack: Stack) -> subprocess.CompletedProcess[str]:
    import os

    env = dict(os.environ)
    return subprocess.run([sys.executable, "-m", "service.cli", "audit", "verify"], capture_output=True, text=True,
                          env=env, timeout=120)


@pytest.mark.slow
def test_audit_chain_detects_tampering(client: TestClient, factory: Factory, stack: Stack) -> None:
    from service.core.db import get_engine

    headers = factory.headers("producer")
    assert upload(client, headers, png())[0] == 201
    client.post("/api/v1/auth/token", json={"email": "nobody@test.local", "password": "wrong"})
    ok = _verify(stack)
    assert ok.returncode == 0, ok.stderr
    assert "OK" in ok.stdout
    with get_engine().begin() as conn:
        row = conn.execute(text("SELECT id, data FROM audit_entries ORDER BY id DESC LIMIT 1")).one()
        original = row.data
        conn.execute(text("UPDATE audit_entries SET action = 'asset.tampered' WHERE id = :id"), {"id": row.id})
    try:
        bad = _verify(stack)
        assert bad.returncode == 1
        assert f"at entry {row.id}" in bad.stderr
    finally:
        with get_engine().begin() as conn:
            conn.execute(text("UPDATE audit_entries SET action = 'auth.login_failed' WHERE id = :id"), {"id": row.id})
        assert original is not None


def test_login_failures_are_audited_and_rate_limited(client: TestClient, factory: Factory) -> None:
    email, _ = factory.user("staff")
    for _ in range(5):
        r = client.post("/api/v1/auth/token", json={"email": email, "password": "wrong"})
        assert r.status_code == 401 and r.json()["code"] == "invalid_credentials"
    r = client.post("/api/v1/auth/token", json={"email": email, "password": "pw-" + email})
    assert r.status_code == 429 and "retry-after" in r.headers
    from service.audit import repository as audit_repo
    from service.core.db import unit_of_work

    with unit_of_work() as session:
        n = sum(1 for e in audit_repo.iter_entries(session)
                if e.action == "auth.login_failed" and e.data.get("email") == email)
    assert n == 5


def test_token_login_works(client: TestClient, factory: Factory) -> None:
    email, _ = factory.user("reviewer")
    r = client.post("/api/v1/auth/token", json={"email": email, "password": "pw-" + email})
    assert r.status_code == 200
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {r.json()['access_token']}"})
    assert me.status_code == 200 and me.json()["role"] == "reviewer"
