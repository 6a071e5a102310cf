"""The administration lists of the API (vocabulary terms, webhook subscriptions and deliveries, the audit export,
translation requests) read what they show in a constant number of SQL statements: the count for 3N rows is not
larger than for N (issue 19; tests/querycount.py). Real app, real database (both stacks)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from fastapi.testclient import TestClient

from tests.conftest import Factory
from tests.querycount import assert_flat, shows_all
from tests.service.publication.helpers import Publisher, api_key


@contextmanager
def temporary_terms(vocabulary: str = "level") -> Iterator[tuple[list[str], Callable[[int], None]]]:
    """(labels made, grow): terms of a shared vocabulary, written through the ORM and removed at the end so
    that other tests see the seeded vocabulary only."""
    from sqlalchemy import delete, func, select

    from service.core.db import unit_of_work
    from service.models import VocabularyTerm

    codes: list[str] = []
    labels: list[str] = []

    def grow(n: int) -> None:
        with unit_of_work() as session:
            top = session.scalar(select(func.max(VocabularyTerm.position))
                                 .where(VocabularyTerm.vocabulary == vocabulary)) or 0
            for i in range(n):
                code = f"zz-thu-{uuid.uuid4().hex[:8]}"
                session.add(VocabularyTerm(vocabulary=vocabulary, code=code, label_vi=f"Cấp {code}",
                                           label_en=f"Level {code}", position=top + 1 + i))
                codes.append(code)
                labels.append(f"Cấp {code}")

    try:
        yield labels, grow
    finally:
        with unit_of_work() as session:
            session.execute(delete(VocabularyTerm).where(VocabularyTerm.vocabulary == vocabulary,
                                                         VocabularyTerm.code.in_(codes)))




def test_vocabularies(client: TestClient, factory: Factory) -> None:
    headers = factory.headers("staff")
    with temporary_terms() as (labels, grow):
        assert_flat(shows_all(client, "/api/v1/vocabularies?vocabulary=level", headers, labels), grow)
    with temporary_terms() as (labels, grow):
        assert_flat(shows_all(client, "/vocab/level", {}, labels), grow)


def test_webhook_subscriptions_and_deliveries(client: TestClient, factory: Factory) -> None:
    from service.core.db import unit_of_work
    from service.webhooks import service as webhooks

    _, key = api_key(factory, factory.org("newsroom"), scopes=["assets:read", "webhooks:manage"])
    urls: list[str] = []
    subscription: list[str] = []

    def more_subscriptions(n: int) -> None:
        for _ in range(n):
            url = f"http://127.0.0.1:9/hook/{uuid.uuid4().hex[:8]}"
            r = client.post("/api/v1/webhooks/subscriptions", headers=key,
                            json={"url": url, "events": ["asset.published"]})
            assert r.status_code == 201, r.text
            subscription.append(r.json()["id"])
            urls.append(url)

    assert_flat(shows_all(client, "/api/v1/webhooks/subscriptions", key, urls), more_subscriptions)
    events: list[str] = []

    def more_deliveries(n: int) -> None:
        with unit_of_work() as session:
            for _ in range(n):
                made = webhooks.enqueue_event(session, "asset.published", {"asset_id": str(uuid.uuid4())})
                events.extend(d.message_id for d in made if str(d.subscription_id) == subscription[0])

    assert_flat(shows_all(client, f"/api/v1/webhooks/subscriptions/{subscription[0]}/deliveries", key, events),
                more_deliveries)
    assert len(events) == 6  # one delivery of each event to the subscription


def test_audit_export(client: TestClient, factory: Factory) -> None:
    """The export streams the whole trail in keyset pages of 1,000 (one statement per page, whatever the rows
    hold): those page reads are left out, the rest must not grow with the rows."""
    admin = factory.headers("admin", factory.org("province"))
    marks: list[str] = []

    def more_entries(n: int) -> None:
        from service.audit import service as audit
        from service.core.db import unit_of_work

        with unit_of_work() as session:
            for _ in range(n):
                mark = f"thu-{uuid.uuid4().hex}"
                audit.record(session, "test.marked", "test", mark, actor=None)
                marks.append(mark)

    assert_flat(shows_all(client, "/api/v1/audit.csv", admin, marks), more_entries, ignore="WHERE audit_entries.id >")


def test_translation_requests(client: TestClient, factory: Factory) -> None:
    publisher = Publisher(client, factory)
    org, asked = factory.org(), factory.org()
    producer = factory.headers("producer", org)
    translator = factory.headers("producer", asked)
    due = (date.today() + timedelta(days=10)).isoformat()
    made: list[str] = []

    def more_requests(n: int) -> None:
        for _ in range(n):
            original = publisher.publish(org_code=org, title=f"Bản gốc {uuid.uuid4().hex[:6]}", alt_text="Mô tả")
            r = client.post(f"/api/v1/assets/{original}/translation-requests", headers=producer,
                            json={"language": "en", "unit_code": asked, "due_on": due, "note": "Cần bản tiếng Anh"})
            assert r.status_code == 201, r.text
            made.append(r.json()["id"])

    assert_flat(shows_all(client, "/api/v1/translation-requests", translator, made), more_requests)
