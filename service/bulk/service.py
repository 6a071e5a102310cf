"""Bulk import: every manifest row goes through the ingest path of a direct upload (sniff, per-kind
limit, dedup, rows, process job) in its own transaction, so one bad row never spoils the others."""

from __future__ import annotations

import logging
import stat
import unicodedata
import uuid
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from service.assets import service as assets
from service.assets.ingest import store_original
from service.assets.upload import check_fits_kind
from service.audit import service as audit
from service.bulk import manifest
from service.core.config import Settings
from service.core.db import unit_of_work
from service.core.errors import KhoError, scrub_paths
from service.core.runtime import Runtime
from service.identity.principal import Principal
from service.inputs.text import client_filename
from service.tus.metadata import asset_meta
from transcoding.qa.ziplimits import ZipLimitError, ZipLimits, check_zip

log = logging.getLogger("kho.bulk")
MANIFEST_NAMES = ("manifest.csv", "manifest.xlsx")


@dataclass
class RowResult:
    row: int
    file: str
    status: str  # created | duplicate | error
    asset_id: str | None = None
    code: str | None = None
    detail: str | None = None


@dataclass
class ImportReport:
    total: int = 0
    created: int = 0
    duplicates: int = 0
    failed: int = 0
    rows: list[RowResult] = field(default_factory=list)
    unlisted: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _key(name: str) -> str:
    return unicodedata.normalize("NFC", name.replace("\\", "/")).strip().strip("/").casefold()


def limits(ops: Settings) -> ZipLimits:
    top = ops.limits.max_upload_bytes
    return ZipLimits(max_entries=ops.limits.import_max_entries, max_total_bytes=ops.limits.max_import_bytes,
                     max_entry_bytes=top, max_ratio=ops.limits.import_max_ratio)


def open_archive(settings: Settings, path: Path) -> tuple[zipfile.ZipFile, dict[str, zipfile.ZipInfo]]:
    try:
        infos = check_zip(path, limits(settings))
    except ZipLimitError as exc:
        if exc.code == "corrupt":
            raise KhoError("import_not_zip", status=400, reason=exc.detail[:200]) from exc
        raise KhoError("import_limits", status=413, reason=exc.detail[:200]) from exc
    files = {_key(i.filename): i for i in infos if not i.is_dir() and not _key(i.filename).startswith("__macosx/")}
    return zipfile.ZipFile(path), files


def run_import(rt: Runtime, path: Path, principal: Principal, owner_org_id: uuid.UUID | None = None) -> ImportReport:
    archive, files = open_archive(rt.settings, path)
    with archive:
        name = next((n for n in files if PurePosixPath(n).name in MANIFEST_NAMES and n.count("/") <= 1), None)
        if name is None:
            raise KhoError("import_no_manifest", status=422)
        info = files.pop(name)
        if info.file_size > manifest.MAX_MANIFEST_BYTES:
            raise KhoError("import_bad_manifest", status=413, reason="the manifest is larger than 10 MB")
        rows = manifest.parse(name, archive.read(info))
        base = name.rsplit("/", 1)[0] + "/" if "/" in name else ""
        report = ImportReport(total=len(rows))
        seen: set[str] = set()
        for row in rows:
            result = _import_row(rt, archive, files, base, seen, row, principal, owner_org_id)
            report.rows.append(result)
            if result.status == "created":
                report.created += 1
            elif result.status == "duplicate":
                report.duplicates += 1
            else:
                report.failed += 1
        report.unlisted = sorted(info.filename for key, info in files.items() if key not in seen)[:1000]
    with unit_of_work(rt.sessionmaker) as session:
        audit.record(session, "import.completed", "import", str(uuid.uuid4()), actor=principal,
                     total=report.total, created=report.created, duplicates=report.duplicates,
                     failed=report.failed)
    return report


def _entry(files: dict[str, zipfile.ZipInfo], base: str, seen: set[str], file: str) -> zipfile.ZipInfo:
    name = PurePosixPath(unicodedata.normalize("NFC", file.replace("\\", "/")))
    if not file or name.is_absolute() or ".." in name.parts:
        raise KhoError("import_unsafe_name", status=422, name=file[:200])
    key = _key(base + str(name))
    if key in seen:
        raise KhoError("import_duplicate_row", status=422, name=file[:200])
    info = files.get(key)
    if info is None:
        raise KhoError("import_missing_entry", status=422, name=file[:200])
    if stat.S_ISLNK(info.external_attr >> 16):
        raise KhoError("import_unsafe_name", status=422, name=file[:200])  # never follow a stored symlink
    seen.add(key)
    return info


def _import_row(rt: Runtime, archive: zipfile.ZipFile, files: dict[str, zipfile.ZipInfo], base: str, seen: set[str],
                row: manifest.ManifestRow, principal: Principal, owner_org_id: uuid.UUID | None) -> RowResult:
    result = RowResult(row=row.number, file=row.file, status="error")
    try:
        info = _entry(files, base, seen, row.file)
        fields = dict(row.fields)
        if owner_org_id is not None:
            fields.setdefault("owner_org_id", str(owner_org_id))
        meta = asset_meta(fields)
        store = rt.store
        asset_id = uuid.uuid4()
        with unit_of_work(rt.sessionmaker) as session, archive.open(info) as source:
            stored = store_original(store, source, kind=meta.kind, limit=rt.settings.limits.upload_limits[meta.kind],
                                    asset_id=asset_id, version=1)
            filename = client_filename(info.filename)
            asset = assets.create_from_upload(session, store, principal, meta, stored, filename, asset_id)
            check_fits_kind(rt.settings, store, stored, meta.kind, filename)  # after: the rollback deletes the bytes
        result.status, result.asset_id = "created", str(asset.id)
    except KhoError as exc:
        result.code, result.detail = exc.code, exc.detail_vi
        if exc.code == "duplicate_file":
            result.status, result.asset_id = "duplicate", str(exc.extra.get("asset_id"))
        if exc.status >= 500:
            raise  # an outage is not a bad row: stop, the client retries the whole import
    except (zipfile.BadZipFile, OSError) as exc:
        result.code, result.detail = "import_not_zip", scrub_paths(str(exc))[:300]
    return result
