"""Every link the product hands out resolves. The links are read with independent parsers from what a
newsroom, a podcast app or a school receives — feeds (feedparser, plus a sweep of every URL-valued
attribute), JSON Feed, ninjs items (validated against the IPTC schema), webhook payloads (verified with
`standardwebhooks`), the rights embedded in delivered files (XMP parsed with defusedxml from the file
bytes, ID3 read with mutagen) and kit ZIPs (manifest.json and README.txt) — then each is fetched,
following redirects, with GET and HEAD: 200, or 410 for the withdrawn asset."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import httpx
import pytest
from defusedxml.ElementTree import fromstring
from fastapi.testclient import TestClient
from mutagen.id3 import ID3
from standardwebhooks.webhooks import Webhook

from service.core.runtime import current
from tests.conftest import Factory
from tests.service.publication.helpers import Publisher, Rend, api_key, jpeg, ninjs_errors, set_status, unique_mp3
from tests.service.publication.receiver import Receiver
from tests.service.publication.test_feeds import _add_caption

BASE = "http://testserver"
XMP_RIGHTS = "{http://ns.adobe.com/xap/1.0/rights/}"
URL_ATTRIBUTES = ("href", "url", "scheme", "uri", "ref", "src")
# Identifiers of the standards the documents follow: named, not served by us.
SPEC_URIS = {"https://jsonfeed.org/version/1.1", "https://www.iptc.org/std/ninjs/ninjs-schema_2.1.json"}


def _ours(url: str) -> bool:
    """Served by the product: its own base URL, or a link signed for the object store."""
    return url.startswith(BASE + "/") or "X-Amz-Signature=" in url


@pytest.fixture(autouse=True)
def _unlimited(monkeypatch: pytest.MonkeyPatch) -> None:
    from service.core.runtime import get_settings

    for name in ("anonymous_per_minute", "user_per_minute", "key_per_minute"):
        monkeypatch.setattr(get_settings().rate_limit, name, 1_000_000)


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    from service.webhooks import consumers

    monkeypatch.setattr(consumers, "DELIVER_ON_COMMIT", False)  # delivered below, step by step
    r = Receiver().start()
    yield r
    r.stop()


def _deliver_webhooks() -> None:
    from service.outbox.pump import drain
    from service.webhooks.delivery import deliver_due

    while drain(current()):
        pass
    deliver_due(current())


@dataclass
class Found:
    links: dict[str, set[str]] = field(default_factory=dict)  # url → sources

    def add(self, source: str, url: str) -> None:
        if url.startswith(("http://", "https://")):
            self.links.setdefault(url, set()).add(source)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _xml_sweep(found: Found, source: str, body: bytes) -> None:
    """Any URL-valued attribute or text in the document, so no tag escapes the crawl."""
    for element in fromstring(body).iter():
        for name, value in element.attrib.items():
            if name.rsplit("}", 1)[-1] in URL_ATTRIBUTES:
                found.add(source, value)
        if element.text and element.text.strip().startswith("http"):
            found.add(source, element.text.strip())


def _fetch(client: TestClient, method: str, url: str, headers: dict[str, str]) -> httpx.Response:
    if url.startswith(BASE):
        path = urlsplit(url)._replace(scheme="", netloc="").geturl()
        auth = headers if urlsplit(url).path.startswith("/api/") else {}
        return client.request(method, path, headers=auth, follow_redirects=False)
    return httpx.request(method, url, timeout=10)


def _resolve(client: TestClient, url: str, headers: dict[str, str], method: str = "GET") -> tuple[int, int, str]:
    """(first status, final status, final URL), following up to 5 redirects."""
    first = None
    for _ in range(6):
        r = _fetch(client, method, url, headers)
        first = first or r.status_code
        if r.status_code not in (301, 302, 303, 307, 308):
            return first, r.status_code, url
        location = r.headers["location"]
        url = location if location.startswith("http") else BASE + location
    raise AssertionError(f"redirect loop from {url}")


def _xmp_web_statement(data: bytes) -> str | None:
    start, end = data.find(b"<x:xmpmeta"), data.find(b"</x:xmpmeta>")
    if start < 0 or end < 0:
        return None
    root = fromstring(data[start:end + len(b"</x:xmpmeta>")])
    found = root.find(f".//{XMP_RIGHTS}WebStatement")
    return found.text if found is not None else None


def _download(client: TestClient, url: str, headers: dict[str, str]) -> bytes:
    for _ in range(4):
        r = _fetch(client, "GET", url, headers)
        if r.status_code in (302, 307):
            url = r.headers["location"] if r.headers["location"].startswith("http") else BASE + r.headers["location"]
            continue
        assert r.status_code == 200, (url, r.status_code)
        return r.content
    raise AssertionError(url)


@pytest.mark.slow
def test_every_emitted_link_resolves(client: TestClient, factory: Factory, publisher: Publisher,
                                     tmp_path: Path, receiver: Receiver) -> None:
    org = factory.org()
    _, hooks = api_key(factory, scopes=["assets:read", "webhooks:manage"])
    sub = client.post("/api/v1/webhooks/subscriptions", headers=hooks,
                      json={"url": receiver.url, "events": ["asset.published", "asset.withdrawn"]}).json()
    image = publisher.publish(org_code=org, title="Nghị quyết 71-NQ/TW: Đột phá", topics=["chuyen-doi-so"],
                              audiences=["hoc-sinh"], credit="Vụ Truyền thông", copyright_notice="© Bộ GDĐT",
                              renditions=[Rend("web-image", "800-jpeg", jpeg((160, 90), 11), "image/jpeg", 160, 90)])
    audio = unique_mp3()
    podcast = publisher.publish(org_code=org, kind="podcast", content=audio, filename="tap.mp3", title="Tập 1",
                                topics=["chuyen-doi-so"],
                                renditions=[Rend("podcast", "mp3-128k", audio, "audio/mpeg", duration=2.0)])
    _add_caption(podcast)
    gone = publisher.publish(org_code=org, title="Sẽ thu hồi", topics=["chuyen-doi-so"])
    slug = f"crawl-{org[-8:].lower()}"
    assert client.post("/api/v1/kits", json={"slug": slug, "title": "Bộ 20/11", "items": [
        {"asset_id": image, "profile": "web-image"}, {"asset_id": gone}]},
        headers=factory.headers("producer", org)).status_code == 201
    set_status(gone, "withdrawn", "Sai số liệu")
    _, key = api_key(factory, rate=100_000)
    found = Found()

    _deliver_webhooks()
    for request in receiver.requests:
        payload = Webhook(sub["secret"]).verify(request.body, request.headers)
        if payload["data"]["asset_id"] in (image, podcast, gone):
            for url in _strings(payload["data"]):
                found.add("webhook", url)

    atom = client.get(f"/feeds/orgs/{org}.atom").content
    parsed = feedparser.parse(atom)
    assert not parsed.bozo, parsed.bozo_exception
    for link in parsed.feed.links:
        found.add("atom", link.href)
    for entry in parsed.entries:
        for link in entry.links:
            found.add("atom", link.href)
        for tag in entry.get("tags", []):
            found.add("atom", tag.scheme or "")
    _xml_sweep(found, "atom", atom)

    rss = client.get(f"/feeds/podcast.rss?org={org}").content
    parsed = feedparser.parse(rss)
    assert not parsed.bozo, parsed.bozo_exception
    found.add("rss", parsed.feed.link)
    found.add("rss", parsed.feed.image.href)
    for entry in parsed.entries:
        found.add("rss", entry.link)
        for enclosure in entry.enclosures:
            found.add("rss", enclosure.href)
    _xml_sweep(found, "rss", rss)

    for url in _strings(client.get(f"/feeds/feed.json?org={org}").json()):
        found.add("json-feed", url)

    items = [client.get(f"/api/v1/news/items/{i}", headers=key).json() for i in (image, podcast, gone)]
    for item in items:
        assert not ninjs_errors(item), item["uri"]
        for url in _strings(item):
            found.add("ninjs", url)

    rendition = next(r["href"] for r in items[0]["renditions"] if r["name"] == "web-image/800-jpeg")
    statement = _xmp_web_statement(_download(client, rendition, key))
    assert statement is not None
    found.add("xmp", statement)
    original = next(r["href"] for r in items[0]["renditions"] if r["name"] == "original")
    png_statement = _xmp_web_statement(_download(client, original, key))
    assert png_statement is not None
    found.add("xmp", png_statement)
    episode = tmp_path / "episode.mp3"
    episode.write_bytes(_download(client, f"{BASE}/feeds/podcast/{podcast}.mp3", {}))
    for frame in ID3(episode).getall("WOAS") + ID3(episode).getall("WXXX"):
        found.add("id3", frame.url)

    kit = zipfile.ZipFile(io.BytesIO(client.get(f"/api/v1/kits/{slug}.zip", headers=key).content))
    for url in _strings(json.loads(kit.read("manifest.json"))):
        found.add("kit-manifest", url)
    for url in re.findall(r"https?://[^\s)]+", kit.read("README.txt").decode("utf-8")):
        found.add("kit-readme", url)

    sources = {s for srcs in found.links.values() for s in srcs}
    assert sources == {"atom", "rss", "json-feed", "ninjs", "webhook", "xmp", "id3", "kit-manifest", "kit-readme"}
    assert {u for u in found.links if not _ours(u)} == SPEC_URIS
    for url in found.links:  # canonical forms only: no emitted link relies on a redirect from an old form
        assert not urlsplit(url).path.startswith(("/assets/", "/kits/")), (url, found.links[url])
    gone_page = f"{BASE}/tai-nguyen/{gone}"
    assert gone_page in found.links and f"{BASE}/tai-nguyen/{image}" in found.links
    assert f"{BASE}/bo-suu-tap/{slug}" in found.links
    results = {}
    for url, srcs in sorted(found.links.items()):
        if url in SPEC_URIS:
            continue
        first, final, where = _resolve(client, url, key)
        results[url] = final
        expected = 410 if url == gone_page else 200
        assert final == expected, (url, sorted(srcs), first, final, where)
        if urlsplit(url).path.startswith(("/tai-nguyen/", "/bo-suu-tap/")):
            assert first == final, (url, first)  # a public page, not a sign-in redirect
        assert _resolve(client, url, key, "HEAD")[1] == expected, url
    assert len(results) >= 15, results


def test_old_forms_redirect_to_the_canonical_urls(client: TestClient, factory: Factory,
                                                  publisher: Publisher) -> None:
    org = factory.org()
    image = publisher.publish(org_code=org, title="Cũ và mới")
    slug = f"cu-{org[-8:].lower()}"
    assert client.post("/api/v1/kits", json={"slug": slug, "title": "Bộ", "items": [{"asset_id": image}]},
                       headers=factory.headers("producer", org)).status_code == 201
    for old, new in ((f"/assets/{image}", f"/tai-nguyen/{image}"), (f"/kits/{slug}", f"/bo-suu-tap/{slug}")):
        r = client.get(old, follow_redirects=False)
        assert r.status_code == 301 and r.headers["location"] == BASE + new
        assert client.get(new).status_code == 200
    page = client.get(f"/tai-nguyen/{image}").text
    assert "Cũ và mới" in page and "Đơn vị thử" in page
    draft = publisher.upload(org_code=org, title="Bản nháp bí mật")
    hidden = client.get(f"/tai-nguyen/{draft}", follow_redirects=False)
    assert hidden.status_code == 303 and "Bản nháp bí mật" not in hidden.text  # members only
    term = client.get("/vocab/topic/chuyen-doi-so")
    assert term.status_code == 200 and term.json()["uri"] == f"{BASE}/vocab/topic/chuyen-doi-so"
    assert client.get("/vocab/topic/khong-co").status_code == 404
