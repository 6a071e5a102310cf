"""Captions through the media pipeline with the real ffmpeg: HLS subtitle group, mov_text tracks with
language tags (read back by ffprobe/ffmpeg) and a burned-in Vietnamese caption read by tesseract."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from tests.support import require_or_skip
from tests.transcoding.av_media import ffmpeg, probe_json
from transcoding.probe import probe
from transcoding.profiles import load_profiles
from transcoding.tools import ffmpeg_path
from transcoding.types import RenditionOutput
from transcoding.video.captions_check import check_caption
from transcoding.video.render import render_video

VI = "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nNGÀY NHÀ GIÁO VIỆT NAM\n"
HMN = "1\n00:00:00,000 --> 00:00:02,000\nHmôngz: Txưz kiv đuô ntơưv\n"


pytestmark = pytest.mark.slow  # encodes and packages real video with captions


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], RenditionOutput]:
    folder = tmp_path_factory.mktemp("captioned")
    source = folder / "source.mp4"
    # A plain background: the burned caption is the only thing in the frame for OCR to read.
    ffmpeg("-f", "lavfi", "-i", "color=c=0x2a6f97:s=720x1280:r=25:d=2", "-f", "lavfi", "-i",
           "sine=f=330:d=2:sample_rate=48000", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
           "-c:a", "aac", "-shortest", str(source))
    captions = []
    for lang, text in (("vi", VI), ("hmn", HMN)):  # stored as the upload route stores them
        path = folder / f"captions.{lang}.vtt"
        path.write_text(check_caption(text.encode()).webvtt, encoding="utf-8")
        captions.append(path)
    profiles = load_profiles()
    outputs = render_video(source, probe(source, "video"), [profiles[p] for p in ("web-hls", "web-mp4", "vertical")],
                           folder / "out", captions=captions, burn_language="vi")
    return {(o.profile, o.variant): o for o in outputs}


def test_hls_master_lists_one_subtitle_group_with_each_language(rendered: dict) -> None:
    import m3u8

    master = m3u8.load(str(rendered[("web-hls", "master")].path))
    subs = [m for m in master.media if m.type == "SUBTITLES"]
    assert {(m.group_id, m.language, m.name) for m in subs} == {("subs", "vi", "Tiếng Việt"),
                                                                ("subs", "hmn", "Lus Hmoob")}
    assert all(p.stream_info.subtitles == "subs" for p in master.playlists)
    hmn = rendered[("web-hls", "captions-hmn")].path.read_text(encoding="utf-8")
    assert "Hmôngz: Txưz kiv đuô ntơưv" in hmn and unicodedata.is_normalized("NFC", hmn)


def test_mp4_download_carries_mov_text_tracks_with_language_tags(rendered: dict, tmp_path: Path) -> None:
    mp4 = rendered[("web-mp4", "720p")].path
    subs = [s for s in probe_json(mp4)["streams"] if s["codec_type"] == "subtitle"]
    assert [(s["codec_name"], s["tags"]["language"]) for s in subs] == [("mov_text", "vie"), ("mov_text", "hmn")]
    out = tmp_path / "hmn.srt"
    ffmpeg("-i", str(mp4), "-map", "0:s:1", str(out))
    assert "Hmôngz: Txưz kiv đuô ntơưv" in out.read_text(encoding="utf-8")
    vertical = rendered[("vertical", "crop-1080x1920")]
    assert vertical.extra.get("burned_captions") is True
    assert not [s for s in probe_json(vertical.path)["streams"] if s["codec_type"] == "subtitle"]


def test_burned_in_vietnamese_caption_is_read_back_by_ocr(rendered: dict, tmp_path: Path) -> None:
    tesseract = shutil.which("tesseract")
    require_or_skip(tesseract, "tesseract is not installed")
    langs = subprocess.run([str(tesseract), "--list-langs"], capture_output=True, text=True).stdout.split()
    require_or_skip("vie" in langs, "tesseract has no Vietnamese data (tesseract-ocr-vie)")
    require_or_skip(ffmpeg_path(), "ffmpeg is not installed")
    from PIL import Image, ImageOps

    vertical = rendered[("vertical", "crop-1080x1920")]
    frame = tmp_path / "frame.png"
    ffmpeg("-ss", "1", "-i", str(vertical.path), "-frames:v", "1", str(frame))
    with Image.open(frame) as im:
        w, h = im.size
        # tesseract reads dark text on light best: the lower part of the frame, inverted, twice the size.
        part = ImageOps.invert(im.convert("L").crop((0, int(h * 0.55), w, int(h * 0.9))))
        part.resize((part.width * 2, part.height * 2)).save(tmp_path / "part.png")
        # The caption sits above the bottom band the platform covers (22 % of the height here).
        band = im.convert("L").crop((0, int(h * 0.79), w, h))
        assert max(band.getdata()) - min(band.getdata()) < 12, "something was drawn in the platform's bottom band"
    text = subprocess.run([str(tesseract), str(tmp_path / "part.png"), "stdout", "-l", "vie", "--psm", "6"],
                          capture_output=True, text=True, check=True).stdout
    words = unicodedata.normalize("NFC", text).upper().split()
    assert {"NGÀY", "NHÀ", "GIÁO", "VIỆT", "NAM"} <= set(words), text
