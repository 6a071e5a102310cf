"""The focal point keeps the headline in every crop: a portrait infographic goes through the real upload,
job, processing child (Pillow, tesseract) and storage; OCR of each cropped output finds the headline.
Moving the point by hand is tested through its page (tests/web/test_focal_page.py)."""

from __future__ import annotations

import io
import unicodedata
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from tests.conftest import Factory
from tests.service.assets.media import meta
from tests.service.assets.test_renditions import run_processing
from tests.service.assets.test_upload import upload
from tests.support import require_or_skip
from tests.transcoding.headline_fixture import portrait_infographic
from transcoding.tools import tesseract_path

CROPS = (("zalo-oa", "cover-16x9"), ("web-image", "thumb-320"), ("vertical", "story-1080x1920"),
         ("facebook-feed", "1200x630"))


def _png(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def _words(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).upper().split())


def _ocr(content: bytes, tmp: Path) -> str:
    from transcoding.image.ocr import ocr_image

    path = tmp / f"{uuid.uuid4().hex}.jpg"
    path.write_bytes(content)
    return _words(ocr_image(path))


def _by_spec(body: dict) -> dict[tuple[str, str], dict]:
    return {(p["profile"], r["spec"]): r for p in body["profiles"] for r in p["renditions"]}


@pytest.fixture(autouse=True)
def _tesseract() -> None:
    require_or_skip(bool(tesseract_path()), "tesseract (with tesseract-ocr-vie) is not installed")


@pytest.mark.slow
def test_every_crop_of_a_portrait_infographic_keeps_its_headline(client: TestClient, factory: Factory,
                                                                  tmp_path: Path) -> None:
    from service.core.db import unit_of_work
    from service.models import Version
    from transcoding.image.render import render_images
    from transcoding.profiles import default_profiles
    from transcoding.types import FocalPoint

    headers = factory.headers("producer")
    picture = portrait_infographic()
    status, asset = upload(client, headers, _png(picture), meta_json=meta(alt_text="Đột phá giáo dục"))
    assert status == 201, asset
    body = run_processing(client, headers, asset["id"])
    found = _by_spec(body)
    for key in CROPS:
        r = client.get(found[key]["download_url"], headers=headers)
        assert r.status_code == 200
        text = _ocr(r.content, tmp_path)
        assert "ĐỘT PHÁ" in text and "GIÁO DỤC" in text, (key, text)
    with unit_of_work() as session:
        version = session.get(Version, uuid.UUID(body["version_id"]))
        assert version is not None and version.focal_source == "auto"
        assert version.focal_y is not None and version.focal_y < 0.2  # the headline, not the middle

    # The same crop around the centre (the old behaviour) keeps only the bullet list: the test can fail.
    source = tmp_path / "source.png"
    picture.save(source)
    spec = next(s for s in default_profiles()["zalo-oa"].image if s.variant == "cover-16x9")
    [centred] = render_images(source, [("zalo-oa", spec)], tmp_path / "centre", focal=FocalPoint())
    assert "ĐỘT PHÁ" not in _ocr(centred.path.read_bytes(), tmp_path)
