"""parse_qa: one entry point for every Q&A import format."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from transcoding.qa.import_docx import parse_docx
from transcoding.qa.import_json import parse_json
from transcoding.qa.import_markdown import parse_markdown
from transcoding.qa.import_table import parse_csv
from transcoding.qa.import_xlsx import parse_xlsx
from transcoding.qa.report import ImportReport, QaImportError
from transcoding.qa.ziplimits import DEFAULT_LIMITS, ZipLimitError, ZipLimits, check_xml_parts

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

MEDIA_TYPES: dict[str, str] = {
    DOCX: "docx",
    XLSX: "xlsx",
    "text/csv": "csv",
    "application/csv": "csv",
    "text/comma-separated-values": "csv",
    "application/json": "json",
    "text/json": "json",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
}
# Generic types (what a browser or `file` says when unsure) fall back to the file extension.
_GENERIC = {"application/octet-stream", "text/plain", "application/zip", "application/x-zip-compressed", ""}
_EXTENSIONS = {
    ".docx": "docx",
    ".xlsx": "xlsx",
    ".csv": "csv",
    ".json": "json",
    ".md": "markdown",
    ".markdown": "markdown",
}
_READERS: dict[str, Callable[[Path, str], ImportReport]] = {
    "docx": parse_docx,
    "xlsx": parse_xlsx,
    "csv": parse_csv,
    "json": parse_json,
    "markdown": parse_markdown,
}


def import_format(path: Path, media_type: str) -> str:
    base = media_type.split(";", 1)[0].strip().lower()
    fmt = MEDIA_TYPES.get(base)
    if fmt is None and base in _GENERIC:
        fmt = _EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        raise QaImportError.of("unsupported_type", None, media_type=media_type or "?")
    return fmt


def parse_qa(
    path: Path, media_type: str, *, title: str | None = None, zip_limits: ZipLimits = DEFAULT_LIMITS
) -> ImportReport:
    """Reads a Q&A set. `title` is used when the file names none (CSV never does); defaults to the file stem.

    Raises QaImportError (a BadMediaError: permanent, never retried) naming the first bad row/paragraph.
    """
    fmt = import_format(path, media_type)
    if fmt in ("docx", "xlsx"):
        try:
            check_xml_parts(path, zip_limits)
        except ZipLimitError as exc:
            code = exc.code if exc.code in ("xml_forbidden", "corrupt") else "zip_limits"
            raise QaImportError.of(code, "ZIP", detail=exc.detail) from exc
    return _READERS[fmt](path, title or path.stem)
