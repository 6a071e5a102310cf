from __future__ import annotations

import unicodedata

from fastapi.testclient import TestClient

from service.core.runtime import current
from tests.conftest import Factory
from tests.service.assets.media import meta, multipart, png
from tests.web.conftest import csrf_from, sign_in


def upload_as(client: TestClient, title: str, kind: str = "infographic") -> str:
    body, ctype = multipart(meta(kind, title=title, alt_text="Mô tả"), "anh.png", png())
    token = csrf_from(client.get("/tai-len").text)
    r = client.post("/api/v1/assets", content=body, headers={"Content-Type": ctype, "X-CSRF-Token": token})
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def test_pages_need_a_session(client: TestClient) -> None:
    r = client.get("/cua-toi?x=1", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/dang-nhap?next=/cua-toi%3Fx%3D1"


def test_sign_in_page_is_vietnamese_with_strict_csp(client: TestClient) -> None:
    r = client.get("/dang-nhap")
    assert r.status_code == 200
    assert '<html lang="vi">' in r.text and "Đăng nhập" in r.text
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert "<script>" not in r.text and "style=" not in r.text and " on" + "click=" not in r.text
    assert "httponly" in r.headers["set-cookie"].lower()


def test_sign_in_rejects_missing_or_wrong_csrf(client: TestClient, factory: Factory) -> None:
    email, _ = factory.user("staff")
    client.get("/dang-nhap")
    form = {"email": email, "password": "pw-" + email}
    assert client.post("/dang-nhap", data=form, follow_redirects=False).status_code == 403
    r = client.post("/dang-nhap", data={**form, "csrf_token": "forged"}, follow_redirects=False)
    assert r.status_code == 403
    assert "kho_session" not in r.cookies


def test_session_cookie_flags_and_logout_revokes(client: TestClient, factory: Factory) -> None:
    email, _ = factory.user("staff")
    page = client.get("/dang-nhap")
    r = client.post("/dang-nhap", data={"email": email, "password": "pw-" + email, "next": "//evil.example/x",
                                        "csrf_token": csrf_from(page.text)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"].lower()
    assert "kho_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie  # base_url is http in tests; https deployments get Secure
    session_token = client.cookies["kho_session"]
    assert client.get("/api/v1/me").json()["label"] == email  # the API accepts the web session
    home = client.get("/")
    assert client.post("/dang-xuat", data={"csrf_token": "forged"}).status_code == 403
    out = client.post("/dang-xuat", data={"csrf_token": csrf_from(home.text)}, follow_redirects=False)
    assert out.status_code == 303
    client.cookies.set("kho_session", session_token)
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/", follow_redirects=False).status_code == 303


def test_wrong_password_shows_error_on_the_form(client: TestClient, factory: Factory) -> None:
    email, _ = factory.user("staff")
    page = client.get("/dang-nhap")
    r = client.post("/dang-nhap", data={"email": email, "password": "sai", "csrf_token": csrf_from(page.text)})
    assert r.status_code == 401
    assert 'role="alert"' in r.text and email in r.text


def test_script_in_title_renders_as_text(client: TestClient, factory: Factory) -> None:
    sign_in(client, factory, "producer")
    title = '<script>alert("x")</script> Tiêu đề <img src=x onerror=alert(1)>'
    asset_id = upload_as(client, title)
    for path in (f"/tai-nguyen/{asset_id}", "/cua-toi"):
        r = client.get(path)
        assert r.status_code == 200, r.text
        assert "<script>alert" not in r.text and "<img src=x" not in r.text
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in r.text


def test_text_is_nfc(client: TestClient, factory: Factory) -> None:
    sign_in(client, factory, "producer")
    decomposed = unicodedata.normalize("NFD", "Nghị quyết đột phá giáo dục")
    asset_id = upload_as(client, decomposed)
    r = client.get(f"/tai-nguyen/{asset_id}")
    assert unicodedata.normalize("NFC", decomposed) in r.text
    assert decomposed not in r.text


def test_language_switch(client: TestClient, factory: Factory) -> None:
    sign_in(client, factory, "staff")
    assert "Tìm kiếm" in client.get("/").text
    r = client.get("/ngon-ngu?lang=en&next=/", follow_redirects=False)
    assert r.status_code == 303 and "lang=en" in r.headers["set-cookie"]
    client.cookies.set("lang", "en")
    page = client.get("/")
    assert '<html lang="en">' in page.text and "Search" in page.text and "Tìm kiếm" not in page.text
    client.cookies.set("lang", "xx")
    assert '<html lang="vi">' in client.get("/").text


def test_roles_guard_pages(client: TestClient, factory: Factory) -> None:
    sign_in(client, factory, "staff")
    r = client.get("/tai-len")
    assert r.status_code == 403 and "<h1>" in r.text  # an HTML page, not problem+json
    assert client.get("/quan-tri/khoa-api").status_code == 403


def test_first_page_under_200_kb(client: TestClient, factory: Factory) -> None:
    sign_in(client, factory, "staff")
    html = client.get("/")
    total = len(html.content)
    for asset in ("/static/app.css?v=2", "/static/app.js?v=2"):
        r = client.get(asset)
        assert r.status_code == 200 and "max-age" in r.headers["cache-control"]
        total += len(r.content)
    assert total < 200 * 1024


def test_admin_creates_api_key_shown_once(client: TestClient, factory: Factory) -> None:
    newsroom = factory.org("newsroom")
    sign_in(client, factory, "admin", newsroom)
    page = client.get("/quan-tri/khoa-api")
    assert page.status_code == 200
    org_id = client.get("/api/v1/me").json()["organisation_id"]
    form = {"name": "Báo <b>Thử</b>", "organisation_id": org_id, "scopes": ["assets:read"]}
    assert client.post("/quan-tri/khoa-api", data=form).status_code == 403
    r = client.post("/quan-tri/khoa-api", data={**form, "csrf_token": csrf_from(page.text)})
    assert r.status_code == 201 and r.headers["cache-control"] == "no-store"
    key = r.text.split('id="new-key" readonly value="', 1)[1].split('"', 1)[0]
    assert key.startswith("kho_k") and "Báo &lt;b&gt;Thử&lt;/b&gt;" in r.text
    assert key not in client.get("/quan-tri/khoa-api").text
    client.cookies.clear()
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert me.status_code == 200 and me.json()["kind"] == "client"


def test_search_page_shows_staff_only_published(client: TestClient, factory: Factory) -> None:
    from service.outbox.pump import drain

    org = factory.org()
    sign_in(client, factory, "producer", org)
    upload_as(client, "Bản nháp chưa duyệt zq9")
    while drain(current()):
        pass
    mine = client.get("/?q=ban nhap zq9")
    assert mine.status_code == 200 and "zq9" in mine.text.split('id="results-heading"')[1]
    pasted = "bản nháp zq9 " * 30  # over 300 characters: searched by its beginning, not refused
    long = client.get("/", params={"q": pasted})
    assert long.status_code == 200 and "zq9" in long.text.split('id="results-heading"')[1]
    assert client.get("/goi-y", params={"q": pasted}).json() == {"suggestions": ["Bản nháp chưa duyệt zq9"]}
    client.cookies.clear()
    sign_in(client, factory, "staff", org)
    r = client.get("/?q=ban nhap zq9")
    assert r.status_code == 200 and "zq9" not in r.text.split('id="results-heading"')[1]
    assert client.get("/goi-y?q=Bản nháp chưa").json() == {"suggestions": []}


def test_cookie_api_writes_need_the_csrf_header(client: TestClient, factory: Factory) -> None:
    sign_in(client, factory, "producer")
    body, ctype = multipart(meta("infographic", title="Không có CSRF", alt_text="x"), "anh.png", png())
    r = client.post("/api/v1/assets", content=body, headers={"Content-Type": ctype})
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    r = client.post("/api/v1/assets", content=body, headers={"Content-Type": ctype, "X-CSRF-Token": "forged"})
    assert r.status_code == 403


def test_every_page_renders_for_an_admin(client: TestClient, factory: Factory) -> None:
    sign_in(client, factory, "admin")
    for path in ("/", "/quan-tri", "/quan-tri/don-vi", "/quan-tri/nguoi-dung", "/quan-tri/tu-vung", "/quan-tri/ho-so",
                 "/quan-tri/khoa-api", "/quan-tri/webhook", "/tai-len", "/cua-toi", "/duyet", "/bo-suu-tap",
                 "/bao-cao"):
        r = client.get(path)
        assert r.status_code == 200, (path, r.text[:500])
        assert "chưa có: dịch vụ" not in r.text  # no "not available yet" page is left
