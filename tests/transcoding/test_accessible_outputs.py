"""Accessible media (issue 20, item 3): an infographic's audio description read aloud into its podcast and
loudspeaker outputs, and PDF renditions a screen reader announces (title, language, tagged structure).
Checked with tools that are not the project's: ffprobe/ffmpeg and mutagen for the audio, poppler's pdfinfo
and pypdf for the PDFs."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import docx
import pytest
from mutagen.id3 import ID3
from PIL import Image, ImageDraw
from pypdf import PdfReader

from tests.transcoding.conftest import require_or_skip
from transcoding.ffmpeg_run import FfmpegLimits
from transcoding.pipeline import ProcessRequest, process
from transcoding.qa import QaItem, QaSet, RichText, export_qa
from transcoding.tools import espeak_path, ffmpeg_path, soffice_path

TITLE = "Nghị quyết 71: bốn điểm đột phá"
ALT = "Infographic nền kem, tiêu đề đỏ và bốn ý chính được đánh số."
DESCRIBED = ("Nghị quyết bảy mươi mốt về đột phá phát triển giáo dục và đào tạo. "
             "Thứ nhất, đổi mới tư duy. Thứ hai, nâng cao chất lượng đội ngũ nhà giáo.")


def _infographic(path: Path, fmt: str = "PNG") -> Path:
    image = Image.new("RGB", (900, 1200), (250, 244, 230))
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 60, 840, 220), fill=(200, 30, 30))
    for n in range(4):
        draw.rectangle((90, 320 + n * 200, 810, 440 + n * 200), fill=(40, 40, 40))
    image.save(path, fmt, quality=92)
    return path


def _pdfinfo(path: Path, *flags: str) -> str:
    return subprocess.run(["pdfinfo", *flags, str(path)], capture_output=True, text=True, check=True).stdout


def _mean_volume(path: Path) -> float:
    ffmpeg = ffmpeg_path()
    assert ffmpeg
    log = subprocess.run([ffmpeg, "-hide_banner", "-i", str(path), "-af", "volumedetect", "-f", "null", "-"],
                         capture_output=True, text=True).stderr
    match = re.search(r"mean_volume: (-?[\d.]+) dB", log)
    assert match, log[-500:]
    return float(match.group(1))


def _duration(path: Path) -> float:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0",
                          str(path)], capture_output=True, text=True, check=True).stdout
    return float(out.strip())


@pytest.fixture
def _speech() -> None:
    require_or_skip(espeak_path(), "espeak-ng is not installed")
    require_or_skip(ffmpeg_path(), "ffmpeg is not installed")


def _request(**extra: str) -> ProcessRequest:
    fields = {"kind": "infographic", "media_type": "image/png", "title": TITLE, "alt_text": ALT, "language": "vi",
              "organisation": "Bộ Giáo dục và Đào tạo", **extra}
    return ProcessRequest(**fields)  # type: ignore[arg-type]


@pytest.mark.usefixtures("_speech")
def test_an_infographics_audio_description_is_read_into_podcast_and_loudspeaker(tmp_path: Path) -> None:
    result = process(_request(audio_description=DESCRIBED), _infographic(tmp_path / "a.png"),
                     tmp_path / "out", limits=FfmpegLimits())
    spoken = {(o.profile, o.variant): o for o in result.outputs if o.extra.get("source") == "audio_description"}
    assert set(spoken) == {("podcast", "mp3-128k"), ("podcast", "m4a"), ("podcast", "waveform"),
                           ("loudspeaker", "mp3-mono")}
    assert result.probe["audio_description"] == {"read": True, "voice": "vi", "reason": ""}
    assert result.cleared == []
    podcast, loudspeaker = spoken["podcast", "mp3-128k"].path, spoken["loudspeaker", "mp3-mono"].path
    # About 20 words at 150 words a minute: several seconds of speech, not silence and not a stub tone.
    assert 5 < _duration(podcast) < 60 and abs(_duration(podcast) - _duration(loudspeaker)) < 1.0
    assert _mean_volume(podcast) > -35 and _mean_volume(loudspeaker) > -35
    tags = ID3(podcast)
    assert str(tags["TIT2"]) == TITLE
    cover = tags.getall("APIC")
    assert cover and Image.open(io.BytesIO(cover[0].data)).size[0] >= 1400  # the infographic is the cover
    # The image outputs are there as before.
    assert {"web-image", "zalo-oa", "print"} <= {o.profile for o in result.outputs}


def test_without_a_description_nothing_is_read_and_old_readings_are_cleared(tmp_path: Path) -> None:
    result = process(_request(), _infographic(tmp_path / "a.png"), tmp_path / "out", limits=FfmpegLimits())
    assert not {o.profile for o in result.outputs} & {"podcast", "loudspeaker"}
    assert sorted(result.cleared) == ["loudspeaker", "podcast"]
    assert "audio_description" not in result.probe


@pytest.mark.usefixtures("_speech")
def test_a_language_without_a_voice_is_not_read_with_another_one(tmp_path: Path) -> None:
    result = process(_request(audio_description="Kev kawm ntawv tseem ceeb heev.", language="hmn"),
                     _infographic(tmp_path / "a.png"), tmp_path / "out", limits=FfmpegLimits())
    assert not {o.profile for o in result.outputs} & {"podcast", "loudspeaker"}
    assert result.probe["audio_description"] == {"read": False, "voice": "", "reason": "no voice for hmn"}
    assert sorted(result.cleared) == ["loudspeaker", "podcast"]


@pytest.mark.parametrize("fmt,media_type", [("JPEG", "image/jpeg"), ("PNG", "image/png")])
def test_a_print_pdf_is_a_tagged_figure_with_title_language_and_alt_text(tmp_path: Path, fmt: str,
                                                                          media_type: str) -> None:
    source = _infographic(tmp_path / f"a.{fmt.lower()}", fmt)
    result = process(_request(media_type=media_type), source, tmp_path / "out", limits=FfmpegLimits())
    pdf = next(o for o in result.outputs if o.media_type == "application/pdf")
    info = _pdfinfo(pdf.path)
    assert "Tagged:          yes" in info and f"Title:           {TITLE}" in info, info
    assert _pdfinfo(pdf.path, "-struct").splitlines()[:2] == ["Document", "  Figure:"]
    reader = PdfReader(pdf.path)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "vi" and root["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    document = root["/StructTreeRoot"]["/K"][0].get_object()
    figure = document["/K"][0].get_object()
    assert figure["/S"] == "/Figure" and figure["/Alt"] == ALT
    assert pdf.extra.get("bytes", pdf.path.stat().st_size) == pdf.path.stat().st_size
    # Still the picture: one page at the print size with the image on it.
    assert len(reader.pages) == 1 and len(reader.pages[0].images) == 1


def test_an_office_pdf_keeps_its_structure_and_gets_the_assets_language(tmp_path: Path) -> None:
    require_or_skip(soffice_path(), "LibreOffice (soffice) is not installed")
    document = docx.Document()
    document.add_heading("Education reform in Viet Nam", 1)
    document.add_paragraph("Resolution 71 on breakthroughs in education and training.")
    source = tmp_path / "press.docx"
    document.save(str(source))
    request = ProcessRequest(kind="document", language="en", title="Press release: Resolution 71",
                             media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    result = process(request, source, tmp_path / "out", limits=FfmpegLimits())
    pdf = next(o for o in result.outputs if o.media_type == "application/pdf")
    assert "Tagged:          yes" in _pdfinfo(pdf.path)
    structure = _pdfinfo(pdf.path, "-struct-text")
    assert re.search(r"H1.*\n(?:.*\n)*?\s+\"Education reform in Viet Nam\"", structure), structure[:800]
    root = PdfReader(pdf.path).trailer["/Root"]
    assert root["/Lang"] == "en"
    assert "Title:           Press release: Resolution 71" in _pdfinfo(pdf.path)


def test_the_qa_booklet_announces_its_language_and_title(tmp_path: Path) -> None:
    qa = QaSet(title="Hỏi - đáp về Nghị quyết 71", organisation="Sở GDĐT Huế", language="vi",
               items=(QaItem(question="Nghị quyết 71 ban hành khi nào?", answer=RichText.from_plain("Năm 2025.")),))
    pdf = next(o for o in export_qa(qa, tmp_path, ["qa-pdf"]) if o.media_type == "application/pdf")
    root = PdfReader(pdf.path).trailer["/Root"]
    assert root["/Lang"] == "vi" and root["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert "Title:           Hỏi - đáp về Nghị quyết 71" in _pdfinfo(pdf.path)
