"""Feeds: Atom per topic/audience/organisation/kind with tombstones, JSON Feed 1.1, podcast RSS with
every required Apple tag and the Podcasting 2.0 tags, episodes with ID3 rights."""

from __future__ import annotations

import io
import uuid
from pathlib import Path
from xml.etree import ElementTree as ET

import feedparser
from fastapi.testclient import TestClient
from mutagen.id3 import ID3

from tests.conftest import Factory
from tests.service.publication.helpers import Publisher, Rend, mp3, set_status
from tests.service.publication.test_news import _fetch_signed

AT = "{http://purl.org/atompub/tombstones/1.0}"
ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
PODCAST = "{https://podcastindex.org/namespace/1.0}"


def _ids(parsed: feedparser.FeedParserDict) -> set[str]:
    return {e.id.removeprefix("urn:uuid:") for e in parsed.entries}


def test_atom_feeds_filter_and_mark_withdrawn(client: TestClient, factory: Factory, publisher: Publisher) -> None:
    parent = factory.org("province")
    child = factory.org("department", parent_code=parent)
    a = publisher.publish(org_code=child, title="Ngày Nhà giáo 20/11", topics=["ngay-nha-giao"],
                          audiences=["hoc-sinh"], copyright_notice="© Sở GDĐT")
    b = publisher.publish(org_code=parent, topics=["chuyen-doi-so"], audiences=["nha-giao"])
    draft = publisher.upload(org_code=child, topics=["ngay-nha-giao"])

    by_topic = feedparser.parse(client.get("/feeds/topics/ngay-nha-giao.atom").content)
    assert not by_topic.bozo, by_topic.bozo_exception
    assert a in _ids(by_topic) and b not in _ids(by_topic) and draft not in _ids(by_topic)
    entry = next(e for e in by_topic.entries if a in e.id)
    assert entry.title == "Ngày Nhà giáo 20/11" and entry.rights == "© Sở GDĐT"
    assert {t.term for t in entry.tags} >= {"ngay-nha-giao", "hoc-sinh"}
    assert a in _ids(feedparser.parse(client.get("/feeds/audiences/hoc-sinh.atom").content))
    org_feed = feedparser.parse(client.get(f"/feeds/orgs/{parent}.atom").content)
    assert {a, b} <= _ids(org_feed)  # the subtree
    assert _ids(feedparser.parse(client.get(f"/feeds/orgs/{child}.atom").content)) == {a}
    assert a in _ids(feedparser.parse(client.get("/feeds/kinds/infographic.atom").content))
    assert client.get("/feeds/kinds/banana.atom").status_code == 422

    set_status(a, "withdrawn", "Sai số liệu")
    r = client.get(f"/feeds/orgs/{child}.atom")
    assert a not in _ids(feedparser.parse(r.content))
    tombs = ET.fromstring(r.content).findall(f"{AT}deleted-entry")
    assert [t.get("ref") for t in tombs] == [f"urn:uuid:{a}"]
    assert tombs[0].findtext(f"{AT}comment") == "Sai số liệu"
    again = client.get(f"/feeds/orgs/{child}.atom", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304

    feed = client.get(f"/feeds/feed.json?org={child}")
    assert feed.headers["content-type"].startswith("application/feed+json")
    body = feed.json()
    assert body["version"] == "https://jsonfeed.org/version/1.1"
    withdrawn = [i for i in body["items"] if i["_kho"]["withdrawn"]]
    assert [i["_kho"]["asset_id"] for i in withdrawn] == [a]
    # feedparser 6.0 reads no JSON Feed: check the 1.1 required members directly.
    assert body["title"] and all(isinstance(i["id"], str) and ("content_text" in i or "content_html" in i)
                                 for i in body["items"])


def test_podcast_feed_has_every_apple_and_podcasting20_tag(client: TestClient, factory: Factory,
                                                            publisher: Publisher, tmp_path: Path) -> None:
    org = factory.org()
    audio = mp3()
    episode = publisher.publish(org_code=org, kind="podcast", content=audio, filename="tap1.mp3",
                                title="Podcast: Nghị quyết 71 và nhà giáo", summary="Tập 1",
                                copyright_notice="© 2026 Bộ GDĐT", licence="CC-BY-4.0",
                                renditions=[Rend("podcast", "mp3", audio, "audio/mpeg", duration=2.0)])
    _add_caption(episode)
    r = client.get(f"/feeds/podcast.rss?org={org}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/rss+xml")
    parsed = feedparser.parse(r.content)
    assert not parsed.bozo, parsed.bozo_exception
    # Apple's required channel tags
    assert parsed.feed.title and parsed.feed.subtitle and parsed.feed.language == "vi"
    assert parsed.feed.image.href.endswith("/feeds/podcast/cover.jpg")
    assert parsed.feed.tags[0].term == "Education"
    channel = ET.fromstring(r.content).find("channel")
    assert channel is not None
    for tag in ("title", "description", "language", f"{ITUNES}image", f"{ITUNES}category", f"{ITUNES}explicit",
                f"{ITUNES}author", f"{ITUNES}owner", "link", f"{PODCAST}guid", f"{PODCAST}license",
                f"{PODCAST}locked"):
        assert channel.find(tag) is not None, tag
    assert uuid.UUID(channel.findtext(f"{PODCAST}guid") or "").version == 5
    assert channel.findtext(f"{ITUNES}explicit") == "false"  # Apple's current values: true | false
    # Apple's required episode tags
    (item,) = parsed.entries
    assert item.title == "Podcast: Nghị quyết 71 và nhà giáo" and item.id == f"urn:uuid:{episode}"
    enclosure = item.enclosures[0]
    assert enclosure.type == "audio/mpeg"
    assert item.itunes_duration == "00:00:02"
    raw_item = channel.find("item")
    assert raw_item is not None and raw_item.findtext(f"{ITUNES}explicit") == "false"
    transcript = raw_item.find(f"{PODCAST}transcript")
    assert transcript is not None and transcript.get("type") == "text/vtt"
    assert raw_item.findtext(f"{PODCAST}license") == "CC-BY-4.0"

    cover = client.get("/feeds/podcast/cover.jpg")
    from PIL import Image

    assert Image.open(io.BytesIO(cover.content)).size == (1400, 1400)
    path = enclosure.href.split("testserver", 1)[-1]
    redirect = client.get(path, follow_redirects=False)
    assert redirect.status_code == 302
    got = _fetch_signed(client, redirect.headers["location"])
    assert got.status_code == 200
    assert int(enclosure.length) == len(got.content)  # the bytes served, rights tags included
    file = tmp_path / "ep.mp3"
    file.write_bytes(got.content)
    tags = ID3(file)
    assert str(tags["TCOP"]) == "© 2026 Bộ GDĐT" and str(tags["TIT2"]) == "Podcast: Nghị quyết 71 và nhà giáo"
    assert str(tags["TPE1"]).startswith("Đơn vị thử")
    vtt = client.get(f"/feeds/podcast/{episode}.vtt", follow_redirects=False)
    assert vtt.status_code == 302
    assert _fetch_signed(client, vtt.headers["location"]).text.startswith("WEBVTT")


def _add_caption(asset_id: str) -> None:
    from service.core.db import unit_of_work
    from service.core.runtime import get_store
    from service.models import Asset, Version

    key = f"captions/test/{uuid.uuid4().hex}.vtt"
    text = "WEBVTT\n\n00:00.000 --> 00:02.000\nXin chào thầy cô.\n".encode()
    get_store().put(key, io.BytesIO(text), size=len(text), content_type="text/vtt")
    with unit_of_work() as session:
        asset = session.get(Asset, uuid.UUID(asset_id))
        assert asset is not None
        version = session.get(Version, asset.current_version_id)
        assert version is not None
        version.caption_key = key
