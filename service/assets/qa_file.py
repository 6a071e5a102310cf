"""Reading an uploaded Q&A file (CSV, TSV, XLSX, DOCX, JSON): the check every way in makes before an upload
is answered (`check_fits_kind`), and the parse the Q&A pages and editor read a stored version with.

In the assets package because the upload check needs it: the qa package builds on assets, not under it."""

from __future__ import annotations

import tempfile
from pathlib import Path

from service.core.errors import KhoError, ServiceUnavailable
from storage.base import ObjectStore, StorageUnavailable
from transcoding.qa.importers import parse_qa
from transcoding.qa.report import ImportReport, QaImportError
from transcoding.sniff import EXTENSIONS
from transcoding.types import BadMediaError

GENERIC_TYPES = frozenset({"text/plain", "application/octet-stream", ""})


def import_failed(exc: BadMediaError) -> KhoError:
    """The importer's error as problem+json: 422 `qa_import_failed`, naming the first bad row/paragraph.
    The importer's own code goes to `import_code` (`code` is the problem's stable code)."""
    location = getattr(exc, "location", None)
    vi = getattr(exc, "message_vi", str(exc))
    en = getattr(exc, "message_en", str(exc))
    where = f" ({location})" if location else ""
    return KhoError("qa_import_failed", status=422, reason_vi=vi, reason_en=en,
                    where_vi=where, where_en=where,
                    extra={"location": location, "import_code": exc.code, "message_vi": vi, "message_en": en})


def parse_file(path: Path, media_type: str, *, title: str | None = None) -> ImportReport:
    """parse_qa with its failures as a 422 problem. Anything the importer did not foresee (a bug or a
    file so odd that a reader library crashed) is also the file's fault from the uploader's view."""
    try:
        return parse_qa(path, media_type, title=title)
    except BadMediaError as exc:
        raise import_failed(exc) from exc
    except (ValueError, KeyError, IndexError, TypeError, OSError) as exc:
        raise import_failed(QaImportError.of("corrupt", None, detail=type(exc).__name__)) from exc


def _suffix(media_type: str, filename: str | None) -> str:
    if filename and Path(filename).suffix:
        return Path(filename).suffix.lower()[:16]
    return EXTENSIONS.get(media_type.split(";", 1)[0].strip().lower(), ".bin")


def read_upload(source: Path | bytes, media_type: str, *, filename: str | None = None) -> ImportReport:
    """Parse an uploaded original. With bytes, `filename`'s extension (else the media type's) names the
    format when the media type is generic (text/plain, application/octet-stream)."""
    if isinstance(source, Path):
        return parse_file(source, media_type)
    with tempfile.TemporaryDirectory(prefix="kho-qa-") as tmp:
        path = Path(tmp) / f"upload{_suffix(media_type, filename)}"
        path.write_bytes(source)
        return parse_file(path, media_type)


def validate_upload(source: Path | bytes, media_type: str, *, filename: str | None = None) -> None:
    """Raises KhoError 422 `qa_import_failed` (extra: location, import_code) if the file is no Q&A set."""
    read_upload(source, media_type, filename=filename)


def read_stored(store: ObjectStore, key: str, media_type: str, *, title: str | None = None,
                filename: str | None = None) -> ImportReport:
    """Parse an original already in the store. By default under the key's extension — exactly what the
    processing job sees today, so what passes here does not fail there. With `filename`, a generic media
    type (a CSV with multi-line cells or a TSV sniffs as text/plain) is read by the uploaded name's
    extension instead; pass it only once the job does the same."""
    suffix = Path(key).suffix
    if filename and media_type.split(";", 1)[0].strip().lower() in GENERIC_TYPES:
        suffix = _suffix(media_type, filename)
    with tempfile.TemporaryDirectory(prefix="kho-qa-") as tmp:
        path = Path(tmp) / f"original{suffix}"
        try:
            with store.open(key) as reader, path.open("wb") as out:
                for chunk in reader.iter_chunks():
                    out.write(chunk)
        except StorageUnavailable as exc:
            raise ServiceUnavailable("storage_unavailable") from exc
        return parse_file(path, media_type, title=title)


def validate_stored_original(store: ObjectStore, key: str, media_type: str, *,
                             filename: str | None = None) -> None:
    """The upload-time check: call after the original is stored, for kind `qa_set`, before the rows exist
    (the caller's cleanup then deletes the stored bytes). See read_stored for `filename`."""
    read_stored(store, key, media_type, filename=filename)
