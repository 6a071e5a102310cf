from __future__ import annotations

import pytest

from transcoding.sniff import ExecutableContent, sniff


@pytest.mark.parametrize(("head", "expected"), [
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
    (b"\x00\x00\x00\x18ftypisom\x00\x00", "video/mp4"),
    (b"\x00\x00\x00\x18ftypqt  \x00\x00", "video/quicktime"),
    (b"\x00\x00\x00\x18ftypM4A \x00\x00", "audio/mp4"),
    (b"RIFF\x00\x00\x00\x00WAVEfmt ", "audio/wav"),
    (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
    (b"ID3\x04\x00\x00\x00", "audio/mpeg"),
    (b"%PDF-1.7\n", "application/pdf"),
    (b"PK\x03\x04....[Content_Types].xml....word/document.xml",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (b"PK\x03\x04" + b"\x00" * 26 + b"mimetypeapplication/vnd.oasis.opendocument.textPK\x03\x04",
     "application/vnd.oasis.opendocument.text"),
    (b"PK\x03\x04" + b"\x00" * 26 + b"mimetypeapplication/vnd.oasis.opendocument.spreadsheetPK\x03\x04",
     "application/vnd.oasis.opendocument.spreadsheet"),
    (b"PK\x03\x04" + b"\x00" * 26 + b"mimetypeapplication/vnd.oasis.opendocument.presentationPK\x03\x04",
     "application/vnd.oasis.opendocument.presentation"),
    (b"PK\x03\x04" + b"\x00" * 26 + b"mimetypeapplication/vnd.oasis.opendocument.text-templatePK", "application/zip"),
    ("Câu hỏi,Trả lời\nA,B\nC,D\n".encode(), "text/csv"),
    (b'{"items": []}', "application/json"),
    ("## Câu 1\nHỏi gì?\n".encode(), "text/markdown"),
    (b"#EXTM3U\n#EXTINF:10\nfile:///etc/passwd\n", "application/vnd.apple.mpegurl"),
    (b"", "application/x-empty"),
])
def test_sniff_identifies_real_types(head: bytes, expected: str) -> None:
    assert sniff(head) == expected


@pytest.mark.parametrize("head", [b"MZ\x90\x00", b"\x7fELF\x02", b"#!/usr/bin/env python\n", b"<?php echo 1;",
                                  b"  <script>alert(1)</script>", b"<!DOCTYPE html><html>", b"\xcf\xfa\xed\xfe"])
def test_sniff_refuses_programs(head: bytes) -> None:
    with pytest.raises(ExecutableContent):
        sniff(head)
