"""The podcast feed against the rules Apple publishes for podcast RSS (podcasters.apple.com, "Podcast RSS
feed requirements") and the Podcasting 2.0 namespace, and each enclosure against what its URL serves:
same type, same length byte for byte, HEAD and byte ranges answered, a real duration. An episode whose
MP3 rendition does not exist yet is not listed."""

from __future__ import annotations

import io
import re
import uuid
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

import feedparser
import httpx
from fastapi.testclient import TestClient
from mutagen.mp3 import MP3
from PIL import Image

from tests.conftest import Factory
from tests.service.publication.helpers import Publisher, Rend, unique_mp3

ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
PODCAST = "{https://podcastindex.org/namespace/1.0}"
# Apple: required channel tags, required episode tags, accepted enclosure types, artwork limits.
CHANNEL_REQUIRED = ("title", "description", f"{ITUNES}image", "language", f"{ITUNES}category", f"{ITUNES}explicit")
ITEM_REQUIRED = ("title", "enclosure", "guid")
ENCLOSURE_TYPES = {"audio/x-m4a", "audio/mpeg", "video/quicktime", "video/mp4", "video/x-m4v", "application/pdf"}
ARTWORK_MIN, ARTWORK_MAX = 1400, 3000
APPLE_CATEGORIES = {"Arts", "Business", "Comedy", "Education", "Fiction", "Government", "History",
                    "Health & Fitness", "Kids & Family", "Leisure", "Music", "News", "Religion & Spirituality",
                    "Science", "Society & Culture", "Sports", "Technology", "True Crime", "TV & Film"}
DURATION = re.compile(r"^(\d+|\d{1,2}:\d{2}|\d+:\d{2}:\d{2})$")


def _seconds(text: str) -> int:
    total = 0
    for part in text.split(":"):
        total = total * 60 + int(part)
    return total


def _request(client: TestClient, method: str, url: str, headers: dict[str, str] | None = None) -> httpx.Response:
    """Follow redirects the way a podcast app does, onto the object store when the link points there."""
    for _ in range(5):
        if url.startswith("http://testserver"):
            r = client.request(method, urlsplit(url)._replace(scheme="", netloc="").geturl(), headers=headers,
                               follow_redirects=False)
        else:
            r = httpx.request(method, url, headers=headers, timeout=10)
        if r.status_code not in (301, 302, 303, 307, 308):
            return r
        url = r.headers["location"] if r.headers["location"].startswith("http") else \
            "http://testserver" + r.headers["location"]
    raise AssertionError("too many redirects")


def test_podcast_feed_meets_apple_requirements(client: TestClient, factory: Factory, publisher: Publisher,
                                               tmp_path: Path) -> None:
    org = factory.org()
    audio = unique_mp3()
    ready = publisher.publish(org_code=org, kind="podcast", content=audio, filename="tap1.mp3", title="Tập 1",
                              summary="Nghị quyết 71 và nhà giáo", copyright_notice="© 2026 Bộ GDĐT",
                              renditions=[Rend("podcast", "m4a", audio[:1000], "audio/mp4", duration=2.0),
                                          Rend("podcast", "mp3-128k", audio, "audio/mpeg", duration=2.0)])
    # approved while processing still ran: only the uploaded MP3 exists, no rendition yet
    early = publisher.publish(org_code=org, kind="podcast", content=unique_mp3(), filename="tap2.mp3", title="Tập 2")

    r = client.get(f"/feeds/podcast.rss?org={org}")
    assert r.status_code == 200
    parsed = feedparser.parse(r.content)
    assert not parsed.bozo, parsed.bozo_exception
    channel = ET.fromstring(r.content).find("channel")
    assert channel is not None
    for tag in CHANNEL_REQUIRED:
        element = channel.find(tag)
        assert element is not None and (element.text or element.attrib), tag
    category = channel.find(f"{ITUNES}category")
    assert category is not None and category.get("text") in APPLE_CATEGORIES and not (category.text or "").strip()
    assert channel.findtext(f"{ITUNES}explicit") in ("true", "false")
    assert channel.findtext(f"{ITUNES}type") in ("episodic", "serial")
    assert uuid.UUID(channel.findtext(f"{PODCAST}guid") or "").version == 5
    image = channel.find(f"{ITUNES}image")
    assert image is not None
    art = Image.open(io.BytesIO(_request(client, "GET", image.get("href") or "").content))
    assert art.format in ("JPEG", "PNG") and art.mode == "RGB" and art.width == art.height
    assert ARTWORK_MIN <= art.width <= ARTWORK_MAX

    items = channel.findall("item")
    assert [e.id for e in parsed.entries] == [f"urn:uuid:{ready}"]  # the unprocessed episode waits
    assert early not in r.text
    for item in items:
        for tag in ITEM_REQUIRED:
            assert item.find(tag) is not None, tag
        enclosure = item.find("enclosure")
        assert enclosure is not None
        url, length, kind = enclosure.get("url") or "", int(enclosure.get("length") or -1), enclosure.get("type")
        assert kind in ENCLOSURE_TYPES
        got = _request(client, "GET", url)
        assert got.status_code == 200
        assert got.headers["content-type"].split(";")[0] == kind
        assert len(got.content) == length == int(got.headers["content-length"])  # byte for byte
        head = _request(client, "HEAD", url)
        assert head.status_code == 200 and int(head.headers["content-length"]) == length and head.content == b""
        part = _request(client, "GET", url, {"Range": "bytes=0-99"})
        assert part.status_code == 206 and part.content == got.content[:100]
        duration = item.findtext(f"{ITUNES}duration") or ""
        assert DURATION.match(duration) and _seconds(duration) > 0
        served = tmp_path / "episode.mp3"
        served.write_bytes(got.content)
        assert abs(_seconds(duration) - MP3(served).info.length) <= 1.0
