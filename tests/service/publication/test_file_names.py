"""File names keep the title: a "/" in "71-NQ/TW" becomes "-" and never cuts the name; the header is
read by Werkzeug's RFC 6266 parser (which prefers `filename*`, as browsers do), not by our own code."""

from __future__ import annotations

from fastapi.testclient import TestClient
from werkzeug.http import parse_options_header

from tests.conftest import Factory
from tests.service.publication.helpers import Publisher, Rend, api_key, jpeg
from tests.service.publication.test_news import _fetch_signed

TITLE = "Nghị quyết 71-NQ/TW: Đột phá phát triển giáo dục và đào tạo"
STEM = "Nghị quyết 71-NQ-TW - Đột phá phát triển giáo dục và đào tạo"


def _filename(header: str) -> str | None:
    _, params = parse_options_header(header)
    return params.get("filename")


def test_downloads_are_named_after_the_whole_title(client: TestClient, factory: Factory,
                                                   publisher: Publisher) -> None:
    org = factory.org()
    asset_id = publisher.publish(org_code=org, title=TITLE, renditions=[
        Rend("web-image", "800-jpeg", jpeg((160, 90)), "image/jpeg", 160, 90)])
    _, key = api_key(factory)
    link = client.get(f"/api/v1/news/items/{asset_id}/renditions/web-image", headers=key, follow_redirects=False)
    assert link.status_code == 307
    served = _fetch_signed(client, link.headers["location"])
    assert served.status_code == 200
    assert _filename(served.headers["content-disposition"]) == f"{STEM} - web-image 800-jpeg.jpg"
    assert 'filename="Nghi quyet 71-NQ-TW - Dot pha' in served.headers["content-disposition"]

    staff = factory.headers("staff", org)
    listing = client.get(f"/api/v1/assets/{asset_id}/renditions", headers=staff).json()
    rendition = next(r for p in listing["profiles"] for r in p["renditions"] if r["profile"] == "web-image")
    direct = client.get(f"/api/v1/assets/{asset_id}/renditions/{rendition['id']}", headers=staff)
    assert direct.status_code == 200
    assert _filename(direct.headers["content-disposition"]) == f"{STEM} - web-image 800-jpeg.jpg"
