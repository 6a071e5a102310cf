"""A PNG must be whole before its pixels are used. Pillow decodes a PNG whose compressed image data
stops early (rows missing, the rest left black) or whose IEND or checksums are gone without complaint;
renditions of it would carry a black band to every channel. So the chunk structure is walked, every CRC
checked and the image data inflated (counted, not kept) against the size IHDR promises."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import BinaryIO

from transcoding.types import BadMediaError

SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
_ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))
_PIECE = 1 << 20


def _truncated(detail: str) -> BadMediaError:
    return BadMediaError(f"the PNG is truncated: {detail}", code="truncated_image")


def expected_data_size(width: int, height: int, bit_depth: int, colour: int, interlaced: bool) -> int:
    """Bytes of filtered scanlines (a filter byte per row) the IDAT stream must inflate to."""
    bits = _CHANNELS.get(colour, 4) * bit_depth
    if not interlaced:
        return height * (1 + (width * bits + 7) // 8)
    total = 0
    for x0, y0, dx, dy in _ADAM7:
        cols, rows = (width - x0 + dx - 1) // dx, (height - y0 + dy - 1) // dy
        if cols > 0 and rows > 0:
            total += rows * (1 + (cols * bits + 7) // 8)
    return total


def _read(fh: BinaryIO, size: int, what: str) -> bytes:
    data = fh.read(size)
    if len(data) != size:
        raise _truncated(f"the file ends inside {what}")
    return data


def check_png_complete(path: Path) -> None:
    """BadMediaError `truncated_image` unless the PNG is complete: IHDR first, every chunk's CRC right,
    the image data exactly as long as IHDR promises, IEND present."""
    with path.open("rb") as fh:
        if fh.read(8) != SIGNATURE:
            raise BadMediaError("not a PNG file", code="corrupt_image")
        expected: int | None = None
        inflater, inflated = zlib.decompressobj(), 0
        while True:
            length, kind = struct.unpack(">I4s", _read(fh, 8, "a chunk header"))
            name = kind.decode("latin-1")
            crc = zlib.crc32(kind)
            left = length
            while left:
                piece = _read(fh, min(left, _PIECE), f"the {name} chunk")
                left -= len(piece)
                crc = zlib.crc32(piece, crc)
                if kind == b"IHDR" and expected is None:
                    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", piece[:13])
                    expected = expected_data_size(width, height, depth, colour, interlace == 1)
                elif kind == b"IDAT":
                    inflated += _inflate(inflater, piece)
                    if inflated > (expected or 0) + _PIECE:  # a zlib bomb behind modest dimensions
                        raise BadMediaError("the PNG holds more image data than its size", code="corrupt_image")
            if struct.unpack(">I", _read(fh, 4, f"the {name} checksum"))[0] != crc & 0xFFFFFFFF:
                raise BadMediaError(f"the PNG's {name} chunk is damaged (checksum mismatch)", code="corrupt_image")
            if kind == b"IEND":
                break
        if expected is None or inflated < expected or not inflater.eof:
            raise _truncated(f"{inflated} of {expected or 0} bytes of image data")


def _inflate(inflater: zlib._Decompress, data: bytes) -> int:
    """Inflate `data`, counting the output (held one piece at a time)."""
    try:
        produced = len(inflater.decompress(data, _PIECE))
        while inflater.unconsumed_tail:
            produced += len(inflater.decompress(inflater.unconsumed_tail, _PIECE))
    except zlib.error as exc:
        raise BadMediaError(f"the PNG's image data is damaged: {exc}", code="corrupt_image") from exc
    return produced
