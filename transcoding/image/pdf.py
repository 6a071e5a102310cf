"""Print PDFs straight from a JPEG's compressed data: no decode, no re-encode, no generation loss.

A print rendition at the source's own size is the source's pixels on a page of the right physical size,
so the JPEG stream is embedded as it is (DCTDecode), after dropping every metadata segment (EXIF, XMP,
IPTC, comments). An embedded ICC profile becomes the PDF colour space (ICCBased), so CMYK separations and
wide-gamut RGB print as the producer saw them.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path

from transcoding.image.rights import ImageRights

_STANDALONE = {0x01, *range(0xD0, 0xD8)}
_KEEP_APP = {0xE0, 0xEE}  # JFIF, Adobe (colour transform / CMYK inversion): decoders need them
_BASELINE_SOF = {0xC0, 0xC1, 0xC2}  # huffman baseline, extended, progressive: all readable by PDF viewers
_DEVICE = {1: "/DeviceGray", 3: "/DeviceRGB", 4: "/DeviceCMYK"}


@dataclass(frozen=True)
class JpegStream:
    data: bytes
    width: int
    height: int
    components: int
    adobe: bool


def clean_jpeg(raw: bytes) -> JpegStream | None:
    """The JPEG without metadata segments, or None when it is not a plain 8-bit JPEG a PDF can carry."""
    if raw[:2] != b"\xff\xd8":
        return None
    out, pos, frame, adobe = bytearray(b"\xff\xd8"), 2, None, False
    while pos + 4 <= len(raw):
        if raw[pos] != 0xFF:
            return None
        marker = raw[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in _STANDALONE:
            out += raw[pos : pos + 2]
            pos += 2
            continue
        length = struct.unpack(">H", raw[pos + 2 : pos + 4])[0]
        segment = raw[pos : pos + 2 + length]
        if marker == 0xDA:  # start of scan: the rest is entropy-coded data and trailing markers
            out += raw[pos:]
            break
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            if marker not in _BASELINE_SOF or segment[4] != 8:
                return None  # lossless, arithmetic-coded or 12-bit: decode and re-encode instead
            height, width = struct.unpack(">HH", segment[5:9])
            frame = (width, height, segment[9])
        if marker == 0xEE:
            adobe = True
        if not (0xE0 <= marker <= 0xEF or marker == 0xFE) or marker in _KEEP_APP:
            out += segment
        pos += 2 + length
    if frame is None or frame[2] not in _DEVICE or not frame[0] or not frame[1]:
        return None
    return JpegStream(bytes(out), frame[0], frame[1], frame[2], adobe)


def _pdf_string(text: str) -> bytes:
    """A PDF text string in UTF-16BE with BOM, so Vietnamese survives in the document info."""
    return b"<feff" + text.encode("utf-16-be").hex().encode() + b">"


def _objects(jpeg: JpegStream, dpi: int, icc: bytes | None, rights: ImageRights | None) -> list[bytes]:
    w_pt, h_pt = jpeg.width * 72 / dpi, jpeg.height * 72 / dpi
    colour = b"[/ICCBased 6 0 R]" if icc else _DEVICE[jpeg.components].encode()
    # Adobe CMYK JPEGs store inverted ink values; the Decode array flips them back, as Acrobat expects.
    decode = b" /Decode [1 0 1 0 1 0 1 0]" if jpeg.components == 4 and jpeg.adobe else b""
    content = f"q {w_pt:.4f} 0 0 {h_pt:.4f} 0 0 cm /Im0 Do Q".encode()
    info = b""
    if rights and rights.title:
        info += b" /Title " + _pdf_string(rights.title)
    if rights and rights.credit:
        info += b" /Author " + _pdf_string(rights.credit)
    if rights and rights.copyright_notice:
        info += b" /Subject " + _pdf_string(rights.copyright_notice)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w_pt:.4f} {h_pt:.4f}] ".encode()
        + b"/Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>",
        f"<< /Type /XObject /Subtype /Image /Width {jpeg.width} /Height {jpeg.height} ".encode()
        + b"/ColorSpace "
        + colour
        + b" /BitsPerComponent 8 /Filter /DCTDecode"
        + decode
        + f" /Length {len(jpeg.data)} >>\nstream\n".encode()
        + jpeg.data
        + b"\nendstream",
        f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream",
    ]
    if icc:
        objects.append(
            f"<< /N {jpeg.components} /Length {len(icc)} >>\nstream\n".encode() + icc + b"\nendstream"
        )
    objects.append(b"<< /Producer (Kho Truyen Thong)" + info + b" >>")
    return objects


def write_jpeg_pdf(
    jpeg: JpegStream, path: Path, *, dpi: int, icc: bytes | None, rights: ImageRights | None
) -> int:
    """Write a one-page PDF holding `jpeg` at `dpi`; returns the file size. Atomic (temp name, rename)."""
    objects = _objects(jpeg, dpi, icc, rights)
    body, offsets = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    body += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    body += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n".encode()
    body += f"startxref\n{xref}\n%%EOF\n".encode()
    partial = path.with_name(path.name + ".part")
    try:
        partial.write_bytes(bytes(body))
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return len(body)
