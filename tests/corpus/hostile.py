"""Generators of malformed and hostile files, made in the test run (nothing binary is committed).

Each `HostileFile` says how it is uploaded (file name, declared kind). What must happen is the same for
all: a clear 4xx at upload, or a failed job with a reason; never a 5xx, a hang or a leaked file.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image


@dataclass(frozen=True)
class HostileFile:
    name: str
    filename: str
    kind: str
    make: Callable[[], bytes]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(side: int = 20_000, bit_depth: int = 1, colour: int = 0) -> bytes:
    """A valid PNG of side×side pixels whose pixel data is all zeros: a few hundred kB that decode to
    hundreds of megapixels (the classic decompression bomb)."""
    channels = {0: 1, 2: 3, 6: 4}[colour]
    row = b"\x00" + bytes((side * channels * bit_depth + 7) // 8)
    packer = zlib.compressobj(9)
    parts = [packer.compress(row * 500) for _ in range(side // 500)]
    parts.append(packer.compress(row * (side % 500)))
    parts.append(packer.flush())
    header = struct.pack(">IIBBBBB", side, side, bit_depth, colour, 0, 0, 0)
    salt = _chunk(b"tEXt", b"salt\x00" + os.urandom(8).hex().encode())
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + salt + _chunk(b"IDAT", b"".join(parts)) + _chunk(
        b"IEND", b"")


def noisy_image(fmt: str, side: int = 200) -> bytes:
    img = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    buf = io.BytesIO()
    img.save(buf, fmt)
    return buf.getvalue()


def truncated(fmt: str) -> bytes:
    data = noisy_image(fmt)
    return data[: len(data) // 3]


def playlist(target: str = "http://203.0.113.7/segment0.ts") -> bytes:
    return (f"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.0,\n{target}\n#EXT-X-ENDLIST\n"
            f"#{os.urandom(4).hex()}\n").encode()


def mp4_box_then_playlist() -> bytes:
    """An `ftyp` box (so the bytes sniff as MP4) followed by an HLS playlist reading /etc/passwd."""
    ftyp = struct.pack(">I", 24) + b"ftypisom" + b"\x00\x00\x02\x00" + b"isomiso2"
    return ftyp + playlist("file:///etc/passwd")


def html_pdf_polyglot() -> bytes:
    """Valid as HTML (script first) and, for lenient PDF readers, as a PDF."""
    return (b"<script>fetch('/api/v1/auth/me').then(r=>r.text()).then(alert)</script>\n"
            b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + os.urandom(8).hex().encode())


def png_zip_polyglot() -> bytes:
    """A PNG with a ZIP (holding a script) appended: a valid image and a valid archive at once."""
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w") as archive:
        archive.writestr("run.sh", "#!/bin/sh\ncat /etc/passwd\n")
    return noisy_image("PNG", 64) + zbuf.getvalue()


def executable_as_jpeg() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + os.urandom(4096)


def elf_with_jpeg_name() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + os.urandom(4096)


def zip_bomb_docx(uncompressed: int = 120 * 1024 * 1024) -> bytes:
    """A DOCX whose document.xml inflates to hundreds of MB (ratio ≈ 1000)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/content-types"/>')
        archive.writestr("word/salt.txt", os.urandom(8).hex())
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            block = b"<w:t>" + b" " * (1024 * 1024 - 11) + b"</w:t>"
            for _ in range(uncompressed // len(block)):
                part.write(block)
    return buf.getvalue()


def svg_external_entity() -> bytes:
    return (b'<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
            b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&xxe;</text></svg>\n')


def eps() -> bytes:
    return (b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n"
            b"(/etc/passwd) (r) file 100 string readstring pop print\nshowpage\n")


def eps_binary_header() -> bytes:
    """DOS EPS binary header (C5 D0 D3 C6), which Pillow would hand to Ghostscript."""
    body = eps()
    return b"\xc5\xd0\xd3\xc6" + struct.pack("<IIIIII", 30, len(body), 0, 0, 0, 0) + b"\xff\xff" + body


def tiff_without_frame_dimensions() -> bytes:
    """A valid one-frame TIFF whose IFD chain goes on to a second frame without ImageWidth/ImageLength:
    Pillow opens it, then raises TypeError("Missing dimensions") when the frames are counted."""
    img = Image.frombytes("RGB", (32, 32), os.urandom(32 * 32 * 3))
    buf = io.BytesIO()
    img.save(buf, "TIFF")
    data = bytearray(buf.getvalue())
    (ifd,) = struct.unpack("<I", data[4:8])
    (entries,) = struct.unpack("<H", data[ifd : ifd + 2])
    if len(data) % 2:
        data += b"\x00"
    second = len(data)
    data += struct.pack("<H", 1) + struct.pack("<HHII", 0x0103, 3, 1, 1) + struct.pack("<I", 0)  # Compression only
    data[ifd + 2 + 12 * entries : ifd + 6 + 12 * entries] = struct.pack("<I", second)
    return bytes(data)


def png_short_image_data(side: int = 120) -> bytes:
    """A PNG with a well-formed chunk structure (IEND, right CRCs) whose compressed image data holds only
    the top half of the rows: Pillow decodes it without an error and leaves the bottom half black."""
    img = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    raw = img.tobytes()
    rows = b"".join(b"\x00" + raw[y * side * 3 : (y + 1) * side * 3] for y in range(side // 2))
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows))
            + _chunk(b"IEND", b""))


def png_without_iend() -> bytes:
    """Every pixel present but the file cut before IEND: Pillow's own verify() calls it truncated."""
    data = noisy_image("PNG", 80)
    return data[: data.rindex(b"IEND") - 4]


CORPUS: list[HostileFile] = [
    HostileFile("truncated-png", "cut.png", "infographic", lambda: truncated("PNG")),
    HostileFile("truncated-jpeg", "cut.jpg", "infographic", lambda: truncated("JPEG")),
    HostileFile("png-decompression-bomb", "bomb.png", "infographic", png_bomb),
    HostileFile("playlist-renamed-mp4", "clip.mp4", "video", playlist),
    HostileFile("hls-file-passwd", "passwd.m3u8", "video", lambda: playlist("file:///etc/passwd")),
    HostileFile("mp4-box-then-playlist", "sneaky.mp4", "video", mp4_box_then_playlist),
    HostileFile("html-pdf-polyglot", "doc.pdf", "document", html_pdf_polyglot),
    HostileFile("png-zip-polyglot", "poly.png", "infographic", png_zip_polyglot),
    HostileFile("exe-renamed-jpg", "photo.jpg", "infographic", executable_as_jpeg),
    HostileFile("elf-renamed-jpg", "photo2.jpg", "infographic", elf_with_jpeg_name),
    HostileFile("zip-bomb-docx", "bomb.docx", "qa_set", zip_bomb_docx),
    HostileFile("zip-bomb-docx-as-document", "bomb2.docx", "document", zip_bomb_docx),
    HostileFile("svg-external-entity", "xxe.svg", "infographic", svg_external_entity),
    HostileFile("eps-postscript", "poster.eps", "poster", eps),
    HostileFile("eps-binary-header", "poster2.eps", "poster", eps_binary_header),
    HostileFile("tiff-frame-without-dimensions", "scan.tiff", "infographic", tiff_without_frame_dimensions),
    HostileFile("png-short-image-data", "band.png", "infographic", png_short_image_data),
    HostileFile("png-without-iend", "no-end.png", "infographic", png_without_iend),
]

# Hostile text for request fields: each must be refused with a 4xx on every stack, never stored.
CONTROL_STRINGS: dict[str, str] = {
    "nul": "Tiêu đề\x00ẩn",
    "bell": "Tiêu đề\x07",
    "escape": "\x1b[31mđỏ\x1b[0m",
    "delete": "xoá\x7f",
    "c1-control": "Tiêu đề\x85",
    "vertical-tab": "dòng\x0bdòng",
}
# Only where text may span lines (summary, comments) are tab, line feed and carriage return allowed.
LINE_BREAKS: dict[str, str] = {"line-feed": "hai\ndòng", "carriage-return": "hai\r\ndòng", "tab": "cột\tcột"}
HOSTILE_FILENAMES: dict[str, str] = {
    "parent-traversal": "../../etc/passwd.png",
    "windows-traversal": "..\\..\\windows\\ảnh.png",
    "header-injection": "ảnh.png\r\nX-Injected: 1",
    "nul-byte": "ảnh\x00.png",
    "bidi-override": "gnp.\u202eexe.png",
    "only-dots": "..",
    "very-long": "dài" * 400 + ".png",
}
LONG_TITLE = "Nghị quyết 71 " * 8_000  # about 112,000 characters


def deep_json(depth: int = 100_000) -> str:
    """An object nested `depth` levels: json.loads raises RecursionError from about 1,000 levels."""
    return '{"a":' * depth + "1" + "}" * depth


def deep_array(depth: int = 100_000) -> str:
    return "[" * depth + "]" * depth


INVALID_UTF8_JSON = b'{"email": "\xff\xfe@truong.edu.vn", "password": "x"}'
