"""Bulk import through POST /api/v1/imports and `kho import`, with a per-row report and ZIP limits."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Factory, Stack
from tests.corpus.imports import archive, manifest_csv, manifest_xlsx, ratio_bomb, unsafe_archive
from tests.service.assets.leftovers import count_assets, stored_keys
from tests.service.assets.media import png

ZIP = {"Content-Type": "application/zip"}
TOPIC, AUDIENCE, LEVEL = "y-nghia-quan-diem", "nha-giao", "tieu-hoc"


def post(client: TestClient, headers: dict[str, str], body: bytes) -> tuple[int, dict]:
    r = client.post("/api/v1/imports", content=body, headers={**headers, **ZIP})
    return r.status_code, r.json()


def rows_for(names: list[str]) -> list[list[str]]:
    return [[n, "infographic", f"Ảnh nhập hàng loạt {i}", f"{TOPIC}; muc-tieu-giai-phap", AUDIENCE, LEVEL,
             "© Bộ GDĐT", "CC BY 4.0"] for i, n in enumerate(names)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_import_creates_assets_and_reports_each_row(client: TestClient, factory: Factory, fmt: str) -> None:
    headers = factory.headers("producer")
    images = {"ảnh một.png": png(), "thu-muc/anh-hai.png": png()}
    duplicate = png()
    status, first = post(client, headers, archive({"dup.png": duplicate, "manifest.csv": manifest_csv(
        rows_for(["dup.png"]))}))
    assert status == 200 and first["created"] == 1
    rows = rows_for([*images, "dup.png", "khong-co.png", "../etc/passwd"])
    rows.append(["exe.png", "infographic", "Giả ảnh", "", "", "", "", ""])
    rows.append(["thu-muc/anh-hai.png", "infographic", "Lặp lại", "", "", "", "", ""])
    rows.append(["loi-chu-de.png", "infographic", "Sai chủ đề", "khong-ton-tai", "", "", "", ""])
    manifest = manifest_csv(rows) if fmt == "csv" else manifest_xlsx(rows)
    files = {**images, "dup.png": duplicate, "exe.png": b"MZ\x90\x00" + b"\x00" * 100, "loi-chu-de.png": png(),
             "thừa.png": png(), f"manifest.{fmt}": manifest}
    status, report = post(client, headers, archive(files))
    assert status == 200, report
    by_file = {r["file"]: r for r in report["rows"]}
    assert report["total"] == 8 and report["created"] == 2 and report["duplicates"] == 1
    assert report["failed"] == 5
    assert by_file["dup.png"]["asset_id"] == first["rows"][0]["asset_id"]
    assert by_file["khong-co.png"]["code"] == "import_missing_entry"
    assert by_file["../etc/passwd"]["code"] == "import_unsafe_name"
    assert by_file["exe.png"]["code"] == "executable_content"
    assert by_file["loi-chu-de.png"]["code"] == "unknown_term"
    assert [r["code"] for r in report["rows"] if r["file"] == "thu-muc/anh-hai.png"][1] == "import_duplicate_row"
    assert report["unlisted"] == ["thừa.png"]
    asset = client.get(f"/api/v1/assets/{by_file['ảnh một.png']['asset_id']}", headers=headers).json()
    assert asset["topics"] == [TOPIC, "muc-tieu-giai-phap"] or sorted(asset["topics"]) == sorted(
        [TOPIC, "muc-tieu-giai-phap"])
    assert asset["levels"] == [LEVEL] and asset["rights"]["licence"] == "CC BY 4.0"
    assert asset["current_version"]["original_filename"] == "ảnh một.png"
    assert asset["current_version"]["sha256"] == hashlib.sha256(images["ảnh một.png"]).hexdigest()


@pytest.mark.parametrize(("body", "status", "code"), [
    (b"not a zip at all", 400, "import_not_zip"),
    (archive({"a.png": b"x"}), 422, "import_no_manifest"),
    (archive({"manifest.csv": b"ten,cot\\n1,2\\n"}), 422, "import_bad_manifest"),
    (unsafe_archive("../../escape.png", b"x"), 413, "import_limits"),
    (unsafe_archive("/abs/escape.png", b"x"), 413, "import_limits"),
])
def test_bad_archives_are_refused(client: TestClient, factory: Factory, body: bytes, status: int,
                                  code: str) -> None:
    rows, keys = count_assets(), stored_keys()
    got, problem = post(client, factory.headers("producer"), body)
    assert (got, problem["code"]) == (status, code), problem
    assert (count_assets(), stored_keys()) == (rows, keys)


def test_ratio_and_entry_limits(client: TestClient, factory: Factory, monkeypatch: pytest.MonkeyPatch) -> None:
    from service.core.runtime import get_settings

    headers = factory.headers("producer")
    got, problem = post(client, headers, ratio_bomb())
    assert (got, problem["code"]) == (413, "import_limits") and "ratio" in problem["detail_en"]
    monkeypatch.setattr(get_settings().limits, "import_max_entries", 3)
    many = archive({f"{i}.png": png() for i in range(5)} | {"manifest.csv": manifest_csv([])})
    got, problem = post(client, headers, many)
    assert (got, problem["code"]) == (413, "import_limits")
    assert post(client, factory.headers("staff"), many)[0] == 403
    r = client.post("/api/v1/imports", content=b"{}", headers={**headers, "Content-Type": "application/json"})
    assert r.status_code == 415


@pytest.mark.slow
def test_cli_import(stack: Stack, factory: Factory, tmp_path: Path) -> None:
    import os

    org = factory.org()
    email, _ = factory.user("producer", org)
    path = tmp_path / "nhap.zip"
    path.write_bytes(archive({"a.png": png(), "manifest.csv": manifest_csv(rows_for(["a.png"]))}))
    result = subprocess.run([sys.executable, "-m", "service.cli", "import", str(path), "--org", org, "--user", email],
                            capture_output=True, text=True, timeout=120, env=dict(os.environ))
    assert result.returncode == 0, result.stderr
    assert '"created": 1' in result.stdout
