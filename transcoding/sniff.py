"""Identify a file's real media type from its first bytes — never from its name or Content-Type header.

Returns a MIME type, or raises ExecutableContent for programs and scripts disguised as media.
Unknown content gives "application/octet-stream", which no asset kind accepts.
"""

from __future__ import annotations

import json

HEAD_BYTES = 64 * 1024


class ExecutableContent(Exception):
    """Executables, scripts and markup that could run code in a browser: refused whatever their name."""


_EXECUTABLE_MAGIC = (
    b"MZ",  # Windows PE
    b"\x7fELF",
    b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe",  # Mach-O
    b"\xca\xfe\xba\xbe",  # Mach-O fat / Java class
    b"#!",
    b"\x00asm",
    b"dex\n",
)
_SCRIPT_MARKERS = (b"<?php", b"<script", b"<html", b"<!doctype html", b"<%@", b"<iframe")


def _ftyp(head: bytes) -> str | None:
    if len(head) < 12 or head[4:8] != b"ftyp":
        return None
    brand = head[8:12]
    if brand in (b"M4A ", b"M4B ", b"M4P "):
        return "audio/mp4"
    if brand == b"qt  ":
        return "video/quicktime"
    if brand in (b"avif", b"avis"):
        return "image/avif"
    if brand in (b"heic", b"heix", b"mif1", b"msf1"):
        return "image/heic"
    return "video/mp4"


def _riff(head: bytes) -> str | None:
    if head[:4] != b"RIFF" or len(head) < 12:
        return None
    return {b"WAVE": "audio/wav", b"WEBP": "image/webp", b"AVI ": "video/x-msvideo"}.get(head[8:12])


_ODF_TYPES = (b"application/vnd.oasis.opendocument.text", b"application/vnd.oasis.opendocument.spreadsheet",
              b"application/vnd.oasis.opendocument.presentation")


def _zip(head: bytes) -> str:
    # OpenDocument puts an uncompressed "mimetype" entry first (its data starts at byte 38).
    if head[30:38] == b"mimetype":
        for odf in _ODF_TYPES:
            if head[38:38 + len(odf)] == odf and head[38 + len(odf):39 + len(odf)] in (b"", b"P"):
                return odf.decode()
    # OOXML packages name their main part early in the archive; the Q&A importer validates fully later.
    if b"word/" in head:
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if b"xl/" in head:
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    if b"ppt/" in head:
        return "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    return "application/zip"


def _mpeg_audio(head: bytes) -> bool:
    if head[:3] == b"ID3":
        return True
    return len(head) > 2 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0 and (head[1] & 0x06) != 0


_SIGNATURES: list[tuple[bytes, str]] = [
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"%PDF-", "application/pdf"),
    (b"\x1aE\xdf\xa3", "video/x-matroska"),  # WebM is refined by ffprobe later
    (b"fLaC", "audio/flac"),
    (b"OggS", "audio/ogg"),
    (b"%!PS", "application/postscript"),
    (b"\xc5\xd0\xd3\xc6", "application/postscript"),
    (b"\x47\x40", "video/mp2t"),
    (b"#EXTM3U", "application/vnd.apple.mpegurl"),
]


def _text(head: bytes) -> str:
    body = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    try:
        # The head may cut a multi-byte character in half: ignore only a trailing fragment.
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(body) - 4:
            return "application/octet-stream"
        text = body[: exc.start].decode("utf-8")
    if "\x00" in text:
        return "application/octet-stream"
    stripped = text.lstrip()
    lowered = stripped[:512].lower()
    if lowered.startswith("<?xml") or lowered.startswith("<svg"):
        return "image/svg+xml" if "<svg" in lowered or "<svg" in text[:4096].lower() else "application/xml"
    if stripped[:1] in ("{", "["):
        try:
            json.loads(text)
            return "application/json"
        except ValueError:
            return "application/json" if len(body) >= HEAD_BYTES else "text/plain"
    if stripped.startswith("#EXTM3U") or "file://" in lowered[:200]:
        return "application/vnd.apple.mpegurl"
    if stripped.startswith("WEBVTT"):
        return "text/vtt"
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if lines and any(line.startswith(("#", "**", "- ", "* ")) for line in lines):
        return "text/markdown"
    if len(lines) >= 2 and all(line.count(",") >= 1 or line.count(";") >= 1 for line in lines[:5]):
        return "text/csv"
    return "text/plain"


def sniff(head: bytes) -> str:
    if not head:
        return "application/x-empty"
    if head.startswith(_EXECUTABLE_MAGIC):
        raise ExecutableContent("executable or script signature")
    lowered = head[:1024].lstrip().lower()
    if any(lowered.startswith(marker) for marker in _SCRIPT_MARKERS):
        raise ExecutableContent("html/script content")
    for magic, media_type in _SIGNATURES:
        if head.startswith(magic):
            return media_type
    for probe in (_ftyp, _riff):
        found = probe(head)
        if found:
            return found
    if head.startswith(b"PK\x03\x04"):
        return _zip(head)
    if _mpeg_audio(head):
        return "audio/mpeg"
    if head[:2] == b"\xff\xf1" or head[:2] == b"\xff\xf9":
        return "audio/aac"
    return _text(head)


# What each asset kind accepts. Anything else is refused before it reaches a decoder.
KIND_TYPES: dict[str, frozenset[str]] = {
    "infographic": frozenset({"image/jpeg", "image/png", "image/webp", "image/tiff", "image/gif"}),
    "poster": frozenset({"image/jpeg", "image/png", "image/webp", "image/tiff", "application/pdf"}),
    "video": frozenset({"video/mp4", "video/quicktime", "video/x-matroska", "video/webm", "video/x-msvideo",
                        "video/mp2t"}),
    "podcast": frozenset({"audio/mpeg", "audio/wav", "audio/flac", "audio/ogg", "audio/mp4", "audio/aac"}),
    "qa_set": frozenset({
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "text/csv", "application/json", "text/markdown", "text/plain",
    }),
    "document": frozenset({"application/pdf",
                           "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                           "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           "application/vnd.oasis.opendocument.text",
                           "application/vnd.oasis.opendocument.spreadsheet",
                           "application/vnd.oasis.opendocument.presentation"}),
}
ALL_ACCEPTED = frozenset().union(*KIND_TYPES.values())
CAPTION_TYPES = frozenset({"text/vtt", "text/plain"})  # SRT sniffs as plain text

EXTENSIONS = {
    "image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/tiff": ".tif", "image/gif": ".gif",
    "image/svg+xml": ".svg", "application/pdf": ".pdf", "video/mp4": ".mp4", "video/quicktime": ".mov",
    "video/x-matroska": ".mkv", "video/webm": ".webm", "video/x-msvideo": ".avi", "video/mp2t": ".ts",
    "audio/mpeg": ".mp3", "audio/wav": ".wav", "audio/flac": ".flac", "audio/ogg": ".ogg", "audio/mp4": ".m4a",
    "audio/aac": ".aac", "text/csv": ".csv", "application/json": ".json", "text/markdown": ".md",
    "text/plain": ".txt", "text/vtt": ".vtt",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.oasis.opendocument.presentation": ".odp",
}
