"""Translation workflow: a request with a due date visible to the translating unit, delivered by the
language version's upload, reviewed beside the original."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from tests.service.workflow.wf_support import Flow, Tree, problem
from tests.web.conftest import another, sign_in


def test_a_unit_translates_on_request_and_the_reviewer_compares(flow: Flow, tree: Tree) -> None:
    h, marker = tree.h, uuid.uuid4().hex[:6]
    original = tree.asset_in("published", title=f"Tuyển sinh đầu cấp {marker}", summary="Hướng dẫn cho cha mẹ")
    due = (date.today() + timedelta(days=10)).isoformat()
    r = flow.client.post(f"/api/v1/assets/{original}/translation-requests", headers=h["producer"],
                         json={"language": "hmn", "unit_code": tree.codes["other"], "due_on": due,
                               "note": "Cần cho các xã vùng cao"})
    assert r.status_code == 201, r.text
    request_id = r.json()["id"]
    problem(flow.client.post(f"/api/v1/assets/{original}/translation-requests", headers=h["producer"],
                             json={"language": "vi", "unit_code": tree.codes["other"], "due_on": due}), 409,
            "variant_language_taken")
    past = (date.today() - timedelta(days=1)).isoformat()
    problem(flow.client.post(f"/api/v1/assets/{original}/translation-requests", headers=h["producer"],
                             json={"language": "en", "unit_code": tree.codes["other"], "due_on": past}), 422)

    theirs = {x["id"]: x for x in flow.get(h["other_producer"], "/api/v1/translation-requests").json()}
    assert theirs[request_id]["status"] == "open" and theirs[request_id]["due_on"] == due
    assert request_id not in {x["id"] for x in flow.get(h["school_reviewer"], "/api/v1/translation-requests").json()}

    variant = flow.upload(h["other_producer"], title=f"Kev nkag kawm ntawv {marker}", language="hmn",
                          variant_of=original)
    mine = {x["id"]: x for x in flow.get(h["producer"], "/api/v1/translation-requests").json()}
    assert mine[request_id]["status"] == "delivered" and mine[request_id]["variant_id"] == variant
    flow.ok(h["other_producer"], variant, "submit")

    web = another(flow.client)
    sign_in(web, flow.factory, "reviewer", tree.codes["other"])
    page = web.get(f"/duyet/{variant}")
    assert page.status_code == 200, page.text
    assert "Đối chiếu bản gốc và bản dịch" in page.text
    assert f"Tuyển sinh đầu cấp {marker}" in page.text and f"Kev nkag kawm ntawv {marker}" in page.text
    assert "Bản gốc · Tiếng Việt" in page.text and "Bản dịch · Tiếng Hmông" in page.text
