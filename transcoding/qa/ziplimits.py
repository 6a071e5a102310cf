"""Safe opening of ZIP containers (DOCX, XLSX, ...): limits checked before any library unpacks them.

`check_zip` rejects archives with too many entries, too much uncompressed data, a suspicious
compression ratio (zip bombs), absolute or parent-relative names, and encrypted entries.
`check_xml_parts` then parses each XML part with defusedxml, refusing DOCTYPE and ENTITY declarations,
because python-docx and openpyxl hand the parts to lxml, which would otherwise honour them.
Python's zipfile stops reading an entry at its declared size and checks the CRC, so the declared
sizes checked here are the sizes a later reader can actually inflate.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from transcoding.types import BadMediaError


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int = 5_000
    max_total_bytes: int = 200 * 1024 * 1024
    max_entry_bytes: int = 100 * 1024 * 1024
    max_ratio: float = 120.0
    # tiny entries compress absurdly well (a 4 KB run of spaces); the ratio check starts above this size
    ratio_floor_bytes: int = 1024 * 1024


DEFAULT_LIMITS = ZipLimits()


class ZipLimitError(BadMediaError):
    """The container breaks a limit or is not a readable ZIP; `detail` says which (English, for logs)."""

    def __init__(self, detail: str, *, code: str = "zip_limits") -> None:
        super().__init__(detail, code=code)
        self.detail = detail


def check_zip(path: Path, limits: ZipLimits = DEFAULT_LIMITS) -> list[zipfile.ZipInfo]:
    """Returns the entries when every limit holds, else raises ZipLimitError."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ZipLimitError(f"not a readable ZIP container ({exc})", code="corrupt") from exc
    if len(infos) > limits.max_entries:
        raise ZipLimitError(f"{len(infos)} entries > {limits.max_entries}")
    total = compressed = 0
    for info in infos:
        _check_entry(info, limits)
        total += info.file_size
        compressed += info.compress_size
    if total > limits.max_total_bytes:
        raise ZipLimitError(f"{total} uncompressed bytes > {limits.max_total_bytes}")
    if total > limits.ratio_floor_bytes and total > limits.max_ratio * max(compressed, 1):
        raise ZipLimitError(
            f"overall compression ratio {total / max(compressed, 1):.0f} > {limits.max_ratio:.0f}"
        )
    return infos


def _check_entry(info: zipfile.ZipInfo, limits: ZipLimits) -> None:
    name = PurePosixPath(info.filename.replace("\\", "/"))
    if name.is_absolute() or ".." in name.parts:
        raise ZipLimitError(f"unsafe entry name {info.filename!r}")
    if info.flag_bits & 0x1:
        raise ZipLimitError(f"encrypted entry {info.filename!r}")
    if info.file_size > limits.max_entry_bytes:
        raise ZipLimitError(f"entry {info.filename!r} has {info.file_size} bytes > {limits.max_entry_bytes}")
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > limits.ratio_floor_bytes and ratio > limits.max_ratio:
        raise ZipLimitError(f"entry {info.filename!r} compression ratio {ratio:.0f} > {limits.max_ratio:.0f}")


def check_xml_parts(path: Path, limits: ZipLimits = DEFAULT_LIMITS) -> None:
    """check_zip, then every *.xml / *.rels part must parse without DOCTYPE or entity declarations."""
    infos = check_zip(path, limits)
    with zipfile.ZipFile(path) as archive:
        for info in infos:
            if not info.filename.lower().endswith((".xml", ".rels")):
                continue
            try:
                data = archive.read(info)
                SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
            except DefusedXmlException as exc:
                raise ZipLimitError(f"{info.filename}: {type(exc).__name__}", code="xml_forbidden") from exc
            except (SafeET.ParseError, zipfile.BadZipFile, OSError, ValueError) as exc:
                raise ZipLimitError(f"{info.filename}: {exc}", code="corrupt") from exc
