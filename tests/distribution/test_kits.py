"""Kits: CRUD, the streamed ZIP (chosen profile per asset, rights inside, Vietnamese README), only
live assets, and the ZIP writer itself with ZIP64-sized entries."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from PIL import Image

from tests.api.conftest import Factory
from tests.distribution.helpers import Publisher, Rend, api_key, jpeg, set_status


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
    assert names[0] == "README.txt" and len(names) == 3  # withdrawn and draft assets are left out
    assert names[1] == "01 - Áp phích Ngày Nhà giáo.jpg" and names[2].startswith("02 - Infographic tuyển sinh")
    readme = zf.read("README.txt").decode("utf-8")
    for text in ("BỘ TÀI LIỆU TRUYỀN THÔNG: Ngày Nhà giáo Việt Nam 20/11", "Áp phích Ngày Nhà giáo",
                 "Ghi công: Nhóm thiết kế", "Bản quyền: © 2026 Sở GDĐT", "Điều kiện sử dụng: Không chỉnh sửa"):
        assert text in readme
    assert "Sẽ bị thu hồi" not in readme and "Bản nháp" not in readme
    img = Image.open(io.BytesIO(zf.read(names[1])))
    assert img.size == (200, 100) and "© 2026 Sở GDĐT" in img.info["xmp"].decode("utf-8")

    r = client.patch(f"/api/v1/kits/{slug}", json={"items": [{"asset_id": b}]}, headers=producer)
    assert [i["asset_id"] for i in r.json()["items"]] == [b]
    assert client.delete(f"/api/v1/kits/{slug}", headers=producer).status_code == 204
    assert client.get(f"/api/v1/kits/{slug}", headers=producer).status_code == 404


def test_zip_writer_streams_in_chunks_and_marks_zip64() -> None:
    from service.kits.zipstream import ZipMember, stream_zip

    chunk = b"x" * 65536
    members = [ZipMember("a.bin", 64 * len(chunk), datetime(2026, 11, 20, tzinfo=UTC), lambda: [chunk] * 64),
               ZipMember("big.bin", 2**32, datetime(2026, 11, 20, tzinfo=UTC), lambda: [b"y" * 10])]
    parts = list(stream_zip(members))
    assert len(parts) > 64 and max(len(p) for p in parts) <= len(chunk) + 512
    zf = zipfile.ZipFile(io.BytesIO(b"".join(parts)))
    assert zf.read("a.bin") == chunk * 64 and zf.read("big.bin") == b"y" * 10
