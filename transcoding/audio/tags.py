"""ID3 (MP3) and MP4 (M4A) tags and square cover art, written with mutagen after encoding."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mutagen.id3 import APIC, COMM, ID3, TALB, TCOP, TDRC, TIT2, TLAN, TPE1, WOAS
from mutagen.mp4 import MP4, MP4Cover, MP4FreeForm
from PIL import Image, ImageOps

from transcoding.types import BadMediaError

COVER_MAX_PIXELS = 60_000_000


@dataclass
class AudioTags:
    title: str
    artist: str  # the producing organisation
    album: str | None = None
    copyright: str | None = None
    url: str | None = None  # the asset page in the repository
    year: str | None = None
    comment: str | None = None
    language: str = "vie"  # ISO 639-2


def cover_jpeg(source: Path, work: Path, size: int) -> Path:
    """The cover image squared (centre crop) and resized to size×size, as an RGB JPEG."""
    Image.MAX_IMAGE_PIXELS = COVER_MAX_PIXELS
    try:
        with Image.open(source) as img:
            square = ImageOps.fit(
                ImageOps.exif_transpose(img).convert("RGB"), (size, size), Image.Resampling.LANCZOS
            )
    except (OSError, Image.DecompressionBombError, ValueError) as exc:
        raise BadMediaError(f"the cover art cannot be read: {exc}", code="bad_cover_art") from exc
    out = work / "cover.jpg"
    square.save(out, "JPEG", quality=90, optimize=True)
    return out


def write_tags(path: Path, fmt: str, tags: AudioTags, cover: Path | None) -> None:
    if fmt == "mp3":
        _id3(path, tags, cover)
    elif fmt == "m4a":
        _mp4(path, tags, cover)


def _id3(path: Path, tags: AudioTags, cover: Path | None) -> None:
    id3 = ID3()
    id3.add(TIT2(encoding=3, text=tags.title))
    id3.add(TPE1(encoding=3, text=tags.artist))
    id3.add(TLAN(encoding=3, text=tags.language))
    if tags.album:
        id3.add(TALB(encoding=3, text=tags.album))
    if tags.copyright:
        id3.add(TCOP(encoding=3, text=tags.copyright))
    if tags.year:
        id3.add(TDRC(encoding=3, text=tags.year))
    if tags.url:
        id3.add(WOAS(url=tags.url))
    if tags.comment:
        id3.add(COMM(encoding=3, lang=tags.language, desc="", text=tags.comment))
    if cover is not None:
        id3.add(APIC(encoding=3, mime="image/jpeg", type=3, desc="Cover", data=cover.read_bytes()))
    id3.save(path, v2_version=3)  # v2.3: what car radios and older players read


def _mp4(path: Path, tags: AudioTags, cover: Path | None) -> None:
    mp4 = MP4(path)
    mp4["\xa9nam"] = [tags.title]
    mp4["\xa9ART"] = [tags.artist]
    if tags.album:
        mp4["\xa9alb"] = [tags.album]
    if tags.copyright:
        mp4["cprt"] = [tags.copyright]
    if tags.year:
        mp4["\xa9day"] = [tags.year]
    if tags.comment:
        mp4["\xa9cmt"] = [tags.comment]
    if tags.url:
        mp4["----:com.apple.iTunes:URL"] = [MP4FreeForm(tags.url.encode("utf-8"))]
    if cover is not None:
        mp4["covr"] = [MP4Cover(cover.read_bytes(), imageformat=MP4Cover.FORMAT_JPEG)]
    mp4.save()
