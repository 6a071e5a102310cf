"""Organisation tree, user administration, vocabulary editing and the audit CSV export."""

from __future__ import annotations

import csv
import io
import uuid

from tests.service.workflow.wf_support import Flow, Tree, problem


def _audit(target_id: str, action: str) -> list[dict[str, object]]:
    from service.audit import repository
    from service.core.db import unit_of_work

    with unit_of_work() as session:
        return [e.data for e in repository.iter_entries(session) if e.target_id == target_id and e.action == action]


def test_admins_manage_their_subtree_only(flow: Flow, tree: Tree) -> None:
    h = tree.h
    dept = str(tree.org_id("dept"))
    code = f"TRUONG-{uuid.uuid4().hex[:6]}"
    r = flow.client.post("/api/v1/organisations", headers=h["dept_admin"],
                         json={"code": code, "name": "Trường THCS Nguyễn Du", "kind": "school", "parent_id": dept})
    assert r.status_code == 201 and r.json()["parent_id"] == dept
    for parent in (tree.org_id("ministry"), tree.org_id("other")):  # above, beside
        r = flow.client.post("/api/v1/organisations", headers=h["dept_admin"],
                             json={"code": f"X-{uuid.uuid4().hex[:6]}", "name": "x", "kind": "school",
                                   "parent_id": str(parent)})
        problem(r, 403, "forbidden")
    problem(flow.client.post("/api/v1/organisations", headers=h["producer"],
                             json={"code": "Y", "name": "y", "kind": "school"}), 403)
    listed = [o["code"] for o in flow.get(h["dept_admin"], "/api/v1/organisations").json()]
    assert listed[0] == tree.codes["dept"] and code in listed and tree.codes["other"] not in listed
    assert flow.get(h["staff"], f"/api/v1/organisations/{dept}").json()["code"] == tree.codes["dept"]


def test_csv_import_reports_every_row(flow: Flow, tree: Tree) -> None:
    h = tree.h
    p = uuid.uuid4().hex[:6]
    dept, other = tree.codes["dept"], tree.codes["other"]
    text = ("\ufeffcode,name,parent_code,kind,approval_levels\n"
            f"XA-{p},UBND xã Tân Lập,{dept},commune,1\n"
            f"TH-{p},Trường Tiểu học Tân Lập,XA-{p},school,\n"  # parent defined one row earlier
            f"MN-{p},Trường Mầm non Hoa Sen,NX-{p},school,\n"  # parent defined later in the file
            f"NX-{p},UBND phường Hoa Sen,{dept},commune,2\n"
            f"BAD-{p},Sai loại,{dept},planet,\n"
            f"{dept},Trùng mã,{tree.codes['ministry']},department,\n"
            f"NGOAI-{p},Ngoài phạm vi,{other},commune,\n"
            f"MOC-{p},Không có cha,KHONG-CO-{p},school,\n")
    r = flow.client.post("/api/v1/organisations/import?dry_run=true", content=text.encode(),
                         headers={**h["dept_admin"], "Content-Type": "text/csv"})
    assert r.status_code == 200, r.text
    assert (r.json()["created"], r.json()["existing"], r.json()["errors"]) == (4, 1, 3)
    assert not [o for o in flow.get(h["dept_admin"], "/api/v1/organisations").json() if o["code"] == f"XA-{p}"]
    r = flow.client.post("/api/v1/organisations/import", content=text.encode(),
                         headers={**h["dept_admin"], "Content-Type": "text/csv"})
    report = r.json()
    statuses = [(row["row"], row["status"]) for row in report["rows"]]
    assert statuses == [(2, "created"), (3, "created"), (4, "created"), (5, "created"), (6, "error"),
                        (7, "exists"), (8, "error"), (9, "error")]
    errors = {row["row"]: row["error"] for row in report["rows"] if row["status"] == "error"}
    assert "kind" in errors[6] and "outside" in errors[8] and "unknown parent" in errors[9]
    tree_codes = {o["code"]: o for o in flow.get(h["dept_admin"], "/api/v1/organisations").json()}
    assert tree_codes[f"TH-{p}"]["parent_id"] == tree_codes[f"XA-{p}"]["id"]
    assert tree_codes[f"NX-{p}"]["approval_levels"] == 2
    problem(flow.client.post("/api/v1/organisations/import", content=b"ma,ten\nA,B\n",
                             headers={**h["dept_admin"], "Content-Type": "text/csv"}), 422, "invalid_csv")


def test_user_administration_is_scoped_and_audited(flow: Flow, tree: Tree) -> None:
    h = tree.h
    email = f"canbo-{uuid.uuid4().hex[:6]}@truong.edu.vn"
    r = flow.client.post("/api/v1/users", headers=h["dept_admin"],
                         json={"email": email, "full_name": "Nguyễn Thị Lan", "password": "mat-khau-dai-1",
                               "role": "producer", "organisation_id": str(tree.org_id("school"))})
    assert r.status_code == 201, r.text
    user_id = r.json()["id"]
    problem(flow.client.post("/api/v1/users", headers=h["dept_admin"],
                             json={"email": f"x{email}", "full_name": "X", "password": "mat-khau-dai-1",
                                   "role": "admin", "organisation_id": str(tree.org_id("ministry"))}), 403)
    token = flow.client.post("/api/v1/auth/token", json={"email": email, "password": "mat-khau-dai-1"}).json()
    user_headers = {"Authorization": f"Bearer {token['access_token']}"}
    assert flow.get(user_headers, "/api/v1/me").json()["role"] == "producer"

    r = flow.client.patch(f"/api/v1/users/{user_id}", json={"role": "reviewer"}, headers=h["dept_admin"])
    assert r.status_code == 200 and r.json()["role"] == "reviewer"
    assert _audit(user_id, "user.permissions_changed")[-1] == {"before": {"role": "producer"},
                                                               "after": {"role": "reviewer"}}
    problem(flow.get(user_headers, "/api/v1/me"), 401)  # a role change ends the old tokens
    r = flow.client.delete(f"/api/v1/users/{user_id}", headers=h["dept_admin"])
    assert r.status_code == 200 and r.json()["is_active"] is False
    problem(flow.client.post("/api/v1/auth/token", json={"email": email, "password": "mat-khau-dai-1"}), 401)
    # Nothing above or beside: the sibling unit's reviewer is unknown to this admin.
    problem(flow.client.patch(f"/api/v1/users/{tree.ids['other_reviewer']}", json={"role": "staff"},
                              headers=h["dept_admin"]), 404)
    problem(flow.client.patch(f"/api/v1/users/{tree.ids['dept_admin']}", json={"role": "staff"},
                              headers=h["dept_admin"]), 403, "self_change")
    listed = {u["email"] for u in flow.get(h["dept_admin"], "/api/v1/users").json()}
    assert email in listed
    problem(flow.get(h["reviewer"], "/api/v1/users"), 403)


def test_vocabulary_editing_and_retirement(flow: Flow, tree: Tree) -> None:
    h = tree.h
    code = f"ai-{uuid.uuid4().hex[:6]}"
    problem(flow.client.post("/api/v1/vocabularies", headers=h["dept_admin"],
                             json={"vocabulary": "topic", "code": code, "label_vi": "x", "label_en": "x"}), 403)
    r = flow.client.post("/api/v1/vocabularies", headers=h["admin"],
                         json={"vocabulary": "topic", "code": code, "label_vi": "Trí tuệ nhân tạo",
                               "label_en": "AI", "parent_code": "chuyen-doi-so"})
    assert r.status_code == 201, r.text
    term = r.json()
    assert term["parent_id"] is not None
    problem(flow.client.post("/api/v1/vocabularies", headers=h["admin"],
                             json={"vocabulary": "topic", "code": code, "label_vi": "x", "label_en": "x"}), 409)
    r = flow.client.patch(f"/api/v1/vocabularies/{term['id']}", headers=h["admin"],
                          json={"label_en": "Artificial intelligence"})
    assert r.json()["label_en"] == "Artificial intelligence" and r.json()["code"] == code
    parent = [t for t in flow.get(h["staff"], "/api/v1/vocabularies", vocabulary="topic").json()
              if t["code"] == "chuyen-doi-so"][0]
    problem(flow.client.patch(f"/api/v1/vocabularies/{parent['id']}", headers=h["admin"],
                              json={"parent_code": code}), 422, "invalid_parent")

    asset_id = flow.upload(h["producer"], topics=[code])
    assert flow.client.post(f"/api/v1/vocabularies/{term['id']}/retire", headers=h["admin"]).json()["retired"]
    # Old assets keep the retired term and stay editable; new assets cannot choose it.
    r = flow.client.patch(f"/api/v1/assets/{asset_id}", json={"topics": [code, "chuyen-doi-so"]},
                          headers=h["producer"])
    assert r.status_code == 200 and set(r.json()["topics"]) == {code, "chuyen-doi-so"}
    from tests.service.assets.media import meta, multipart, png

    body, ctype = multipart(meta(topics=[code]), "a.png", png())
    problem(flow.client.post("/api/v1/assets", content=body, headers={**h["producer"], "Content-Type": ctype}),
            422, "unknown_term")
    listed = {t["code"]: t for t in flow.get(h["staff"], "/api/v1/vocabularies").json()}
    assert listed[code]["retired"] is True
    assert not flow.client.post(f"/api/v1/vocabularies/{term['id']}/restore", headers=h["admin"]).json()["retired"]


def test_audit_csv_export(flow: Flow, tree: Tree) -> None:
    h = tree.h
    asset_id = tree.asset_in("published")
    problem(flow.get(h["dept_admin"], "/api/v1/audit.csv"), 403)
    problem(flow.get(h["reviewer"], "/api/v1/audit.csv"), 403)
    r = flow.get(h["admin"], "/api/v1/audit.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    mine = [row["action"] for row in rows if row["target_id"] == asset_id]
    assert mine[:3] == ["asset.created", "asset.submit", "asset.approve"]
    assert all(len(row["hash"]) == 64 for row in rows)
