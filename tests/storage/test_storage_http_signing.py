"""Content-Disposition, the download-URL signer and the store factory."""

from __future__ import annotations

import io
import unicodedata
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote

import pytest

from storage.base import InvalidKey, ObjectStore
from storage.factory import make_store
from storage.http import ascii_filename, ascii_fold, content_disposition
from storage.local import LocalStore
from storage.s3 import S3Store
from storage.signing import InvalidSignature, SignatureExpired, UrlSigner


def star_value(header: str) -> str:
    return unquote(header.split("filename*=UTF-8''", 1)[1], errors="strict")


@pytest.mark.parametrize(
    ("name", "fallback"),
    [
        ("Ngày Nhà giáo Việt Nam.mp4", "Ngay Nha giao Viet Nam.mp4"),
        ("Đà Nẵng - ĐỒNG THÁP.pdf", "Da Nang - DONG THAP.pdf"),
        ("Hỏi đáp Nghị quyết 71.xlsx", "Hoi dap Nghi quyet 71.xlsx"),
        ("report.pdf", "report.pdf"),
        ('say "hi".txt', "say _hi_.txt"),
        ("C:\\Users\\me\\Bài giảng.docx", "C-Users-me-Bai giang.docx"),
        ("Nghị quyết 71-NQ/TW: Đột phá.mp3", "Nghi quyet 71-NQ-TW - Dot pha.mp3"),
    ],
)
def test_ascii_fallback_folds_vietnamese(name: str, fallback: str) -> None:
    header = content_disposition(name)
    assert header.startswith("attachment; filename=")
    assert f'filename="{fallback}"' in header
    header.encode("ascii")  # the whole header is ASCII, as HTTP/1.1 field values should be


def test_filename_star_keeps_the_exact_nfc_name() -> None:
    nfd = unicodedata.normalize("NFD", "Tôn sư trọng đạo – 20/11.png")
    header = content_disposition(nfd)
    # a "/" in a title is part of the name: it becomes "-", the name is never cut at it
    assert star_value(header) == unicodedata.normalize("NFC", "Tôn sư trọng đạo – 20-11.png")
    title = "Nghị quyết 71-NQ/TW: Đột phá phát triển giáo dục và đào tạo.pdf"
    assert star_value(content_disposition(title)) == "Nghị quyết 71-NQ-TW - Đột phá phát triển giáo dục và đào tạo.pdf"
    assert star_value(content_disposition("Tôn sư trọng đạo.png")) == "Tôn sư trọng đạo.png"
    assert unicodedata.is_normalized("NFC", star_value(content_disposition(nfd.replace("/", "-"))))


def test_unsafe_characters_never_reach_the_header() -> None:
    header = content_disposition('a"b\\c\r\nX-Injected: 1\x00.txt')
    assert "\r" not in header and "\n" not in header and "\x00" not in header
    assert header.count('"') == 2
    traversal = star_value(content_disposition("../../etc/passwd"))
    assert "/" not in traversal and not traversal.startswith(".") and traversal.endswith("etc-passwd")
    assert 'filename="download"' in content_disposition("")
    assert 'filename="download"' in content_disposition("..")


def test_inline_and_unknown_dispositions() -> None:
    assert content_disposition("a.png", "inline").startswith("inline; ")
    with pytest.raises(ValueError):
        content_disposition("a.png", "attachment; evil")


def test_ascii_helpers() -> None:
    assert ascii_fold("Trường THPT Chuyên Lê Quý Đôn") == "Truong THPT Chuyen Le Quy Don"
    assert ascii_fold("中文") == "__"
    assert ascii_filename("中文") == "__"


def test_signer_round_trip_and_tampering() -> None:
    signer = UrlSigner("secret-1", "https://kho.example.vn/", "/objects/")
    url = signer.sign("a/b.mp4", timedelta(minutes=5), "Bài 1.mp4", "video/mp4")
    assert url.startswith("https://kho.example.vn/objects/")
    token = unquote(url.rsplit("/", 1)[1])
    signed = signer.verify(token)
    assert (signed.key, signed.filename, signed.content_type) == ("a/b.mp4", "Bài 1.mp4", "video/mp4")
    with pytest.raises(InvalidSignature):
        signer.verify(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    with pytest.raises(InvalidSignature):
        UrlSigner("another-secret", "https://kho.example.vn").verify(token)
    with pytest.raises(InvalidSignature):
        signer.verify("not-a-token")
    with pytest.raises(InvalidKey):
        signer.sign("../etc/passwd", timedelta(minutes=5))
    with pytest.raises(ValueError):
        UrlSigner("", "https://kho.example.vn")


def test_signer_expiry_is_per_url() -> None:
    now = [1_000_000.0]
    signer = UrlSigner("s", "http://x", clock=lambda: now[0])
    short = unquote(signer.sign("k", timedelta(seconds=10)).rsplit("/", 1)[1])
    long = unquote(signer.sign("k", timedelta(hours=1)).rsplit("/", 1)[1])
    now[0] += 10
    with pytest.raises(SignatureExpired):
        signer.verify(short)
    assert signer.verify(long).key == "k"


def test_factory_builds_both_kinds(tmp_path: Path) -> None:
    local = make_store("local", root=tmp_path / "o", signing_secret="s", base_url="http://kho.test")
    assert isinstance(local, LocalStore) and isinstance(local, ObjectStore)
    local.put("a/b", io.BytesIO(b"x"))
    assert local.download_url("a/b", expires=timedelta(minutes=1)).startswith("http://kho.test/objects/")
    s3 = make_store("s3", endpoint="127.0.0.1:1", access_key="a", secret_key="b", bucket="kho-x")
    assert isinstance(s3, S3Store) and isinstance(s3, ObjectStore)  # no network I/O at construction
    with pytest.raises(ValueError):
        make_store("ftp")
    with pytest.raises(TypeError):
        make_store("local", root=tmp_path, colour="blue")
    with pytest.raises(TypeError):
        make_store("s3", endpoint="h:1", access_key="a", secret_key="b", bucket="kho-x", colour="blue")
