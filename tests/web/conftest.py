"""Fast page tests on the real app (TestClient) over the stacks of tests/conftest.py."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.conftest import Factory

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "page has no CSRF field"
    return match.group(1)


def sign_in(web: TestClient, make: Factory, role: str, org_code: str | None = None) -> str:
    """Signs in through the form; returns the e-mail. The client keeps the session cookie."""
    email, _ = make.user(role, org_code)
    page = web.get("/dang-nhap")
    r = web.post("/dang-nhap", data={"email": email, "password": "pw-" + email, "next": "/",
                                     "csrf_token": csrf_from(page.text)}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return email


def another(web: TestClient) -> TestClient:
    """A second browser on the same app (its own cookies), for journeys with several people."""
    return TestClient(web.app, raise_server_exceptions=False)


def upload_as(web: TestClient, title: str, kind: str = "infographic", *, filename: str = "anh.png",
              content: bytes | None = None, **extra: object) -> str:
    """Uploads through the API with the page's session and CSRF header, as upload.js does."""
    from tests.service.assets.media import meta, multipart, png

    body, ctype = multipart(meta(kind, title=title, alt_text="Mô tả ảnh", **extra), filename,
                            png() if content is None else content)
    token = csrf_from(web.get("/tai-len").text)
    r = web.post("/api/v1/assets", content=body, headers={"Content-Type": ctype, "X-CSRF-Token": token})
    assert r.status_code == 201, r.text
    return str(r.json()["id"])
