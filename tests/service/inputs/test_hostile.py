"""The hostile corpus through the real upload path and the real job runner (ffmpeg, Pillow, pdfium in the
memory-capped child): a clear 4xx at upload or a failed job with a reason; never a 5xx, a hang or a leak."""

from __future__ import annotations

import os
import re
import stat
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Factory, Stack
from tests.corpus.hostile import CORPUS, HostileFile, png_bomb
from tests.service.assets.leftovers import count_assets, stored_keys
from tests.service.assets.media import meta, multipart

# Every test here runs the real processing job on a hostile file (or a bulk import): the slow lane.
pytestmark = pytest.mark.slow
JOB_WALL_LIMIT = 120.0


def upload(client: TestClient, headers: dict[str, str], item: HostileFile, content: bytes) -> tuple[int, dict]:
    body, ctype = multipart(meta(item.kind, title=f"Tệp độc hại {item.name}"), item.filename, content)
    r = client.post("/api/v1/assets", content=body, headers={**headers, "Content-Type": ctype})
    assert r.headers["content-type"].startswith("application/json" if r.status_code == 201 else
                                                 "application/problem+json"), r.text
    return r.status_code, r.json()


def job_leftovers() -> list[str]:
    from service.core.runtime import get_settings

    tmp = get_settings().tmp_dir
    return sorted(p.name for p in tmp.glob("job-*")) if tmp.exists() else []


def run_processing(version_id: str) -> tuple[str, str | None, str | None]:
    from service.core.db import unit_of_work
    from service.core.runtime import current
    from service.jobs import repository as jobs_repo
    from service.jobs.runner import run_job

    job_id = f"process:{version_id}"
    started = time.monotonic()
    status = run_job(current(), job_id)
    while status == "retrying":  # a transient failure retries; run the attempts inline too
        status = run_job(current(), job_id)
    assert time.monotonic() - started < JOB_WALL_LIMIT * 3
    with unit_of_work() as session:
        job = jobs_repo.get(session, job_id)
        assert job is not None
        return job.status, job.error_code, job.error


@pytest.fixture
def ghostscript_trap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake `gs` first on PATH that leaves a mark if anything ever runs Ghostscript."""
    marker = tmp_path / "gs-was-run"
    fake = tmp_path / "bin" / "gs"
    fake.parent.mkdir()
    fake.write_text(f"#!/bin/sh\ntouch {marker}\nexit 1\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    return marker


CASES = [pytest.param(c, id=c.name) for c in CORPUS]


@pytest.mark.parametrize("item", CASES)
def test_hostile_file(client: TestClient, factory: Factory, stack: Stack, item: HostileFile,
                      ghostscript_trap: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from service.core.runtime import get_settings

    monkeypatch.setattr(get_settings().jobs, "timeout_seconds", JOB_WALL_LIMIT)
    headers = factory.headers("producer")
    rows, keys, jobs_before = count_assets(), stored_keys(), job_leftovers()
    status, body = upload(client, headers, item, item.make())
    assert status < 500, body
    if status != 201:
        assert 400 <= status < 500 and body["code"] and body["detail"]
        assert (count_assets(), stored_keys()) == (rows, keys)
    else:
        job_status, code, error = run_processing(body["current_version"]["id"])
        assert job_status == "failed", (item.name, job_status)
        assert code and error, (code, error)
    assert job_leftovers() == jobs_before
    assert not ghostscript_trap.exists(), "Ghostscript was run"


def test_polyglot_is_refused_by_its_job(client: TestClient, factory: Factory, stack: Stack) -> None:
    """A PNG that is also a ZIP passes the header sniff; its job fails with `polyglot`, so no rendition is
    made from it and it is never published."""
    from service.core.db import unit_of_work
    from service.renditions import repository as rendition_repository
    from tests.corpus.hostile import png_zip_polyglot

    if stack.name != "sqlite-local":
        pytest.skip("one stack is enough")
    item = HostileFile("png-zip-polyglot", "poly.png", "infographic", png_zip_polyglot)
    headers = factory.headers("producer")
    status, body = upload(client, headers, item, item.make())
    assert status == 201
    job_status, code, error = run_processing(body["current_version"]["id"])
    assert (job_status, code) == ("failed", "polyglot"), error
    with unit_of_work() as session:
        assert rendition_repository.of_version(session, __import__("uuid").UUID(body["current_version"]["id"])) == []


def test_memory_bomb_kills_the_job_not_the_worker(client: TestClient, factory: Factory, stack: Stack,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Under the pixel limits but over a 256 MB address-space cap: the child dies, this process lives on."""
    from service.core.runtime import get_settings

    if stack.name != "sqlite-local":
        pytest.skip("one stack is enough: isolation does not depend on the database or the store")
    monkeypatch.setattr(get_settings().jobs, "memory_limit_mb", 256)
    monkeypatch.setattr(get_settings().jobs, "timeout_seconds", JOB_WALL_LIMIT)
    item = HostileFile("rgba-bomb", "rgba.png", "infographic", lambda: png_bomb(9000, 8, 6))
    status, body = upload(client, factory.headers("producer"), item, item.make())
    assert status == 201, body
    job_status, code, error = run_processing(body["current_version"]["id"])
    assert job_status == "failed" and code and error
    assert code in ("memory_limit", "processor_crashed", "too_large", "decompression_bomb") or "pixel" in error
    assert client.get("/healthz").status_code == 200  # the worker (this process) is still serving


SERVER_PATH = re.compile(r"Traceback|site-packages|(?<![\w:/.])/(?:tmp|srv|home|work|usr|var|opt|root)/")


@pytest.mark.parametrize(("name", "code"), [("tiff-frame-without-dimensions", "corrupt_image"),
                                            ("png-short-image-data", "truncated_image"),
                                            ("png-without-iend", "truncated_image")])
def test_undecodable_image_is_one_named_permanent_failure(client: TestClient, factory: Factory, stack: Stack,
                                                          name: str, code: str) -> None:
    """Tried once (not three times), named, no rendition made, and what the API shows of the failure
    carries neither a traceback nor a server path."""
    item = next(c for c in CORPUS if c.name == name)
    headers = factory.headers("producer")
    status, body = upload(client, headers, item, item.make())
    assert status == 201, body
    version_id = body["current_version"]["id"]
    job_status, job_code, _ = run_processing(version_id)
    assert (job_status, job_code) == ("failed", code)
    job = client.get(f"/api/v1/jobs/process:{version_id}", headers=headers)
    assert job.status_code == 200 and job.json()["attempts"] == 1, job.text
    renditions = client.get(f"/api/v1/assets/{body['id']}/renditions", headers=headers)
    assert renditions.status_code == 200
    assert all(p["renditions"] == [] for p in renditions.json()["profiles"])
    for text in (job.text, renditions.text):
        assert job.json()["error"] and not SERVER_PATH.search(text), text


def test_qa_zip_bomb_refused_at_upload_on_tus_and_bulk_import(client: TestClient, factory: Factory) -> None:
    """The same early check as a multipart upload: no asset, no stored bytes, no job to fail later."""
    from tests.corpus.hostile import zip_bomb_docx
    from tests.corpus.imports import archive, manifest_csv
    from tests.service.inputs.tusmedia import TUS, tus_metadata

    headers = factory.headers("producer")
    bomb = zip_bomb_docx()
    rows, keys = count_assets(), stored_keys()
    tus_meta = tus_metadata({"filename": "bomb.docx", "metadata": meta("qa_set", title="Bộ câu hỏi bom")})
    r = client.post("/api/v1/uploads/", content=bomb, headers={
        **headers, **TUS, "Upload-Length": str(len(bomb)), "Upload-Metadata": tus_meta,
        "Content-Type": "application/offset+octet-stream"})
    assert 400 <= r.status_code < 500 and r.headers["content-type"].startswith("application/problem+json"), r.text
    manifest = manifest_csv([["bomb.docx", "qa_set", "Bộ câu hỏi bom", "", "", "", "", ""]])
    r = client.post("/api/v1/imports", content=archive({"bomb.docx": bomb, "manifest.csv": manifest}),
                    headers={**headers, "Content-Type": "application/zip"})
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 0 and r.json()["rows"][0]["status"] == "error", r.json()
    assert (count_assets(), stored_keys()) == (rows, keys)
