"""HTTP semantics on every route, found by iterating over the app's routes (a new GET route is covered
without editing this file, or fails asking for a value of its new path parameter):
HEAD answers like GET without a body, a 405 names what is allowed, `If-None-Match: *` and
`If-Modified-Since` give 304 where the item exists and has not changed."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from tests.conftest import Factory
from tests.service.publication.helpers import Publisher, Rend, api_key, jpeg, unique_mp3

VOLATILE = {"date", "x-request-id", "set-cookie", "location", "content-security-policy", "server-timing",
            "ratelimit-remaining", "ratelimit-reset"}
PROBE_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@pytest.fixture(autouse=True)
def _unlimited(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests send a few hundred requests in a second: not what the rate limits are about."""
    from service.core.runtime import get_settings

    limits = get_settings().rate_limit
    for name in ("anonymous_per_minute", "user_per_minute", "key_per_minute"):
        monkeypatch.setattr(limits, name, 1_000_000)


@dataclass
class World:
    values: dict[str, str]
    podcast: str
    headers: dict[str, str]
    key: dict[str, str]


def _world(client: TestClient, factory: Factory, publisher: Publisher) -> World:
    org = factory.org()
    image = publisher.publish(org_code=org, title="Ảnh thử HEAD", topics=["chuyen-doi-so"], audiences=["hoc-sinh"],
                              renditions=[Rend("web-image", "800-jpeg", jpeg((160, 90)), "image/jpeg", 160, 90)])
    audio = unique_mp3()
    podcast = publisher.publish(org_code=org, kind="podcast", content=audio, filename="tap.mp3", title="Tập thử",
                                renditions=[Rend("podcast", "mp3-128k", audio, "audio/mpeg", duration=2.0)])
    admin = factory.headers("admin", org)
    slug = f"head-{org[-8:].lower()}"
    assert client.post("/api/v1/kits", json={"slug": slug, "title": "Bộ thử", "items": [{"asset_id": image}]},
                       headers=factory.headers("producer", org)).status_code == 201
    _, key = api_key(factory, rate=100_000)
    listing = client.get(f"/api/v1/assets/{image}/renditions", headers=admin).json()
    rendition = next(r for p in listing["profiles"] for r in p["renditions"])
    signed = client.get(f"/api/v1/news/items/{image}/renditions/original", headers=key, follow_redirects=False)
    location = urlsplit(signed.headers["location"])
    token = location.path.rsplit("/", 1)[-1] if location.netloc == "testserver" else "no-local-links-on-s3"
    org_id = client.get("/api/v1/me", headers=admin).json()["organisation_id"]
    term = client.get("/api/v1/vocabularies?vocabulary=topic", headers=admin).json()[0]
    values = {"asset_id": image, "rendition_id": rendition["id"], "slug": slug, "token": token, "org_id": org_id,
              "org_code": org, "code": "chuyen-doi-so", "kind": "infographic", "profile": "web-image",
              "vocabulary": "topic", "term_id": term["id"], "job_id": str(uuid.uuid4()),
              "sub_id": str(uuid.uuid4()), "upload_id": uuid.uuid4().hex, "name": "master.m3u8",
              "plan_id": str(uuid.uuid4()), "language": "vi", "task_id": str(uuid.uuid4()),
              "evidence_id": str(uuid.uuid4()), "number": "1"}
    return World(values, podcast, admin, key)


def _get_paths(client: TestClient, world: World) -> list[str]:
    paths = []
    for context in iter_route_contexts(list(client.app.routes)):  # type: ignore[attr-defined]
        if not context.path or "GET" not in (context.methods or ()):
            continue
        path = context.path
        if path.startswith("/feeds/podcast/{asset_id}"):
            path = path.replace("{asset_id}", world.podcast)
        if path.startswith("/feeds/orgs/"):
            path = path.replace("{code}", world.values["org_code"])
        if path.startswith("/feeds/audiences/"):
            path = path.replace("{code}", "hoc-sinh")
        for name in re.findall(r"{(\w+)(?::\w+)?}", path):
            assert name in world.values, f"give the route test a value for the path parameter {{{name}}} of {path}"
            path = re.sub(r"{" + name + r"(?::\w+)?}", world.values[name], path)
        paths.append(path)
    return paths


def _headers_for(path: str, world: World) -> dict[str, str]:
    return world.key if path.startswith("/api/v1/news") else world.headers


def _comparable(headers: dict[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items() if k.lower() not in VOLATILE}


@pytest.mark.slow
def test_head_answers_like_get_on_every_get_route(client: TestClient, factory: Factory,
                                                  publisher: Publisher) -> None:
    world = _world(client, factory, publisher)
    paths = _get_paths(client, world)
    statuses = {}
    for path in paths:
        headers = _headers_for(path, world)
        got = client.get(path, headers=headers, follow_redirects=False)
        head = client.head(path, headers=headers, follow_redirects=False)
        again = client.get(path, headers=headers, follow_redirects=False)
        assert head.status_code == got.status_code, (path, got.status_code, head.status_code, head.text[:200])
        assert head.content == b"", path
        varies = set() if again.content == got.content else {"content-length", "etag"}  # e.g. /metrics
        assert ({k: v for k, v in _comparable(dict(head.headers)).items() if k not in varies}
                == {k: v for k, v in _comparable(dict(got.headers)).items() if k not in varies}), path
        statuses[path] = got.status_code
    must_serve = {"/healthz": 200, "/feeds/atom": 200, "/feeds/podcast.rss": 200, "/feeds/feed.json": 200,
                  f"/feeds/podcast/{world.podcast}.mp3": 302,
                  f"/api/v1/assets/{world.values['asset_id']}/original": 200,
                  f"/api/v1/assets/{world.values['asset_id']}/renditions/{world.values['rendition_id']}": 200,
                  f"/api/v1/kits/{world.values['slug']}.zip": 200,
                  f"/api/v1/news/items/{world.values['asset_id']}/renditions/web-image": 307,
                  f"/tai-nguyen/{world.values['asset_id']}": 200, f"/bo-suu-tap/{world.values['slug']}": 200}
    if not world.values["token"].startswith("no-"):
        must_serve[f"/objects/{world.values['token']}"] = 200
    assert {p: statuses.get(p) for p in must_serve} == must_serve
    assert sum(s < 400 for s in statuses.values()) >= len(statuses) * 0.75, statuses


def test_signed_links_answer_head_on_every_store(client: TestClient, factory: Factory,
                                                 publisher: Publisher) -> None:
    """A podcast app checks an enclosure with HEAD: the link it is sent to must be valid for HEAD (an S3
    presigned URL is signed for one method) and tell the same length and type as GET."""
    world = _world(client, factory, publisher)
    for path, headers in ((f"/feeds/podcast/{world.podcast}.mp3", {}),
                          (f"/api/v1/news/items/{world.values['asset_id']}/renditions/web-image", world.key)):
        got = _follow(client, "GET", path, headers)
        head = _follow(client, "HEAD", path, headers)
        assert got.status_code == head.status_code == 200, (path, head.status_code)
        assert head.content == b"" and int(head.headers["content-length"]) == len(got.content) > 0
        assert head.headers["content-type"] == got.headers["content-type"]


def _follow(client: TestClient, method: str, path: str, headers: dict[str, str]) -> httpx.Response:
    first = client.request(method, path, headers=headers, follow_redirects=False)
    assert first.status_code in (302, 307), (path, first.status_code)
    target = first.headers["location"]
    if target.startswith("http://testserver"):
        return client.request(method, urlsplit(target)._replace(scheme="", netloc="").geturl())
    return httpx.request(method, target, timeout=10)


@pytest.mark.slow
def test_a_405_names_every_allowed_method(client: TestClient, factory: Factory, publisher: Publisher) -> None:
    world = _world(client, factory, publisher)
    checked = 0
    for path in sorted(set(_get_paths(client, world))):
        for method in PROBE_METHODS:  # anonymous: an allowed method answers 401/403/422, never acts
            r = client.request(method, path, follow_redirects=False)
            if r.status_code != 405:
                continue
            checked += 1
            assert r.headers["content-type"].startswith("application/problem+json") and "allow" in r.headers
            allowed = {m.strip() for m in r.headers["allow"].split(",")}
            assert method not in allowed and "GET" in allowed and "HEAD" in allowed, (path, allowed)
            for other in allowed - {"HEAD", "OPTIONS"}:
                assert client.request(other, path, follow_redirects=False).status_code != 405, (path, other)
    assert checked > 20
    kit = client.put(f"/api/v1/kits/{world.values['slug']}")  # GET, PATCH and DELETE are separate routes
    assert {m.strip() for m in kit.headers["allow"].split(",")} == {"GET", "HEAD", "PATCH", "DELETE"}


def test_conditional_get_with_star_and_dates(client: TestClient, factory: Factory, publisher: Publisher) -> None:
    world = _world(client, factory, publisher)
    image, key = world.values["asset_id"], world.key
    star = {"If-None-Match": "*"}
    checks = [(f"/api/v1/news/items/{image}", key), (f"/api/v1/assets/{image}/original", world.headers),
              ("/feeds/atom", {})]
    if not world.values["token"].startswith("no-"):
        checks.append((f"/objects/{world.values['token']}", {}))
    for path, headers in checks:
        assert client.get(path, headers={**headers, **star}).status_code == 304, path
    assert client.get(f"/api/v1/news/items/{uuid.uuid4()}", headers={**key, **star}).status_code == 404

    item = client.get(f"/api/v1/news/items/{image}", headers=key)
    modified = parsedate_to_datetime(item.headers["last-modified"])
    versioncreated = item.json()["versioncreated"]
    assert format_datetime(modified, usegmt=True) == item.headers["last-modified"]
    assert modified.isoformat().replace("+00:00", "Z")[:19] == versioncreated[:19]
    since = item.headers["last-modified"]
    same = client.get(f"/api/v1/news/items/{image}", headers={**key, "If-Modified-Since": since})
    assert same.status_code == 304 and same.content == b""
    earlier = format_datetime(modified.replace(year=modified.year - 1), usegmt=True)
    assert client.get(f"/api/v1/news/items/{image}", headers={**key, "If-Modified-Since": earlier}).status_code == 200
    page = client.get("/api/v1/news/items", headers=key)
    assert page.status_code == 200 and "last-modified" in page.headers
