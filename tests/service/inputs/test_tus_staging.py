"""tus staging in the object store: every PATCH is a staged object with a row, the offset moves by
compare-and-set, the assembled file is checked before an asset exists, and nothing staged outlives
its upload."""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from tusclient import client as tus_client

from service.core.runtime import current
from tests.conftest import Factory
from tests.live import LiveServer
from tests.service.assets.leftovers import count_assets, stored_keys
from tests.service.assets.media import meta
from tests.service.inputs.test_tus import CHUNK, _create, _patch, asset_of, staging_files
from tests.service.inputs.tusmedia import TUS, head, noisy_png, offset_of, tus_metadata


def _upload_id(url: str) -> uuid.UUID:
    return uuid.UUID(url.rsplit("/", 1)[1])


def _part_rows(upload_id: uuid.UUID) -> list[tuple[int, int, str]]:
    from service.core.db import unit_of_work
    from service.tus import repository

    with unit_of_work() as session:
        return [(p.offset, p.size, p.object_key) for p in repository.parts(session, upload_id)]


def test_each_patch_is_a_staged_object_with_a_row(live: LiveServer, factory: Factory) -> None:
    headers = factory.headers("producer")
    content = noisy_png(300)
    r = _create(live, headers, len(content), body=content[:CHUNK])
    url = live.url + r.headers["location"]
    assert _patch(live, url, headers, CHUNK, content[CHUNK:2 * CHUNK]).status_code == 204
    rows = _part_rows(_upload_id(url))
    assert [(o, s) for o, s, _ in rows] == [(0, CHUNK), (CHUNK, CHUNK)]
    from service.core.runtime import get_store

    store = get_store()
    for offset, size, key in rows:
        assert key in staging_files()
        with store.open(key) as reader:
            assert reader.read() == content[offset:offset + size]
    assert not list(live_var_files("tus"))  # nothing on the API host's disk
    assert _patch(live, url, headers, 2 * CHUNK, content[2 * CHUNK:]).status_code == 204
    assert _part_rows(_upload_id(url)) == []
    assert not any(_upload_id(url).hex in key for key in staging_files())


def live_var_files(name: str) -> Iterator[str]:
    from service.core.runtime import get_settings

    folder = get_settings().tmp_dir / name
    return (str(p) for p in folder.rglob("*")) if folder.exists() else iter(())


def test_racing_patches_for_one_offset_one_wins_the_other_gets_409(live: LiveServer, factory: Factory) -> None:
    """Both requests pass the offset check before either commits (as two API hosts would): the
    compare-and-set lets one through, the other answers 409 and its staged object is deleted."""
    from service.core.db import unit_of_work
    from service.core.errors import KhoError
    from service.core.runtime import current
    from service.identity import tokens
    from service.tus import service as tus

    headers = factory.headers("producer")
    content = noisy_png(200)
    url = live.url + _create(live, headers, len(content)).headers["location"]
    upload_id = _upload_id(url)
    both_streaming = threading.Barrier(2, timeout=30)
    outcomes: dict[int, object] = {}

    def chunks(data: bytes) -> Iterator[bytes]:
        both_streaming.wait()  # reached only after append() checked the offset
        yield data

    def send(size: int) -> None:
        try:
            with unit_of_work() as session:
                principal, _ = tokens.resolve_user_token(session, headers["Authorization"].split(" ", 1)[1])
                outcomes[size] = tus.append(session, current(), principal, upload_id, 0, None,
                                           chunks(content[:size])).offset
        except KhoError as exc:
            outcomes[size] = exc.status

    threads = [threading.Thread(target=send, args=(size,)) for size in (1000, 3000)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes.values(), key=str) in ([1000, 409], [3000, 409]), outcomes
    committed = offset_of(url, headers)
    assert committed in (1000, 3000) and outcomes[committed] == committed
    assert [(o, s) for o, s, _ in _part_rows(upload_id)] == [(0, committed)]
    assert len([k for k in staging_files() if upload_id.hex in k]) == 1  # the loser's object is gone
    assert _patch(live, url, headers, committed, content[committed:]).status_code == 204
    original = httpx.get(f"{live.url}/api/v1/assets/{asset_of(url, headers)}/original", headers=headers)
    assert hashlib.sha256(original.content).digest() == hashlib.sha256(content).digest()


def test_declared_sha256_is_checked_before_an_asset_exists(live: LiveServer, factory: Factory) -> None:
    headers = factory.headers("producer")
    content = noisy_png(150)
    rows, keys = count_assets(), stored_keys()

    def upload(sha256: str) -> object:
        import io

        client = tus_client.TusClient(f"{live.url}/api/v1/uploads/", headers=headers)
        return client.uploader(file_stream=io.BytesIO(content), chunk_size=CHUNK,
                               metadata={"filename": "a.png", "metadata": meta(), "sha256": sha256})

    wrong = upload(hashlib.sha256(b"another file").hexdigest())
    with pytest.raises(Exception) as err:
        wrong.upload()  # type: ignore[attr-defined]
    assert getattr(err.value, "status_code", None) == 460
    assert head(wrong.url, headers).status_code == 404  # type: ignore[attr-defined]
    assert (count_assets(), stored_keys()) == (rows, keys)
    assert not any(_upload_id(wrong.url).hex in k for k in staging_files())  # type: ignore[attr-defined]
    right = upload(hashlib.sha256(content).hexdigest())
    right.upload()  # type: ignore[attr-defined]
    assert asset_of(right.url, headers)  # type: ignore[attr-defined]
    bad = httpx.post(f"{live.url}/api/v1/uploads/", headers={
        **headers, **TUS, "Upload-Length": "10",
        "Upload-Metadata": tus_metadata({"filename": "a.png", "metadata": meta(), "sha256": "not-hex"})})
    assert bad.status_code == 400 and bad.json()["code"] == "tus_bad_header"


def test_a_lost_staged_part_ends_the_upload_without_an_asset(live: LiveServer, factory: Factory) -> None:
    from service.core.runtime import get_store

    headers = factory.headers("producer")
    content = noisy_png(150)
    rows, keys = count_assets(), stored_keys()
    url = live.url + _create(live, headers, len(content), body=content[:CHUNK]).headers["location"]
    [(_, _, key)] = _part_rows(_upload_id(url))
    get_store().delete(key)
    r = _patch(live, url, headers, CHUNK, content[CHUNK:])
    assert r.status_code == 409 and r.json()["code"] == "tus_staging_lost"
    assert head(url, headers).status_code == 404
    assert (count_assets(), stored_keys()) == (rows, keys)
    assert not any(_upload_id(url).hex in k for k in staging_files())


def test_expiry_removes_staged_parts_and_orphans(live: LiveServer, factory: Factory) -> None:
    import io

    from service.core.runtime import get_store
    from service.models.base import utcnow
    from service.tus import service as tus
    from service.tus.staging import prefix_of

    headers = factory.headers("producer")
    content = noisy_png(200)
    url = live.url + _create(live, headers, len(content), body=content[:CHUNK]).headers["location"]
    # A PATCH whose host died after storing its bytes, before its commit: an object no row knows.
    orphan = prefix_of(_upload_id(url)) + "000000000065536-deadbeef0000"
    get_store().put(orphan, io.BytesIO(b"half a chunk"))
    assert tus.expire(current(), utcnow()) == 0  # neither the upload nor a young orphan is touched
    assert orphan in staging_files() and offset_of(url, headers) == CHUNK
    assert tus.expire(current(), utcnow() + timedelta(days=2)) >= 2
    assert head(url, headers).status_code == 404
    assert staging_files() == []
