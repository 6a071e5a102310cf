"""Kits: CRUD, the streamed ZIP (chosen profile per asset, rights inside, Vietnamese README), only
live assets, and the ZIP writer itself with ZIP64-sized entries."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from PIL import Image

from tests.conftest import Factory
from tests.service.publication.helpers import Publisher, Rend, api_key, jpeg, set_status


def test_kit_crud_and_streamed_zip(client: TestClient, factory: Factory, publisher: Publisher) -> None:
    org = factory.org()
    producer = factory.headers("producer", org)
    a = publisher.publish(org_code=org, title="Áp phích Ngày Nhà giáo", credit="Nhóm thiết kế",
                          copyright_notice="© 2026 Sở GDĐT", usage_terms="Không chỉnh sửa nội dung.",
                          renditions=[Rend("web-image", "800-jpeg", jpeg((200, 100), 3), "image/jpeg", 200, 100)])
    b = publisher.publish(org_code=org, title="Infographic tuyển sinh")
    c = publisher.publish(org_code=org, title="Sẽ bị thu hồi")
    draft = publisher.upload(org_code=org, title="Bản nháp")
    slug = f"ngay-nha-giao-{org[-8:].lower()}"
    body = {"slug": slug, "title": "Ngày Nhà giáo Việt Nam 20/11", "description": "Bộ sản phẩm cho 20/11",
            "items": [{"asset_id": a, "profile": "web-image"}, {"asset_id": b}, {"asset_id": c},
                      {"asset_id": draft}]}
    r = client.post("/api/v1/kits", json=body, headers=producer)
    assert r.status_code == 201, r.text
    assert client.post("/api/v1/kits", json=body, headers=producer).json()["code"] == "kit_slug_taken"
    assert client.patch(f"/api/v1/kits/{slug}", json={"title": "x"}, headers=factory.headers("producer")
                        ).status_code == 403
    set_status(c, "withdrawn")

    _, key = api_key(factory)
    with client.stream("GET", f"/api/v1/kits/{slug}.zip", headers=key) as resp:
        assert resp.status_code == 200 and resp.headers["content-type"] == "application/zip"
        assert "content-length" not in resp.headers  # streamed, not buffered
        data = b"".join(resp.iter_bytes())
    zf = zipfile.ZipFile(io.BytesIO(data))
    assert zf.testzip() is None
    names = zf.namelist()
    assert names[0] == "README.txt" and names[-1] == "manifest.json"
    assert len(names) == 4  # withdrawn and draft assets are left out of the files…
    assert names[1] == "01 - Áp phích Ngày Nhà giáo.jpg" and names[2].startswith("02 - Infographic tuyển sinh")
    readme = zf.read("README.txt").decode("utf-8")
    for text in ("BỘ TÀI LIỆU TRUYỀN THÔNG: Ngày Nhà giáo Việt Nam 20/11", "Áp phích Ngày Nhà giáo",
                 "Ghi công: Nhóm thiết kế", "Bản quyền: © 2026 Sở GDĐT", "Điều kiện sử dụng: Không chỉnh sửa"):
        assert text in readme
    assert "Bản nháp" not in readme
    assert "ĐÃ THU HỒI" in readme and "Sẽ bị thu hồi" in readme  # …and the withdrawal is said, not hidden
    manifest = json.loads(zf.read("manifest.json"))
    files = {f["asset_id"]: f for f in manifest["files"]}
    assert list(files) == [a, b]
    for f in manifest["files"]:
        content = zf.read(f["path"])
        assert f["sha256"] == hashlib.sha256(content).hexdigest() and f["size"] == len(content)
    assert files[a]["rights"]["copyright"] == "© 2026 Sở GDĐT" and files[a]["rights"]["credit"] == "Nhóm thiết kế"
    assert files[a]["url"] == f"http://testserver/tai-nguyen/{a}" and files[a]["profile"] == "web-image"
    assert files[a]["media_type"] == "image/jpeg" and files[a]["title"] == "Áp phích Ngày Nhà giáo"
    assert manifest["kit"]["url"] == f"http://testserver/bo-suu-tap/{slug}"
    gone = {m["asset_id"]: m for m in manifest["not_included"]}
    assert gone[c]["status"] == "withdrawn" and gone[c]["reason"] == "Số liệu đã cũ" and gone[c]["title"]
    assert gone[draft] == {"asset_id": draft, "status": "not_published"}  # a draft's title stays private
    img = Image.open(io.BytesIO(zf.read(names[1])))
    assert img.size == (200, 100) and "© 2026 Sở GDĐT" in img.info["xmp"].decode("utf-8")
    # Each file delivered is a download by the key's client (one write for the whole kit); the withdrawn
    # asset, not delivered, is not.
    for asset_id, delivered in ((a, True), (b, True), (c, False)):
        r = client.get(f"/api/v1/assets/{asset_id}/downloaders", headers=producer)
        assert r.status_code == 200, r.text
        assert len(r.json()["api_clients"]) == (1 if delivered else 0), (asset_id, r.json())

    r = client.patch(f"/api/v1/kits/{slug}", json={"items": [{"asset_id": b}]}, headers=producer)
    assert [i["asset_id"] for i in r.json()["items"]] == [b]
    assert client.delete(f"/api/v1/kits/{slug}", headers=producer).status_code == 204
    assert client.get(f"/api/v1/kits/{slug}", headers=producer).status_code == 404


def test_a_kit_without_downloadable_assets_is_refused(client: TestClient, factory: Factory,
                                                      publisher: Publisher) -> None:
    org = factory.org()
    producer = factory.headers("producer", org)
    draft = publisher.upload(org_code=org, title="Bản nháp")
    live = publisher.publish(org_code=org, title="Đã phát hành")
    slug = f"rong-{org[-8:].lower()}"
    empty = client.post("/api/v1/kits", json={"slug": slug, "title": "Rỗng", "items": []}, headers=producer)
    assert empty.status_code == 422 and empty.json()["code"] == "kit_no_items"
    assert empty.headers["content-type"].startswith("application/problem+json")
    drafts = client.post("/api/v1/kits", json={"slug": slug, "title": "Nháp", "items": [{"asset_id": draft}]},
                         headers=producer)
    assert drafts.status_code == 409 and drafts.json()["code"] == "kit_empty"
    assert client.get(f"/api/v1/kits/{slug}", headers=producer).status_code == 404  # nothing half-written
    ok = client.post("/api/v1/kits", json={"slug": slug, "title": "Có", "items": [{"asset_id": live}]},
                     headers=producer)
    assert ok.status_code == 201
    emptied = client.patch(f"/api/v1/kits/{slug}", json={"items": []}, headers=producer)
    assert emptied.status_code == 422
    assert client.get(f"/api/v1/kits/{slug}", headers=producer).json()["items"] == [{"asset_id": live,
                                                                                     "profile": None}]


def test_zip_writer_streams_in_chunks_and_marks_zip64() -> None:
    from service.kits.zipstream import ZipMember, stream_zip

    chunk = b"x" * 65536
    members = [ZipMember("a.bin", 64 * len(chunk), datetime(2026, 11, 20, tzinfo=UTC), lambda: [chunk] * 64),
               ZipMember("big.bin", 2**32, datetime(2026, 11, 20, tzinfo=UTC), lambda: [b"y" * 10])]
    parts = list(stream_zip(members))
    assert len(parts) > 64 and max(len(p) for p in parts) <= len(chunk) + 512
    zf = zipfile.ZipFile(io.BytesIO(b"".join(parts)))
    assert zf.read("a.bin") == chunk * 64 and zf.read("big.bin") == b"y" * 10
