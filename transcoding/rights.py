"""Rights that travel with a delivered file, written in place without re-encoding the media.

JPEG gets an XMP APP1 and an IPTC-IIM (Photoshop APP13) segment, PNG an XMP iTXt chunk, MP3 ID3v2.3
frames and MP4/M4A iTunes-style atoms (mutagen). The pixels and samples are never touched: only
metadata segments are replaced, so a delivered copy is byte-identical in its media payload.
"""

from __future__ import annotations

import io
import struct
import unicodedata
import zlib
from dataclasses import dataclass, fields
from pathlib import Path

from transcoding.image.rights import ImageRights

_XMP_APP1 = b"http://ns.adobe.com/xap/1.0/\x00"
_PS_APP13 = b"Photoshop 3.0\x00"
_PNG_SIG = b"\x89PNG\r\n\x1a\n"
_PNG_XMP_KEY = b"XML:com.adobe.xmp"
_MP4_TYPES = ("video/mp4", "audio/mp4", "audio/x-m4a", "video/quicktime")


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


@dataclass(frozen=True)
class DeliveryRights:
    title: str = ""
    organisation: str = ""  # the producing unit: ID3 artist / copyright holder
    credit: str = ""
    copyright_notice: str = ""
    usage_terms: str = ""
    asset_id: str = ""
    asset_url: str = ""

    def __post_init__(self) -> None:
        for f in fields(self):
            object.__setattr__(self, f.name, _nfc(getattr(self, f.name) or ""))

    def image(self) -> ImageRights:
        return ImageRights(credit=self.credit or self.organisation or None,
                           copyright_notice=self.copyright_notice or None,
                           usage_terms=self.usage_terms or None,
                           asset_id=self.asset_id or None, asset_url=self.asset_url or None,
                           title=self.title or None)


def embeddable(media_type: str) -> bool:
    return media_type in ("image/jpeg", "image/png", "audio/mpeg", *_MP4_TYPES)


def embed_rights(path: Path, media_type: str, rights: DeliveryRights) -> bool:
    """Write the rights into the file at `path`; False when the format has no supported container."""
    if media_type == "image/jpeg":
        path.write_bytes(jpeg_with_rights(path.read_bytes(), rights))
    elif media_type == "image/png":
        path.write_bytes(png_with_rights(path.read_bytes(), rights))
    elif media_type == "audio/mpeg":
        _id3(path, rights)
    elif media_type in _MP4_TYPES:
        _mp4(path, rights)
    else:
        return False
    return True


# --- JPEG -----------------------------------------------------------------------------------------

def _segment(marker: int, payload: bytes) -> bytes:
    if len(payload) + 2 > 0xFFFF:
        raise ValueError("metadata segment too large for JPEG")
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def iptc_iim(rights: DeliveryRights) -> bytes:
    """IPTC-IIM datasets (UTF-8 declared by 1:90) wrapped as a Photoshop 8BIM 0x0404 resource."""

    def dataset(record: int, number: int, value: bytes) -> bytes:
        return bytes([0x1C, record, number]) + struct.pack(">H", len(value)) + value

    data = dataset(1, 90, b"\x1b%G") + dataset(2, 0, b"\x00\x04")
    for number, text, limit in ((5, rights.title, 64), (110, rights.credit or rights.organisation, 32),
                                (116, rights.copyright_notice, 128), (40, rights.usage_terms, 256),
                                (115, rights.organisation, 32)):
        if text:
            data += dataset(2, number, text.encode("utf-8")[:limit * 4])
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(data)) + data
    return resource + (b"\x00" if len(data) % 2 else b"")


def _is_app(marker: int) -> bool:
    return 0xE0 <= marker <= 0xEF or marker == 0xFE


def jpeg_with_rights(data: bytes, rights: DeliveryRights) -> bytes:
    if data[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG")
    pos, rest_start = 2, 2
    head: list[bytes] = []
    while pos + 4 <= len(data) and data[pos] == 0xFF and _is_app(data[pos + 1]):
        marker = data[pos + 1]
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        payload = data[pos + 4:pos + 2 + length]
        stale = ((marker == 0xE1 and payload.startswith(_XMP_APP1))
                 or (marker == 0xED and payload.startswith(_PS_APP13)))
        if not stale:
            head.append(data[pos:pos + 2 + length])
        pos += 2 + length
        rest_start = pos
    ours = _segment(0xE1, _XMP_APP1 + rights.image().xmp()) + _segment(0xED, _PS_APP13 + iptc_iim(rights))
    # JFIF (APP0) must stay first; our segments follow the kept application segments.
    return b"\xff\xd8" + b"".join(head) + ours + data[rest_start:]


# --- PNG ------------------------------------------------------------------------------------------

def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png_with_rights(data: bytes, rights: DeliveryRights) -> bytes:
    if not data.startswith(_PNG_SIG):
        raise ValueError("not a PNG")
    out = io.BytesIO()
    out.write(_PNG_SIG)
    pos = len(_PNG_SIG)
    xmp = _png_chunk(b"iTXt", _PNG_XMP_KEY + b"\x00\x00\x00\x00\x00" + rights.image().xmp())
    while pos < len(data):
        length = struct.unpack(">I", data[pos:pos + 4])[0]
        kind = data[pos + 4:pos + 8]
        chunk = data[pos:pos + 12 + length]
        pos += 12 + length
        if kind == b"iTXt" and chunk[8:].startswith(_PNG_XMP_KEY + b"\x00"):
            continue
        out.write(chunk)
        if kind == b"IHDR":
            out.write(xmp)
    return out.getvalue()


# --- audio / video --------------------------------------------------------------------------------

def _id3(path: Path, rights: DeliveryRights) -> None:
    from mutagen.id3 import ID3, TCOP, TIT2, TPE1, TXXX, WOAS, ID3NoHeaderError

    try:
        tags = ID3(path)
    except ID3NoHeaderError:
        tags = ID3()
    if rights.title:
        tags.setall("TIT2", [TIT2(encoding=3, text=rights.title)])
    if rights.organisation:
        tags.setall("TPE1", [TPE1(encoding=3, text=rights.organisation)])
    if rights.copyright_notice:
        tags.setall("TCOP", [TCOP(encoding=3, text=rights.copyright_notice)])
    if rights.asset_url:
        tags.setall("WOAS", [WOAS(url=rights.asset_url)])
    if rights.usage_terms:
        tags.delall("TXXX:USAGE_TERMS")
        tags.add(TXXX(encoding=3, desc="USAGE_TERMS", text=rights.usage_terms))
    if rights.asset_id:
        tags.delall("TXXX:KHO_ASSET_ID")
        tags.add(TXXX(encoding=3, desc="KHO_ASSET_ID", text=rights.asset_id))
    tags.save(path, v2_version=3)


def _mp4(path: Path, rights: DeliveryRights) -> None:
    from mutagen.mp4 import MP4, MP4FreeForm

    mp4 = MP4(path)
    if mp4.tags is None:
        mp4.add_tags()
    assert mp4.tags is not None
    if rights.title:
        mp4.tags["\xa9nam"] = [rights.title]
    if rights.organisation:
        mp4.tags["\xa9ART"] = [rights.organisation]
    if rights.copyright_notice:
        mp4.tags["cprt"] = [rights.copyright_notice]
    if rights.usage_terms:
        mp4.tags["----:com.apple.iTunes:USAGE_TERMS"] = [MP4FreeForm(rights.usage_terms.encode("utf-8"))]
    if rights.asset_url:
        mp4.tags["----:com.apple.iTunes:URL"] = [MP4FreeForm(rights.asset_url.encode("utf-8"))]
    mp4.save()


def podcast_artwork(title: str, size: int = 1400) -> bytes:
    """A square JPEG cover (Apple asks for 1400–3000 px) with the feed title, for feeds without art."""
    from PIL import Image, ImageDraw, ImageFont

    from transcoding.fonts import font_path

    img = Image.new("RGB", (size, size), (12, 74, 140))
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(font_path("bold")), size // 14)
    words, lines, line = _nfc(title).split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) > size * 0.8 and line:
            lines.append(line)
            line = word
        else:
            line = candidate
    lines.append(line)
    y = size // 2 - len(lines) * size // 28
    for text in lines:
        draw.text((size // 10, y), text, font=font, fill=(255, 255, 255))
        y += size // 13
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=88)
    return buf.getvalue()
