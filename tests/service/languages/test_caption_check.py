"""Unit rules of the strict caption reader: each refusal names the line of the fault."""

from __future__ import annotations

import unicodedata

import pytest

from transcoding.video.captions_check import CaptionError, check_caption

HMONG_SRT = (
    "1\r\n00:00:00,500 --> 00:00:02,000\r\nKev kawm ntawv yog txoj kev vam meej\r\n\r\n"
    "2\r\n00:00:02,000 --> 00:00:04,250\r\nNyob zoo, <i>xib fwb</i> & cov me nyuam\r\n"
)


def test_srt_becomes_webvtt_keeping_text() -> None:
    checked = check_caption(HMONG_SRT.encode())
    assert checked.source_format == "srt"
    assert checked.webvtt.startswith("WEBVTT\n\n00:00:00.500 --> 00:00:02.000\nKev kawm ntawv")
    assert "<i>xib fwb</i> &amp; cov" in checked.webvtt
    assert checked.text.splitlines()[1] == "Nyob zoo, xib fwb & cov me nyuam"


def test_decomposed_vietnamese_is_stored_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "WEBVTT\n\n00:01.000 --> 00:02.000\nThầy cô giáo Việt Nam\n")
    checked = check_caption(decomposed.encode())
    assert checked.text == "Thầy cô giáo Việt Nam" and unicodedata.is_normalized("NFC", checked.webvtt)


@pytest.mark.parametrize(("raw", "line", "words"), [
    ("WEBVTT\n\n00:01.000 --> 00:03.000\nMột\n\n00:02.000 --> 00:04.000\nHai\n".encode(), 6, "overlaps"),
    ("1\n00:00:01,000 --> 00:00:02,000\nMột\n\n2\n00:00:03.000 --> 00:00:04,000\nHai\n".encode(), 6,
     "malformed timestamp"),
    ("WEBVTT\n\nNOTE x\n\n00:01.000 --> 00:61.000\nMột\n".encode(), 5, "malformed timestamp"),
    ("WEBVTT\n\n00:05.000 --> 00:04.000\nMột\n".encode(), 3, "end must be after"),
    (b"1\n00:00:01,000 --> 00:00:02,000\nD\xf2ng m\xf4t (Windows-1258)\n", 3, "not UTF-8"),
    (b"1\n00:00:01,000 --> 00:00:02,000\n\n", 2, "no text"),
    (b"1\nhello\n", 1, "timing line is missing"),
])
def test_refusals_name_the_line(raw: bytes, line: int, words: str) -> None:
    with pytest.raises(CaptionError) as caught:
        check_caption(raw)
    assert caught.value.line == line and words in caught.value.reason_en, caught.value
