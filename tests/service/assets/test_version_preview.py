"""Reviewers see what they approve: the renditions of a published asset's pending version, through the
version's own routes and on the review page, while the public, newsroom clients and share links keep
getting only the live version. Real upload, processing (Pillow, ffmpeg-free images) and storage."""

from __future__ import annotations

import hashlib
import html as html_lib
import io
import json
import os
import re
import uuid

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from tests.conftest import Factory
from tests.service.assets.media import meta, multipart
from tests.service.workflow.wf_support import process_latest
from tests.web.conftest import another, sign_in

RED, BLUE = (225, 20, 20), (20, 20, 225)


def _picture(colour: tuple[int, int, int], size: tuple[int, int]) -> bytes:
    """A flat picture of one colour, with a few random pixels so no other test uploaded the same bytes."""
    img = Image.new("RGB", size, colour)
    for i, byte in enumerate(os.urandom(6)):
        img.putpixel((i, 0), (byte, byte, byte))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _colour(content: bytes) -> tuple[int, int, int]:
    img = Image.open(io.BytesIO(content)).convert("RGB")
    r, g, b = img.getpixel((img.width // 2, img.height // 2))  # type: ignore[misc]
    return int(r), int(g), int(b)


def _near(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
    return all(abs(x - y) < 40 for x, y in zip(a, b, strict=True))


def _files(listing: dict) -> dict[tuple[str, str], dict]:
    return {(p["profile"], r["spec"]): r for p in listing["profiles"] for r in p["renditions"]}


def _published_with_pending(client: TestClient, factory: Factory) -> tuple[str, str, dict[str, dict[str, str]]]:
    """A published red infographic with a pending blue version 2, both processed. Returns (asset id,
    organisation code, headers by role)."""
    org = factory.org()
    h = {role: factory.headers(role, org) for role in ("producer", "reviewer", "staff")}
    h["other_producer"] = factory.headers("producer")
    h["other_reviewer"] = factory.headers("reviewer")
    body, ctype = multipart(meta(alt_text="Ảnh đỏ"), "do.png", _picture(RED, (400, 300)))
    r = client.post("/api/v1/assets", content=body, headers={**h["producer"], "Content-Type": ctype})
    assert r.status_code == 201, r.text
    asset_id = r.json()["id"]
    assert client.post(f"/api/v1/assets/{asset_id}/submit", json={}, headers=h["producer"]).status_code == 200
    assert process_latest(asset_id) == "succeeded"
    r = client.post(f"/api/v1/assets/{asset_id}/approve", json={}, headers=h["reviewer"])
    assert r.status_code == 200 and r.json()["status"] == "published", r.text
    proposal = json.dumps({"summary": "Tóm tắt của phiên bản xanh", "alt_text": "Ảnh xanh"}, ensure_ascii=False)
    body, ctype = multipart(proposal, "xanh.png", _picture(BLUE, (360, 300)))
    r = client.post(f"/api/v1/assets/{asset_id}/versions", content=body,
                    headers={**h["producer"], "Content-Type": ctype})
    assert r.status_code == 201 and r.json()["number"] == 2, r.text
    assert process_latest(asset_id) == "succeeded"
    assert client.post(f"/api/v1/assets/{asset_id}/submit", json={}, headers=h["producer"]).status_code == 200
    return asset_id, org, h


def _newsroom_headers(org: str) -> dict[str, str]:
    from service.auth import service as auth_service
    from service.core.db import unit_of_work
    from service.orgs import repository

    with unit_of_work() as session:
        found = repository.by_code(session, org)
        assert found is not None
        created = auth_service.create_api_key(session, name=f"Báo {uuid.uuid4().hex[:6]}", organisation_id=found.id,
                                              scopes=["assets:read", "assets:download"])
    return {"Authorization": f"Bearer {created.key}"}


@pytest.mark.slow
def test_reviewer_gets_the_pending_version_and_nobody_else_does(client: TestClient, factory: Factory) -> None:
    asset_id, org, h = _published_with_pending(client, factory)
    live = client.get(f"/api/v1/assets/{asset_id}/renditions", headers=h["staff"]).json()
    live_files = _files(live)
    key = next(k for k in sorted(live_files) if k[0] == "web-image" and live_files[k]["media_type"] == "image/jpeg")

    for role in ("reviewer", "producer"):  # the reviewers and the producing organisation
        listing = client.get(f"/api/v1/assets/{asset_id}/versions/2/renditions", headers=h[role])
        assert listing.status_code == 200, listing.text
        body = listing.json()
        assert body["version_id"] != live["version_id"]
        pending_files = _files(body)
        assert key in pending_files
        pending = pending_files[key]
        assert pending["download_url"] == f"/api/v1/assets/{asset_id}/versions/2/renditions/{pending['id']}"
        got = client.get(pending["download_url"], headers=h[role])
        assert got.status_code == 200, got.text
        old = client.get(live_files[key]["download_url"], headers=h[role])
        assert old.status_code == 200
        # The reviewer's bytes are the new upload's rendition (blue, its own width), not the live one's.
        assert hashlib.sha256(got.content).hexdigest() != hashlib.sha256(old.content).hexdigest()
        assert _near(_colour(got.content), BLUE) and _near(_colour(old.content), RED)
        assert got.headers["content-length"] == str(pending["size"])

    # The live version stays what everyone gets from the asset's own routes.
    assert client.get(f"/api/v1/assets/{asset_id}/renditions", headers=h["reviewer"]).json()["version_id"] == \
        live["version_id"]
    pending = _files(client.get(f"/api/v1/assets/{asset_id}/versions/2/renditions", headers=h["reviewer"]).json())[key]
    newsroom = _newsroom_headers(factory.org())
    for who in (h["staff"], newsroom, h["other_producer"], h["other_reviewer"]):
        for path in (f"/api/v1/assets/{asset_id}/versions/2/renditions", pending["download_url"],
                     f"/api/v1/assets/{asset_id}/renditions/{pending['id']}"):
            r = client.get(path, headers=who)
            assert r.status_code in (403, 404), (path, r.status_code)
            assert r.headers["content-type"].startswith("application/problem+json")
        # ...and the live version through the same version route is what they already had.
        r = client.get(f"/api/v1/assets/{asset_id}/versions/1/renditions", headers=who)
        assert r.status_code == 200 and r.json()["version_id"] == live["version_id"], r.text
    assert client.get(f"/api/v1/assets/{asset_id}/versions/2/renditions").status_code == 401
    assert client.get(f"/api/v1/assets/{asset_id}/versions/9/renditions", headers=h["reviewer"]).status_code == 404


def _section(html: str, heading_id: str) -> str:
    match = re.search(rf'aria-labelledby="{heading_id}".*?</section>', html, re.S)
    assert match, heading_id
    return match.group(0)


def _fetch(web: TestClient, url: str) -> bytes:
    """A signed URL: this app's /objects/ route (local store) or the S3 test server."""
    import httpx

    url = html_lib.unescape(url)
    r = web.get(url.replace("http://testserver", "")) if url.startswith("http://testserver") else httpx.get(url)
    assert r.status_code == 200, (url, r.status_code)
    return r.content


@pytest.mark.slow
def test_review_page_shows_the_pending_version_files(client: TestClient, factory: Factory) -> None:
    asset_id, org, _ = _published_with_pending(client, factory)
    web = another(client)
    sign_in(web, factory, "reviewer", org)
    page = web.get(f"/duyet/{asset_id}")
    assert page.status_code == 200, page.text
    # The player and every picture in the file list are version 2's renditions (blue), not the live ones.
    for heading in ("preview-heading", "renditions-heading"):
        sources = re.findall(r'<img src="([^"]+)"', _section(page.text, heading))
        assert sources, heading
        for url in sources:
            assert _near(_colour(_fetch(web, url)), BLUE), (heading, url)
    # ...beside the metadata that version proposes, not the live ones.
    meta = _section(page.text, "meta-heading")
    assert "Tóm tắt của phiên bản xanh" in meta and "Ảnh xanh" in meta and "Ảnh đỏ" not in meta
    # The page the public sees still shows the live picture and text.
    public = another(client)
    sign_in(public, factory, "staff", org)
    live_page = public.get(f"/tai-nguyen/{asset_id}").text
    hero = re.search(r'<img src="([^"]+)"[^>]*class="hero', live_page)
    assert hero and _near(_colour(_fetch(public, hero.group(1))), RED)
    assert "Tóm tắt của phiên bản xanh" not in live_page
