"""ZIP archives for bulk-import tests, built in the test run."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence

HEADER = ["tên tệp", "loại", "tiêu đề", "chủ đề", "đối tượng", "cấp học", "bản quyền", "giấy phép"]


def manifest_csv(rows: Sequence[Sequence[str]], header: Sequence[str] = HEADER) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8-sig")


def manifest_xlsx(rows: Sequence[Sequence[str]], header: Sequence[str] = HEADER) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def archive(files: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def unsafe_archive(name: str, data: bytes) -> bytes:
    """zipfile refuses nothing on write, so a '../' or absolute member name is easy to make."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo(name), data)
        z.writestr("manifest.csv", manifest_csv([[name, "infographic", "x"]]))
    return buf.getvalue()


def ratio_bomb(entries: int = 1, size: int = 50 * 1024 * 1024) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for i in range(entries):
            z.writestr(f"zeros{i}.png", bytes(size))
        z.writestr("manifest.csv", manifest_csv([["zeros0.png", "infographic", "x"]]))
    return buf.getvalue()
