"""Language codes and language versions: validation against the list, groups offered in search, the
asset API and ninjs (checked with jsonschema against the ninjs 2.1 schema)."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader

from tests.service.assets.test_search_api import drain
from tests.service.publication.helpers import ninjs_errors
from tests.service.workflow.wf_support import Flow, Tree, problem
from tests.web.conftest import another, sign_in


def test_minority_language_codes_are_accepted_and_unknown_ones_refused(flow: Flow, tree: Tree) -> None:
    for code in ("hmn", "tyz", "tdd", "blt", "km", "cja", "cjm", "rad", "jra", "en", "vi"):
        asset_id = flow.upload(tree.h["producer"], language=code)
        assert flow.asset(tree.h["producer"], asset_id)["language"] == code
    regional = flow.upload(tree.h["producer"], language="vi-vn")
    assert flow.asset(tree.h["producer"], regional)["language"] == "vi-VN"

    from tests.service.assets.media import meta, multipart, png

    def refused(code: str) -> dict[str, Any]:
        body, ctype = multipart(meta(language=code, alt_text="Ảnh"), "a.png", png())
        r = flow.client.post("/api/v1/assets", content=body, headers={**tree.h["producer"], "Content-Type": ctype})
        return problem(r, 422)

    unknown = refused("qya")  # well-formed BCP 47 (Quenya), not in the list
    assert unknown["code"] == "language_unsupported"
    assert "hmn" in unknown["supported"] and unknown["how_to_request"] == "/api/v1/languages"
    assert "quản trị viên" in unknown["detail"] and "administrator" in unknown["detail_en"]
    assert refused("not a code")["code"] == "language_malformed"
    listed = {x["code"]: x for x in flow.client.get("/api/v1/languages").json()}
    assert listed["hmn"]["label_vi"] == "Tiếng Hmông" and listed["rad"]["label_vi"] == "Tiếng Ê Đê"


def _published_group(flow: Flow, tree: Tree, marker: str) -> tuple[str, str, str]:
    h = tree.h
    original = tree.asset_in("published", title=f"Đổi mới giáo dục vùng cao {marker}", language="vi")
    en = flow.upload(h["producer"], title=f"Education reform in the highlands {marker}", language="en",
                     variant_of=original)
    hmn = flow.upload(h["producer"], title=f"Kev kawm ntawv tshiab {marker}", language="hmn", variant_of=en)
    for variant in (en, hmn):  # each version goes through review like any asset
        assert flow.asset(h["producer"], variant)["status"] == "draft"
        flow.ok(h["producer"], variant, "submit")
        flow.ok(h["reviewer"], variant, "approve")
    drain()
    return original, en, hmn


@pytest.mark.slow  # rebuilds the search index of the language group
def test_a_vietnamese_query_finds_the_group_and_every_language_is_offered(flow: Flow, tree: Tree) -> None:
    import uuid

    marker = uuid.uuid4().hex[:6]
    original, en, hmn = _published_group(flow, tree, marker)
    staff = tree.h["staff"]
    hits = flow.get(staff, "/api/v1/search", q=f"doi moi giao duc vung cao {marker}").json()["items"]
    assert hits and hits[0]["asset"]["id"] == original
    offered = {x["language"]: x["asset_id"] for x in hits[0]["asset"]["languages"]}
    assert offered == {"vi": original, "en": en, "hmn": hmn}
    assert flow.asset(staff, hmn)["variant_of_id"] == original  # linked to the original, not to `en`
    hmong_only = flow.get(staff, "/api/v1/search", q=marker, language="hmn").json()["items"]
    assert [x["asset"]["id"] for x in hmong_only] == [hmn]
    both = flow.get(staff, "/api/v1/search", q=marker, language=["vi", "en"]).json()["items"]
    assert {x["asset"]["id"] for x in both} == {original, en}
    assert flow.get(staff, "/api/v1/search", q=marker, language="qya").status_code == 422

    variants = flow.get(staff, f"/api/v1/assets/{en}/variants").json()
    assert [(v["language"], v["original"]) for v in variants][0] == ("vi", True)
    assert {v["label_vi"] for v in variants} == {"Tiếng Việt", "Tiếng Anh", "Tiếng Hmông"}
    only_hmn = flow.get(staff, "/api/v1/assets", language="hmn", limit=200).json()["items"]
    assert hmn in {a["id"] for a in only_hmn} and all(a["language"] == "hmn" for a in only_hmn)

    key = tree.client_headers(["assets:read"])
    item = flow.get(key, f"/api/v1/news/items/{original}").json()
    assert ninjs_errors(item) == []
    assert item["language"] == "vi"
    assert {(a["language"], a["uri"].rsplit("/", 1)[-1]) for a in item["associations"]} == {("en", en), ("hmn", hmn)}

    from service.models.base import utcnow

    report = flow.get(tree.h["top_reviewer"], f"/api/v1/reports/{tree.codes['dept']}", period=str(utcnow().year))
    assert report.status_code == 200, report.text
    by_language = {x["code"]: x for x in report.json()["products"]["by_language"]}
    assert by_language["hmn"]["count"] >= 1 and by_language["hmn"]["label"] == "Tiếng Hmông"
    assert by_language["vi"]["count"] >= 1
    xlsx = flow.get(tree.h["top_reviewer"], f"/api/v1/reports/{tree.codes['dept']}", period=str(utcnow().year),
                    format="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content))["Theo ngôn ngữ"]
    rows = {r[1]: (r[0], r[2]) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["hmn"] == ("Tiếng Hmông", by_language["hmn"]["count"])
    assert rows["en"] == ("Tiếng Anh", by_language["en"]["count"])
    pdf = flow.get(tree.h["top_reviewer"], f"/api/v1/reports/{tree.codes['dept']}", period=str(utcnow().year),
                   format="pdf")
    reader = PdfReader(io.BytesIO(pdf.content))
    text = " ".join((page.extract_text() or "") for page in reader.pages)
    assert "Sản phẩm theo ngôn ngữ" in text and f"Tiếng Hmông {by_language['hmn']['count']}" in text
    assert reader.trailer["/Root"]["/Lang"] == "vi"

    web = another(flow.client)
    sign_in(web, flow.factory, "staff")
    page = web.get(f"/tai-nguyen/{original}")
    assert page.status_code == 200
    for label, asset_id in (("Tiếng Anh", en), ("Tiếng Hmông", hmn)):
        assert f'<a href="/tai-nguyen/{asset_id}">{label}</a>' in page.text


def test_a_group_holds_one_version_per_language(flow: Flow, tree: Tree) -> None:
    from tests.service.assets.media import meta, multipart, png

    original = flow.upload(tree.h["producer"], language="vi")
    english = flow.upload(tree.h["producer"], language="en", variant_of=original)
    r = flow.client.patch(f"/api/v1/assets/{english}", json={"language": "vi"}, headers=tree.h["producer"])
    problem(r, 409, "variant_language_taken")

    body, ctype = multipart(meta(language="en", variant_of=original, alt_text="Ảnh"), "a.png", png())
    r = flow.client.post("/api/v1/assets", content=body, headers={**tree.h["producer"], "Content-Type": ctype})
    problem(r, 409, "variant_language_taken")
    body, ctype = multipart(meta(language="vi", variant_of=original, alt_text="Ảnh"), "a.png", png())
    r = flow.client.post("/api/v1/assets", content=body, headers={**tree.h["producer"], "Content-Type": ctype})
    problem(r, 409, "variant_language_taken")
    r = flow.client.patch(f"/api/v1/assets/{english}", json={"language": "en-GB"}, headers=tree.h["producer"])
    assert r.status_code == 200 and r.json()["language"] == "en-GB"  # a regional tag is a language of its own


def test_the_upload_form_offers_languages_with_vietnamese_labels(flow: Flow, tree: Tree) -> None:
    from html.parser import HTMLParser

    web = another(flow.client)
    sign_in(web, flow.factory, "producer")
    page = web.get("/tai-len")
    assert page.status_code == 200

    class Options(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.inside, self.options, self.selected = False, [], ""

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = dict(attrs)
            if tag == "select":
                self.inside = a.get("name") == "language"
            elif tag == "option" and self.inside:
                self.options.append(a["value"])
                if "selected" in a:
                    self.selected = str(a["value"])

        def handle_endtag(self, tag: str) -> None:
            if tag == "select":
                self.inside = False

    parser = Options()
    parser.feed(page.text)
    assert parser.selected == "vi" and parser.options[:2] == ["vi", "en"]
    assert {"hmn", "tyz", "tdd", "blt", "km", "cja", "cjm", "rad", "jra"} <= set(parser.options)
    assert "Tiếng Gia Rai (jra)" in page.text


def test_the_web_upload_page_makes_a_language_version_through_tus(flow: Flow, tree: Tree) -> None:
    """What upload.js sends for /tai-len?variant_of=…: the shared fields (with the hidden `variant_of`) in the
    tus Upload-Metadata JSON."""
    import json

    from tests.service.assets.media import png
    from tests.service.inputs.tusmedia import TUS, tus_metadata

    original = flow.upload(tree.h["producer"], language="vi")
    web = another(flow.client)
    sign_in(web, flow.factory, "producer", tree.codes["dept"])
    page = web.get(f"/tai-len?variant_of={original}")
    assert f'<input type="hidden" name="variant_of" value="{original}">' in page.text
    asset_page = web.get(f"/tai-nguyen/{original}").text
    assert f'href="/tai-len?variant_of={original}"' in asset_page

    content = png()
    metadata = json.dumps({"kind": "infographic", "title": "Kev kawm", "alt_text": "Duab", "language": "hmn",
                           "variant_of": original}, ensure_ascii=False)
    r = flow.client.post("/api/v1/uploads/", content=content, headers={
        **tree.h["producer"], **TUS, "Content-Type": "application/offset+octet-stream",
        "Upload-Length": str(len(content)),
        "Upload-Metadata": tus_metadata({"filename": "a.png", "metadata": metadata})})
    assert r.status_code == 201, r.text
    head = flow.client.head(r.headers["location"], headers={**tree.h["producer"], **TUS})
    variant = head.headers["kho-asset-id"]
    assert flow.asset(tree.h["producer"], variant)["variant_of_id"] == original
    assert {v["language"] for v in flow.get(tree.h["producer"], f"/api/v1/assets/{original}/variants").json()} == {
        "vi", "hmn"}
