"""Bad input is the client's error on both stacks: control characters, JSON nested too deep or not UTF-8,
hostile file names, huge echoed values. A clear 4xx with a problem body, nothing stored, never a 5xx."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any
from urllib.parse import quote

import pytest
from fastapi import Request
from fastapi.testclient import TestClient

from tests.conftest import Factory, Stack
from tests.corpus.hostile import (
    CONTROL_STRINGS,
    HOSTILE_FILENAMES,
    INVALID_UTF8_JSON,
    LINE_BREAKS,
    LONG_TITLE,
    deep_array,
    deep_json,
)
from tests.service.assets.leftovers import count_assets, stored_keys
from tests.service.assets.media import meta, multipart, png

CONTROLS = [pytest.param(v, id=k) for k, v in CONTROL_STRINGS.items()]
TUS = {"Tus-Resumable": "1.0.0"}


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def problem(r: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, (r.status_code, r.text[:500])
    assert r.headers["content-type"].startswith("application/problem+json"), r.headers
    body: dict[str, Any] = r.json()
    assert body["status"] == status and body["detail"] and body["detail_en"]
    if code is not None:
        assert body["code"] == code, body
    assert "internal_error" not in body["code"] and "try again later" not in body["detail_en"]
    return body


def upload(client: TestClient, headers: dict[str, str], meta_json: str, filename: str = "a.png",
           content: bytes | None = None) -> Any:
    body, ctype = multipart(meta_json, filename, content or png())
    return client.post("/api/v1/assets", content=body, headers={**headers, "Content-Type": ctype})


def new_asset(client: TestClient, headers: dict[str, str]) -> str:
    r = upload(client, headers, meta())
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


@pytest.mark.parametrize("text", CONTROLS)
def test_login_email_with_control_character(client: TestClient, text: str) -> None:
    """The unauthenticated endpoints, API and web form alike."""
    r = client.post("/api/v1/auth/token", json={"email": f"{text}@truong.edu.vn", "password": "mật khẩu"})
    problem(r, 422, "control_characters")
    r = client.post("/dang-nhap", data={"email": f"{text}@truong.edu.vn", "password": "x", "next": "/"})
    problem(r, 422, "control_characters")


@pytest.mark.parametrize("text", CONTROLS)
def test_title_with_control_character_everywhere_it_enters(client: TestClient, factory: Factory,
                                                           text: str) -> None:
    headers = factory.headers("producer")
    asset_id = new_asset(client, headers)
    rows, keys = count_assets(), stored_keys()
    body = problem(upload(client, headers, meta(title=text)), 422, "control_characters")
    assert body["errors"][0]["loc"] == ["metadata", "title"]
    problem(client.patch(f"/api/v1/assets/{asset_id}", json={"title": text}, headers=headers), 422)
    problem(client.patch(f"/api/v1/assets/{asset_id}", json={"summary": text}, headers=headers), 422)
    problem(client.patch(f"/api/v1/assets/{asset_id}", json={"tags": ["ok", text]}, headers=headers), 422)
    tus_meta = f"filename {b64('a.png')},metadata {b64(meta(title=text))}"
    problem(client.post("/api/v1/uploads/", headers={**headers, **TUS, "Upload-Length": "100",
                                                     "Upload-Metadata": tus_meta}), 422, "control_characters")
    problem(client.get("/api/v1/search", params={"q": text}, headers=headers), 422, "control_characters")
    problem(client.get(f"/api/v1/kits/{quote(text)}", headers=headers), 422, "control_characters")
    assert (count_assets(), stored_keys()) == (rows, keys)
    assert client.get(f"/api/v1/assets/{asset_id}", headers=headers).json()["title"] == json.loads(meta())["title"]


def test_line_breaks_only_where_text_may_span_lines(client: TestClient, factory: Factory) -> None:
    headers = factory.headers("producer")
    asset_id = new_asset(client, headers)
    for name, text in LINE_BREAKS.items():
        r = client.patch(f"/api/v1/assets/{asset_id}", json={"summary": text}, headers=headers)
        assert r.status_code == 200, (name, r.text)
        assert r.json()["summary"] == text.strip()
        problem(client.patch(f"/api/v1/assets/{asset_id}", json={"title": f"a {text} b"}, headers=headers), 422)


@pytest.mark.parametrize("deep", [deep_json, deep_array], ids=["object", "array"])
def test_deeply_nested_json_is_422(client: TestClient, factory: Factory, deep: Any) -> None:
    headers = factory.headers("producer")
    asset_id = new_asset(client, headers)
    rows, keys = count_assets(), stored_keys()
    problem(upload(client, headers, deep()), 422, "json_too_deep")
    problem(upload(client, headers, deep(70)), 422, "json_too_deep")  # under the parser's limit, over ours
    json_headers = {**headers, "Content-Type": "application/json"}
    problem(client.post("/api/v1/auth/token", content=deep(), headers=json_headers), 422, "json_too_deep")
    problem(client.patch(f"/api/v1/assets/{asset_id}", content=deep(), headers=json_headers), 422, "json_too_deep")
    tus_meta = f"metadata {b64(deep(5000))}"
    problem(client.post("/api/v1/uploads/", headers={**headers, **TUS, "Upload-Length": "100",
                                                     "Upload-Metadata": tus_meta}), 422, "json_too_deep")
    assert (count_assets(), stored_keys()) == (rows, keys)


def test_invalid_utf8_and_malformed_json_say_it_is_the_clients_error(client: TestClient, factory: Factory) -> None:
    headers = factory.headers("producer")
    asset_id = new_asset(client, headers)
    json_headers = {"Content-Type": "application/json"}
    body = problem(client.post("/api/v1/auth/token", content=INVALID_UTF8_JSON, headers=json_headers), 400,
                   "invalid_json")
    assert "UTF-8" in body["detail_en"]
    problem(client.patch(f"/api/v1/assets/{asset_id}", content=INVALID_UTF8_JSON,
                         headers={**headers, **json_headers}), 400, "invalid_json")
    problem(client.post("/api/v1/auth/token", content=b'{"email": ', headers=json_headers), 400, "invalid_json")
    problem(client.post("/dang-nhap", content=b"email=%FF%FE&password=x",
                        headers={"Content-Type": "application/x-www-form-urlencoded"}), 400, "invalid_encoding")


def test_echoed_input_is_truncated(client: TestClient, factory: Factory) -> None:
    headers = factory.headers("producer")
    asset_id = new_asset(client, headers)
    for r in (upload(client, headers, meta(title=LONG_TITLE)),
              client.patch(f"/api/v1/assets/{asset_id}", json={"title": LONG_TITLE}, headers=headers),
              client.post("/api/v1/auth/token", json={"email": LONG_TITLE, "password": "x"}),
              client.post("/api/v1/auth/token", json={"email": "a@b.c", LONG_TITLE: "x", "password": "x"}),
              client.get(f"/api/v1/kits/{quote(LONG_TITLE[:20_000] + chr(1))}", headers=headers)):
        assert 400 <= r.status_code < 500, r.status_code
        assert len(r.content) < 6_000, (r.status_code, len(r.content))


@pytest.mark.parametrize("name", list(HOSTILE_FILENAMES))
def test_client_file_names_are_stored_sanitised(client: TestClient, factory: Factory, name: str) -> None:
    from service.inputs.text import client_filename

    headers = factory.headers("producer")
    raw = HOSTILE_FILENAMES[name]
    body, ctype = multipart(meta(), "PLACEHOLDER", png())
    body = body.replace(b'filename="PLACEHOLDER"', b'filename="' + raw.replace('"', "").encode() + b'"')
    r = client.post("/api/v1/assets", content=body, headers={**headers, "Content-Type": ctype})
    assert r.status_code == 201, r.text
    stored = r.json()["current_version"]["original_filename"]
    for forbidden in ("/", "\\", "\r", "\n", "\x00", "\u202e"):
        assert forbidden not in stored, (name, stored)
    assert not stored.startswith(".") and 0 < len(stored) <= 255
    if "\r" not in raw and "\n" not in raw:  # a line break ends the part header: the server sees less
        assert stored == client_filename(raw)
    listed = client.get(f"/api/v1/assets/{r.json()['id']}/versions", headers=headers)
    assert stored in listed.text


def test_tus_file_name_is_sanitised_with_the_same_rule(client: TestClient, factory: Factory) -> None:
    from service.inputs.text import client_filename

    headers = factory.headers("producer")
    content = png()
    tus_meta = f"filename {b64(HOSTILE_FILENAMES['header-injection'])},metadata {b64(meta())}"
    r = client.post("/api/v1/uploads/", content=content, headers={
        **headers, **TUS, "Upload-Length": str(len(content)), "Upload-Metadata": tus_meta,
        "Content-Type": "application/offset+octet-stream"})
    assert r.status_code == 201, r.text
    state = client.head(r.headers["location"], headers={**headers, **TUS})
    asset = client.get(f"/api/v1/assets/{state.headers['kho-asset-id']}", headers=headers).json()
    stored = asset["current_version"]["original_filename"]
    assert stored == client_filename(HOSTILE_FILENAMES["header-injection"]) == "ảnh.png__X-Injected_ 1"


def test_database_refusal_is_a_422_not_a_500(stack: Stack) -> None:
    """The last line behind the screen: a value the database refuses (NUL on PostgreSQL, an integer out
    of range on either) answers 422 even on a route the screen does not see (a header here)."""
    from sqlalchemy import text

    from service.app import create_app
    from service.core.db import unit_of_work

    app = create_app()

    @app.get("/test-only/echo")
    def echo(request: Request) -> dict[str, str]:
        value: object = request.headers["x-value"] if stack.is_postgres else 2**70
        with unit_of_work() as session:
            return {"value": str(session.execute(text("select :v"), {"v": value}).scalar())}

    with TestClient(app, raise_server_exceptions=False) as c:
        value = "a\x00b" if stack.is_postgres else "x"
        r = c.get("/test-only/echo", headers={"X-Value": value})
        problem(r, 422, "unstorable_value")


def test_job_error_served_without_traceback_or_path(client: TestClient, factory: Factory) -> None:
    """Rows written before errors were sanitised (a traceback with server paths) are cleaned when served."""
    from service.core.db import unit_of_work
    from service.jobs import repository as jobs_repo

    headers = factory.headers("producer")
    asset_id = new_asset(client, headers)
    versions = client.get(f"/api/v1/assets/{asset_id}/versions", headers=headers).json()
    job_id = f"process:{versions[0]['id'] if isinstance(versions, list) else versions['items'][0]['id']}"
    leaked = ("cannot identify image file '/srv/kho/var/tmp/job-1/original.tif'\nTraceback (most recent call "
              'last):\n  File "/srv/kho/.venv/lib/python3.11/site-packages/PIL/Image.py", line 3, in open\n'
              "TypeError: Missing dimensions")
    with unit_of_work() as session:
        job = jobs_repo.get(session, job_id)
        assert job is not None
        job.status, job.error, job.error_code = "failed", leaked, "TypeError"
    for path in (f"/api/v1/jobs/{job_id}", f"/api/v1/assets/{asset_id}/renditions"):
        r = client.get(path, headers=headers)
        assert r.status_code == 200, r.text
        assert "Traceback" not in r.text and "/srv/" not in r.text and "site-packages" not in r.text, r.text
        assert "original.tif" in r.text


@pytest.mark.parametrize("text", CONTROLS)
def test_organisation_csv_row_with_control_character_is_a_row_error(client: TestClient, factory: Factory,
                                                                     text: str) -> None:
    parent = factory.org()
    code = f"X-{uuid.uuid4().hex[:6]}"
    csv = f"code,name,parent_code,kind\n{code},Trường {text} thử,{parent},school\n"
    r = client.post("/api/v1/organisations/import", content=csv.encode(),
                    headers={**factory.headers("admin", parent), "Content-Type": "text/csv"})
    assert r.status_code == 200, r.text
    assert r.json()["rows"][0]["status"] == "error" and "control character" in r.json()["rows"][0]["error"]
    assert code not in client.get("/api/v1/organisations", headers=factory.headers("admin", parent)).text
