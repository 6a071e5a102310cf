"""Nothing half-done: a failed database write or a vanished client leaves no row and no object."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from service.core.runtime import current
from tests.conftest import Factory, Stack
from tests.live import LiveServer
from tests.service.assets.leftovers import count_assets, stored_keys
from tests.service.assets.media import meta, multipart, png
from tests.service.assets.test_upload import upload


@pytest.fixture
def failing_insert_trigger(stack: Stack) -> Iterator[str]:
    """A real database failure: a trigger that aborts inserting an asset with a marker title."""
    from service.core.db import get_engine

    marker = "KHO-INJECTED-DB-FAILURE"
    with get_engine().begin() as conn:
        if stack.is_postgres:
            conn.execute(text(
                "CREATE OR REPLACE FUNCTION kho_fail() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.title = '{marker}' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END; "
                "$$ LANGUAGE plpgsql"))
            conn.execute(text("CREATE TRIGGER kho_fail BEFORE INSERT ON assets FOR EACH ROW "
                              "EXECUTE FUNCTION kho_fail()"))
        else:
            conn.execute(text(f"CREATE TRIGGER kho_fail BEFORE INSERT ON assets WHEN NEW.title = '{marker}' "
                              "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"))
    yield marker
    with get_engine().begin() as conn:
        conn.execute(text("DROP TRIGGER kho_fail ON assets" if stack.is_postgres else "DROP TRIGGER kho_fail"))


def test_database_failure_after_storing_removes_the_object(client: TestClient, factory: Factory,
                                                           failing_insert_trigger: str) -> None:
    headers = factory.headers("producer")
    rows, keys = count_assets(), stored_keys()
    status, body = upload(client, headers, png(), meta_json=meta(title=failing_insert_trigger))
    assert status == 500 and body["code"] == "internal_error"
    assert count_assets() == rows
    assert stored_keys() == keys
    status, _ = upload(client, headers, png(), meta_json=meta(title="Bình thường"))
    assert status == 201  # the server stays up and the next upload works


@pytest.fixture
def live_server(stack: Stack) -> Iterator[int]:
    server = LiveServer().start()
    yield server.port
    server.stop()


def test_client_disconnect_mid_upload_leaves_nothing(live_server: int, factory: Factory) -> None:
    headers = factory.headers("producer")
    content = png(size=(400, 400)) + b"\x00" * 3_000_000
    body, ctype = multipart(meta(), "dut-giua-chung.png", content)
    rows, keys = count_assets(), stored_keys()
    with socket.create_connection(("127.0.0.1", live_server)) as s:
        head = (f"POST /api/v1/assets HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {headers['Authorization']}\r\n"
                f"Content-Type: {ctype}\r\nContent-Length: {len(body)}\r\n\r\n").encode()
        s.sendall(head + body[: len(body) // 2])
        time.sleep(0.5)  # let the server start streaming into storage
    # The server notices the disconnect asynchronously: wait for in-flight temp files to go.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and (count_assets(), stored_keys(), temp_files()) != (rows, keys, []):
        time.sleep(0.1)
    assert count_assets() == rows
    assert stored_keys() == keys
    assert temp_files() == []


def temp_files() -> list[str]:
    """In-flight files of the local store, or incomplete multipart uploads on S3."""
    from service.core.runtime import get_settings, get_store

    settings = get_settings()
    if settings.storage.backend == "local":
        return sorted(p.name for p in (settings.storage.objects_root / ".tmp").glob("*"))
    store = get_store()
    client = store.client  # type: ignore[attr-defined]
    return sorted(u.object_name for u in client._list_multipart_uploads(settings.storage.s3_bucket).uploads)


def test_orphan_sweep_removes_only_old_unreferenced_objects(client: TestClient, factory: Factory) -> None:
    import io

    from service.core.runtime import get_store
    from service.worker.maintenance import remove_orphans

    headers = factory.headers("producer")
    status, body = upload(client, headers, png())
    assert status == 201
    store = get_store()
    orphan = f"originals/ff/ff/{'f' * 32}/v1.png"
    store.put(orphan, io.BytesIO(b"orphan bytes"))
    assert orphan not in remove_orphans(current())  # young: maybe an upload still committing
    removed = remove_orphans(current(), min_age=timedelta(seconds=-1))
    assert orphan in removed
    assert not store.exists(orphan)
    assert client.get(f"/api/v1/assets/{body['id']}/original", headers=headers).status_code == 200
