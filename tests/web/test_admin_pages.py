"""Administration pages with real editing: organisations (create, edit, CSV import report), users (create,
role, deactivate), vocabularies (add, edit labels, retire/restore), webhook subscriptions per API key."""

from __future__ import annotations

import re
import uuid

from fastapi.testclient import TestClient

from tests.conftest import Factory
from tests.web.conftest import another, csrf_from, sign_in


def _admin(client: TestClient, factory: Factory) -> tuple[str, str]:
    """A national admin (top-level unit); returns (unit code, CSRF token)."""
    top = factory.org("province")
    sign_in(client, factory, "admin", top)
    return top, csrf_from(client.get("/quan-tri/don-vi").text)


def _option_value(html: str, label: str) -> str:
    match = re.search(r'<option value="([^"]+)"[^>]*>' + re.escape(label) + "<", html)
    assert match, label
    return match.group(1)


def test_organisations_create_edit_and_csv_import(client: TestClient, factory: Factory) -> None:
    top, token = _admin(client, factory)
    page = client.get("/quan-tri/don-vi")
    parent_id = _option_value(page.text, f"Đơn vị thử {top}")
    code = f"SGD-{uuid.uuid4().hex[:6]}"
    form = {"code": code, "name": "Sở GDĐT <Thử>", "kind": "department", "parent_id": parent_id,
            "approval_levels": "2"}
    assert client.post("/quan-tri/don-vi", data=form).status_code == 403
    r = client.post("/quan-tri/don-vi", data={**form, "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    page = client.get("/quan-tri/don-vi")
    assert "Sở GDĐT &lt;Thử&gt;" in page.text and code in page.text
    bad = client.post("/quan-tri/don-vi", data={**form, "code": "có dấu", "csrf_token": token})
    assert bad.status_code == 422 and 'role="alert"' in bad.text and "code" in bad.text

    unit_id = re.search(r'href="/quan-tri/don-vi/([0-9a-f-]{36})">Sửa<span class="visually-hidden"> Sở GDĐT',
                        page.text)
    assert unit_id
    edit = client.get(f"/quan-tri/don-vi/{unit_id.group(1)}")
    assert edit.status_code == 200 and 'value="2"' in edit.text
    r = client.post(f"/quan-tri/don-vi/{unit_id.group(1)}", data={"name": "Sở GDĐT Huế", "approval_levels": "3",
                                                                  "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert re.search(r"Sở GDĐT Huế</td>\s*<td>[^<]*</td><td>3</td>", client.get("/quan-tri/don-vi").text)

    csv_text = (f"code,name,parent_code,kind\nTRG-{code},Trường THCS Thử,X-{code},school\n"
                f"X-{code},Xã Thử,{code},commune\nBAD-{code},Sai loại,{code},castle\n"
                f"OUT-{code},Ngoài cây,NOPE-{code},school\n")
    files = {"file": ("don-vi.csv", csv_text.encode(), "text/csv")}
    dry = client.post("/quan-tri/don-vi/nhap-csv", data={"csrf_token": token, "dry_run": "1"}, files=files)
    assert dry.status_code == 200 and "chạy thử" in dry.text and "Tạo mới 2 · đã có 0 · lỗi 2" in dry.text
    assert f"TRG-{code}" not in dry.text.split('id="new-unit-heading"')[0].split("</section>", 1)[1]
    real = client.post("/quan-tri/don-vi/nhap-csv", data={"csrf_token": token}, files=files)
    assert real.status_code == 200 and "Tạo mới 2 · đã có 0 · lỗi 2" in real.text
    report = real.text.split('id="import-heading"', 1)[1].split("</table>", 1)[0]
    assert "kind must be one of" in report and f"unknown parent code NOPE-{code}" in report
    assert "Trường THCS Thử" in client.get("/quan-tri/don-vi").text  # created below the commune
    bad_file = client.post("/quan-tri/don-vi/nhap-csv", data={"csrf_token": token},
                           files={"file": ("x.csv", b"name\nx\n", "text/csv")})
    assert bad_file.status_code == 422 and "missing columns" in bad_file.text


def test_users_create_change_role_deactivate(client: TestClient, factory: Factory) -> None:
    top, token = _admin(client, factory)
    email = f"can-bo-{uuid.uuid4().hex[:6]}@truong.edu.vn"
    page = client.get("/quan-tri/nguoi-dung")
    org_id = _option_value(page.text, f"Đơn vị thử {top}")
    form = {"email": email, "full_name": "Nguyễn Văn <i>A</i>", "password": "mat-khau-dai-1", "role": "staff",
            "organisation_id": org_id, "csrf_token": token}
    short = client.post("/quan-tri/nguoi-dung", data={**form, "password": "ngan"})
    assert short.status_code == 422 and "password" in short.text
    assert client.post("/quan-tri/nguoi-dung", data=form, follow_redirects=False).status_code == 303
    page = client.get("/quan-tri/nguoi-dung")
    assert "Nguyễn Văn &lt;i&gt;A&lt;/i&gt;" in page.text
    user_id = re.search(r'action="/quan-tri/nguoi-dung/([0-9a-f-]{36})/vai-tro"[\s\S]{0,400}' + re.escape(email),
                        page.text)
    assert user_id
    person = another(client)
    page_in = person.get("/dang-nhap")
    signed = person.post("/dang-nhap", data={"email": email, "password": "mat-khau-dai-1",
                                             "csrf_token": csrf_from(page_in.text)}, follow_redirects=False)
    assert signed.status_code == 303 and person.get("/tai-len").status_code == 403
    r = client.post(f"/quan-tri/nguoi-dung/{user_id.group(1)}/vai-tro", data={"role": "producer",
                                                                               "csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303
    assert person.get("/tai-len", follow_redirects=False).status_code == 303  # role change ends sessions
    r = client.post(f"/quan-tri/nguoi-dung/{user_id.group(1)}/trang-thai", data={"active": "0", "csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303
    assert "Đã khóa" in client.get("/quan-tri/nguoi-dung").text
    again = person.post("/dang-nhap", data={"email": email, "password": "mat-khau-dai-1",
                                            "csrf_token": csrf_from(person.get("/dang-nhap").text)})
    assert again.status_code in (401, 403)
    me = client.get("/api/v1/me").json()["id"]
    own = client.post(f"/quan-tri/nguoi-dung/{me}/vai-tro", data={"role": "staff", "csrf_token": token})
    assert own.status_code == 403 and 'role="alert"' in own.text  # never lock yourself out


def test_vocabularies_add_edit_retire_restore(client: TestClient, factory: Factory) -> None:
    _, token = _admin(client, factory)
    code = f"chu-de-{uuid.uuid4().hex[:6]}"
    form = {"vocabulary": "topic", "code": code, "label_vi": "Chuyển đổi số <2026>", "label_en": "Digital",
            "csrf_token": token}
    assert client.post("/quan-tri/tu-vung", data=form, follow_redirects=False).status_code == 303
    page = client.get("/quan-tri/tu-vung")
    assert "Chuyển đổi số &lt;2026&gt;" in page.text
    term_id = re.search(r'id="term-([0-9a-f-]{36})"[^>]*><td>[^<]*</td><td class="mono">' + code, page.text)
    assert term_id
    dup = client.post("/quan-tri/tu-vung", data=form)
    assert dup.status_code == 409 and 'role="alert"' in dup.text
    r = client.post(f"/quan-tri/tu-vung/{term_id.group(1)}", data={"label_vi": "Chuyển đổi số", "label_en": "Digital "
                                                                   "transformation", "csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303
    assert client.post(f"/quan-tri/tu-vung/{term_id.group(1)}/ngung-dung", data={"csrf_token": token},
                       follow_redirects=False).status_code == 303
    row = client.get("/quan-tri/tu-vung").text.split(f'id="term-{term_id.group(1)}"', 1)[1].split("</tr>", 1)[0]
    assert "Digital transformation" in row and "Ngừng dùng</td>" in row and "dung-lai" in row
    sign_in(staff := another(client), factory, "producer")
    assert code not in staff.get("/tai-len").text  # a retired term is no longer offered
    assert client.post(f"/quan-tri/tu-vung/{term_id.group(1)}/dung-lai", data={"csrf_token": token},
                       follow_redirects=False).status_code == 303
    assert code in staff.get("/tai-len").text


def test_vocabularies_are_national_and_admin_pages_guarded(client: TestClient, factory: Factory) -> None:
    local = factory.org("department", factory.org("province"))
    sign_in(client, factory, "admin", local)
    page = client.get("/quan-tri/tu-vung")
    assert page.status_code == 200 and 'action="/quan-tri/tu-vung"' not in page.text
    r = client.post("/quan-tri/tu-vung", data={"vocabulary": "topic", "code": "x-y", "label_vi": "x", "label_en": "x",
                                               "csrf_token": csrf_from(page.text)})
    assert r.status_code == 403
    other = factory.org("province")
    producer = another(client)
    sign_in(producer, factory, "producer", local)
    for path in ("/quan-tri/don-vi", "/quan-tri/nguoi-dung", "/quan-tri/tu-vung", "/quan-tri/webhook"):
        assert producer.get(path).status_code == 403
    outside = client.get("/quan-tri/don-vi").text
    assert other not in outside  # another province's units are not listed


def test_webhook_subscriptions_and_log_per_api_key(client: TestClient, factory: Factory) -> None:
    newsroom = factory.org("newsroom")
    sign_in(client, factory, "admin", newsroom)
    page = client.get("/quan-tri/khoa-api")
    org_id = client.get("/api/v1/me").json()["organisation_id"]
    created = client.post("/quan-tri/khoa-api", data={"name": "Tòa soạn thử", "organisation_id": org_id,
                                                      "scopes": ["assets:read", "webhooks:manage"],
                                                      "csrf_token": csrf_from(page.text)})
    key = created.text.split('id="new-key" readonly value="', 1)[1].split('"', 1)[0]
    api = another(client)
    sub = api.post("/api/v1/webhooks/subscriptions", headers={"Authorization": f"Bearer {key}"},
                   json={"url": "http://127.0.0.1:9/hook?a=1&b=2", "events": ["asset.published"]})
    assert sub.status_code == 201, sub.text
    listing = client.get("/quan-tri/webhook")
    client_id = re.search(r'href="/quan-tri/webhook\?khoa=([0-9a-f-]{36})"[^>]*>Tòa soạn thử<', listing.text)
    assert client_id
    detail = client.get(f"/quan-tri/webhook?khoa={client_id.group(1)}")
    assert detail.status_code == 200
    assert "http://127.0.0.1:9/hook?a=1&amp;b=2" in detail.text and "Tài nguyên được đăng" in detail.text
    assert "asset.published" not in detail.text  # events are named, not coded
    assert sub.json()["secret"] not in detail.text  # the signing secret is never shown again
    stranger = another(client)
    sign_in(stranger, factory, "admin", factory.org("province"))
    assert "Tòa soạn thử" not in stranger.get(f"/quan-tri/webhook?khoa={client_id.group(1)}").text
