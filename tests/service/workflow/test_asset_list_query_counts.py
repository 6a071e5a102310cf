"""The lists under one asset (versions, renditions, history, comments, downloaders, captions, language versions,
Q&A items) read what they show in a constant number of SQL statements: the count for 3N rows is not larger
than for N (issue 19; tests/querycount.py). Real app, real database (both stacks). Rows the API has no cheap
way to make (earlier versions, renditions, Q&A items, language versions) are written through the ORM as test
set-up; the request under count is the real route."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from fastapi.testclient import TestClient

from service.core.runtime import current
from tests.conftest import Factory
from tests.querycount import assert_flat, shows_all
from tests.service.publication.helpers import Publisher, Rend, add_rendition, api_key
from tests.service.qa.helpers import csv_bytes, csv_rows

Grow = Callable[[int], None]


def _drain() -> None:
    from service.outbox.pump import drain

    while drain(current()):
        pass


def _more_versions(asset_id: str, shown: list[str]) -> Grow:
    from sqlalchemy import func, select

    from service.core.db import unit_of_work
    from service.models import Version

    def grow(n: int) -> None:
        with unit_of_work() as session:
            first = session.scalars(select(Version).where(Version.asset_id == uuid.UUID(asset_id))
                                    .order_by(Version.number)).first()
            assert first is not None
            top = session.scalar(select(func.max(Version.number)).where(Version.asset_id == first.asset_id)) or 1
            for number in range(top + 1, top + 1 + n):
                name = f"phien-ban-{uuid.uuid4().hex[:8]}.png"
                session.add(Version(asset_id=first.asset_id, number=number, status="superseded",
                                    object_key=first.object_key, sha256=uuid.uuid4().hex * 2, size=first.size,
                                    media_type=first.media_type, original_filename=name))
                shown.append(name)
    return grow


def _more_renditions(asset_id: str, shown: list[str]) -> Grow:
    def grow(n: int) -> None:
        for _ in range(n):
            variant = f"v{uuid.uuid4().hex[:8]}"
            add_rendition(asset_id, Rend("web-image", variant, b"\xff\xd8jpeg", "image/jpeg", 400, 300))
            shown.append(variant)
    return grow


def test_versions_and_renditions(client: TestClient, factory: Factory) -> None:
    publisher = Publisher(client, factory)
    org = factory.org()
    producer = factory.headers("producer", org)
    asset_id = publisher.publish(org_code=org, title="Nhiều phiên bản", alt_text="Mô tả")
    versions: list[str] = []
    assert_flat(shows_all(client, f"/api/v1/assets/{asset_id}/versions", producer, versions),
                _more_versions(asset_id, versions))
    renditions: list[str] = []
    assert_flat(shows_all(client, f"/api/v1/assets/{asset_id}/renditions", producer, renditions),
                _more_renditions(asset_id, renditions))
    of_first: list[str] = []
    assert_flat(shows_all(client, f"/api/v1/assets/{asset_id}/versions/1/renditions", producer, of_first),
                _more_renditions(asset_id, of_first))


def test_history_and_comments(client: TestClient, factory: Factory) -> None:
    publisher = Publisher(client, factory)
    org = factory.org()
    producer = factory.headers("producer", org)
    reviewer = factory.headers("reviewer", org)
    asset_id = publisher.upload(org_code=org, title="Nhiều vòng duyệt", alt_text="Mô tả")
    reasons: list[str] = []

    def more_rounds(n: int) -> None:
        for _ in range(n):
            reason = f"Sửa lại {uuid.uuid4().hex[:8]}"
            r = client.post(f"/api/v1/assets/{asset_id}/submit", json={}, headers=producer)
            assert r.status_code == 200, r.text
            r = client.post(f"/api/v1/assets/{asset_id}/request-changes", json={"reason": reason}, headers=reviewer)
            assert r.status_code == 200, r.text
            reasons.append(reason)

    assert_flat(shows_all(client, f"/api/v1/assets/{asset_id}/history", producer, reasons), more_rounds)
    bodies: list[str] = []

    def more_comments(n: int) -> None:
        for i in range(n):
            body = f"Góp ý {uuid.uuid4().hex[:8]}"
            r = client.post(f"/api/v1/assets/{asset_id}/comments", json={"body": body},
                            headers=reviewer if i % 2 else producer)
            assert r.status_code == 201, r.text
            bodies.append(body)

    assert_flat(shows_all(client, f"/api/v1/assets/{asset_id}/comments", producer, bodies), more_comments)


def test_downloaders(client: TestClient, factory: Factory) -> None:
    publisher = Publisher(client, factory)
    org = factory.org()
    producer = factory.headers("producer", org)
    asset_id = publisher.publish(org_code=org, title="Được tải nhiều", alt_text="Mô tả")
    clients: list[str] = []

    def more_newsrooms(n: int) -> None:
        for _ in range(n):
            client_id, key = api_key(factory)
            assert client.get(f"/api/v1/news/items/{asset_id}", headers=key).status_code == 200
            clients.append(client_id)
        _drain()

    assert_flat(shows_all(client, f"/api/v1/assets/{asset_id}/downloaders", producer, clients), more_newsrooms)


def _languages(count: int) -> list[str]:
    from service.vocab import languages

    return [entry["code"] for entry in languages.listing() if entry["code"] != "vi"][:count]


def test_language_versions(client: TestClient, factory: Factory) -> None:
    publisher = Publisher(client, factory)
    from service.core.db import unit_of_work
    from service.models import Asset

    org = factory.org()
    staff = factory.headers("staff", org)
    original = publisher.publish(org_code=org, title="Bản gốc", alt_text="Mô tả")
    free = _languages(6)
    made: list[str] = []

    def more_translations(n: int) -> None:
        for _ in range(n):
            translation = publisher.publish(org_code=org, title="Bản dịch", alt_text="Mô tả")
            with unit_of_work() as session:
                asset = session.get(Asset, uuid.UUID(translation))
                assert asset is not None
                asset.variant_of_id, asset.language = uuid.UUID(original), free.pop(0)
            made.append(translation)

    assert_flat(shows_all(client, f"/api/v1/assets/{original}/variants", staff, made), more_translations)


def test_qa_items(client: TestClient, factory: Factory) -> None:
    publisher = Publisher(client, factory)
    from sqlalchemy import func, select

    from service.core.db import unit_of_work
    from service.models import Asset, QaItem

    org = factory.org()
    producer = factory.headers("producer", org)
    asset_id = publisher.publish(org_code=org, kind="qa_set", title="Hỏi đáp", content=csv_bytes(csv_rows(1)),
                                 filename="hoi-dap.csv", topics=["y-nghia-quan-diem"], audiences=["nha-giao"])
    questions: list[str] = []

    def more_items(n: int) -> None:
        with unit_of_work() as session:
            asset = session.get(Asset, uuid.UUID(asset_id))
            assert asset is not None and asset.current_version_id is not None
            top = session.scalar(select(func.max(QaItem.position))
                                 .where(QaItem.version_id == asset.current_version_id)) or 0
            for position in range(top + 1, top + 1 + n):
                question = f"Câu hỏi {uuid.uuid4().hex[:8]}?"
                session.add(QaItem(version_id=asset.current_version_id, position=position, question=question,
                                   answer="<p>Trả lời</p>", choices=[]))
                questions.append(question)

    assert_flat(shows_all(client, f"/api/v1/assets/{asset_id}/qa", producer, questions), more_items)


def more_captions(asset_id: str, shown: list[str], *, texts: bool = False) -> Grow:
    """Caption rows of the current version in languages not used yet (written through the ORM: the upload
    route needs a video, and the listing reads only the rows); `shown` gets each caption's file URL (the
    API lists it) or, with `texts`, its cue text (the transcript page shows it)."""
    from service.core.db import unit_of_work
    from service.models import Asset, Caption

    free = _languages(6)

    def grow(n: int) -> None:
        with unit_of_work() as session:
            asset = session.get(Asset, uuid.UUID(asset_id))
            assert asset is not None and asset.current_version_id is not None
            for _ in range(n):
                language, text = free.pop(0), f"Lời thoại {uuid.uuid4().hex[:8]}"
                session.add(Caption(version_id=asset.current_version_id, language=language, cues=1, text=text,
                                    object_key=f"captions/test/{uuid.uuid4().hex}.vtt"))
                shown.append(text if texts else f"/captions/{language}.vtt")
    return grow


def test_captions(client: TestClient, factory: Factory) -> None:
    publisher = Publisher(client, factory)
    org = factory.org()
    staff = factory.headers("staff", org)
    asset_id = publisher.publish(org_code=org, title="Có phụ đề", alt_text="Mô tả")
    urls: list[str] = []
    assert_flat(shows_all(client, f"/api/v1/assets/{asset_id}/captions", staff, urls), more_captions(asset_id, urls))
