"""Search through the API: outbox-driven indexing, visibility, Vietnamese folding, facets, OCR text."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from service.core.runtime import current
from tests.conftest import Factory, Stack
from tests.service.assets.media import meta, png
from tests.service.assets.test_renditions import run_processing
from tests.service.assets.test_upload import upload


def publish(asset_id: str) -> None:
    """Test setup only: mark an asset published the way an approval does (status + outbox event)."""
    from service.core.db import unit_of_work
    from service.models import Asset
    from service.models.base import utcnow
    from service.outbox import events as outbox

    with unit_of_work() as session:
        asset = session.get(Asset, uuid.UUID(asset_id))
        assert asset is not None
        asset.status, asset.published_at = "published", utcnow()
        outbox.emit(session, "asset.changed", asset_id=asset.id)


def drain() -> None:
    from service.outbox.pump import drain as drain_outbox

    while drain_outbox(current()):
        pass


def test_staff_find_published_assets_without_diacritics(client: TestClient, factory: Factory) -> None:
    org = factory.org()
    producer = factory.headers("producer", org)
    marker = uuid.uuid4().hex[:6]
    _, pub = upload(client, producer, png(), meta_json=meta(
        title=f"Đào tạo giáo viên vùng khó {marker}", audiences=["nha-giao"], topics=["to-chuc-thuc-hien"]))
    _, draft = upload(client, producer, png(), meta_json=meta(title=f"Đào tạo bản nháp {marker}",
                                                              audiences=["hoc-sinh"]))
    publish(pub["id"])
    drain()
    staff = factory.headers("staff")
    r = client.get("/api/v1/search", params={"q": f"dao tao giao vien {marker}"}, headers=staff)
    assert r.status_code == 200, r.json()
    body = r.json()
    ids = [i["asset"]["id"] for i in body["items"]]
    assert ids and ids[0] == pub["id"]
    assert draft["id"] not in ids  # staff never see drafts
    assert "<mark>" in body["items"][0]["title_html"]
    assert body["facets"]["audience"].get("nha-giao", 0) >= 1

    mine = client.get("/api/v1/search", params={"q": f"dao tao {marker}"}, headers=producer).json()
    assert {pub["id"], draft["id"]} <= {i["asset"]["id"] for i in mine["items"]}
    filtered = client.get("/api/v1/search", params={"q": marker, "audience": "hoc-sinh"}, headers=producer).json()
    assert [i["asset"]["id"] for i in filtered["items"]] == [draft["id"]]
    assert client.get("/api/v1/search", params={"q": marker, "nope": "x"}, headers=staff).status_code == 200
    sugg = client.get("/api/v1/search/suggest", params={"q": "Đào tạo giáo"}, headers=staff).json()
    assert any(marker in s for s in sugg)


def test_reindex_and_drift_check(client: TestClient, factory: Factory) -> None:
    from service.core import runtime
    from service.core.db import unit_of_work
    from service.core.runtime import get_search_index
    from service.indexing import service as search

    producer = factory.headers("producer")
    _, asset = upload(client, producer, png())
    drain()
    get_search_index().delete([asset["id"]])
    with unit_of_work() as session:
        assert asset["id"] in search.drift(session, runtime.get_search_index()).missing
        search.reindex_all(session, runtime.get_search_index())
        assert search.drift(session, runtime.get_search_index()).ok


def test_an_index_dropped_for_another_shard_count_refills_itself(client: TestClient, factory: Factory) -> None:
    import os

    from service.core import runtime
    from service.core.db import unit_of_work
    from service.indexing import service as search

    producer = factory.headers("producer")
    _, asset = upload(client, producer, png())
    drain()

    def reopen(shards: str | None) -> None:
        # Shards are the embedded engine's: the PostgreSQL stack (postgres engine by default) opts in.
        if shards is None:
            os.environ.pop("KHO_SEARCH_SHARDS", None)
        else:
            os.environ["KHO_SEARCH_SHARDS"] = shards
        os.environ["KHO_SEARCH"] = "embedded"
        runtime.install(runtime.Runtime.build())

    try:
        reopen("2")
        index = runtime.get_search_index()
        assert getattr(index, "dropped_layout", False) and index.count() == 0
        thread = search.rebuild_in_background(runtime.current())
        assert thread is not None
        thread.join(timeout=120)
        with unit_of_work() as session:
            assert search.drift(session, runtime.get_search_index()).ok and asset["id"] in index.ids()
    finally:
        reopen(None)
        thread = search.rebuild_in_background(runtime.current())  # back to one shard: dropped again, refilled again
        assert thread is not None
        thread.join(timeout=120)
    assert search.rebuild_in_background(runtime.current()) is None  # opening an index of the right layout drops nothing
    os.environ.pop("KHO_SEARCH")
    runtime.install(runtime.Runtime.build())


def test_the_postgres_stack_searches_with_the_postgres_engine(stack: Stack) -> None:
    from service.core.runtime import get_search_index

    assert get_search_index().engine == ("postgres" if stack.is_postgres else "embedded")


def test_search_check_reports_stale_status_and_content(client: TestClient, factory: Factory,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    from service import cli
    from service.core import runtime
    from service.core.db import unit_of_work
    from service.indexing import service as search
    from service.models import Asset

    _, asset = upload(client, factory.headers("producer"), png())
    publish(asset["id"])
    drain()
    asset_id = asset["id"]

    def change(**values: object) -> None:  # a write that emits no outbox event: the index is not told
        with unit_of_work() as session:
            row = session.get(Asset, uuid.UUID(asset_id))
            assert row is not None
            for key, value in values.items():
                setattr(row, key, value)

    with unit_of_work() as session:
        before = search.drift(session, runtime.get_search_index())
    assert asset_id not in before.status and asset_id not in before.content
    change(status="withdrawn")
    with unit_of_work() as session:
        drift = search.drift(session, runtime.get_search_index())
    assert drift.status[asset_id] == ("published", "withdrawn") and not drift.ok
    with pytest.raises(SystemExit) as exited:
        cli.main(["search-check"])
    out = capsys.readouterr().out
    assert exited.value.code == 1 and f"{asset_id}: chỉ mục / index published" in out
    change(status="published", title="Tiêu đề đã đổi mà chỉ mục không biết")
    with unit_of_work() as session:
        drift = search.drift(session, runtime.get_search_index())
    assert asset_id not in drift.status and asset_id in drift.content
    with unit_of_work() as session:
        search.reindex_all(session, runtime.get_search_index())
        assert search.drift(session, runtime.get_search_index()).ok


@pytest.mark.slow
def test_ocr_text_makes_an_infographic_findable(client: TestClient, factory: Factory, tmp_path: object) -> None:
    from pathlib import Path

    from tests.support import require_or_skip
    from transcoding import demo_media
    from transcoding.tools import tesseract_path

    require_or_skip(tesseract_path() is not None, "tesseract is not installed")
    producer = factory.headers("producer")
    path = demo_media.infographic(Path(str(tmp_path)) / "ocr.png", "Khuyến học khuyến tài",
                                  ["Phổ cập bơi lội an toàn cho học sinh"])
    _, asset = upload(client, producer, path.read_bytes(), meta_json=meta(title="Ảnh không tên", summary=""))
    run_processing(client, producer, asset["id"])
    publish(asset["id"])
    drain()
    r = client.get("/api/v1/search", params={"q": "phổ cập bơi lội"}, headers=factory.headers("staff")).json()
    assert asset["id"] in [i["asset"]["id"] for i in r["items"]]


def test_a_query_over_300_characters_is_cut_and_searched(client: TestClient, factory: Factory) -> None:
    from tests.service.publication.helpers import api_key

    producer = factory.headers("producer")
    marker = uuid.uuid4().hex[:6]
    _, asset = upload(client, producer, png(), meta_json=meta(title=f"Tuyển sinh đầu cấp {marker}"))
    publish(asset["id"])
    drain()
    staff = factory.headers("staff")
    pasted = f"tuyển sinh đầu cấp {marker} " * 20  # 500 characters: a pasted paragraph
    assert len(pasted) > 300
    r = client.get("/api/v1/search", params={"q": pasted}, headers=staff)
    assert r.status_code == 200, r.json()
    assert [i["asset"]["id"] for i in r.json()["items"]][:1] == [asset["id"]]
    sugg = client.get("/api/v1/search/suggest", params={"q": pasted}, headers=staff)
    assert sugg.status_code == 200 and f"Tuyển sinh đầu cấp {marker}" in sugg.json()
    _, newsroom = api_key(factory)
    news = client.get("/api/v1/news/search", params={"q": pasted}, headers=newsroom)
    assert news.status_code == 200, news.json()
    assert [it["altids"][0]["value"] for it in news.json()["items"]] == [asset["id"]]


def test_suggestions_complete_a_one_letter_last_word(client: TestClient, factory: Factory) -> None:
    producer = factory.headers("producer")
    marker = uuid.uuid4().hex[:6]
    title = f"Hướng dẫn {marker} zalo oa cho nhà trường"
    _, asset = upload(client, producer, png(), meta_json=meta(title=title))
    publish(asset["id"])
    drain()
    staff = factory.headers("staff")
    r = client.get("/api/v1/search/suggest", params={"q": f"{marker} z"}, headers=staff)
    assert r.status_code == 200 and r.json() == [title]
    found = client.get("/api/v1/search", params={"q": f"huong dan {marker} z"}, headers=staff).json()
    assert [i["asset"]["id"] for i in found["items"]] == [asset["id"]]
