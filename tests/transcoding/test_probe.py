from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.transcoding.av_media import ffmpeg, make_clip, make_speech
from transcoding.probe import MediaInfo, probe
from transcoding.types import BadMediaError


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("probe")
    make_clip(folder / "clip.mp4", size="320x180", seconds=2)
    return folder


def test_probe_describes_a_video(media: Path) -> None:
    info = probe(media / "clip.mp4", "video")
    assert info.format_name == "mov"
    assert (info.width, info.height, info.fps, info.video_codec, info.audio_codec) == (
        320,
        180,
        30.0,
        "h264",
        "aac",
    )
    assert info.sample_rate == 48000 and info.channels == 1
    assert info.duration == pytest.approx(2.0, abs=0.1)
    assert info.loudness is not None and -40 < info.loudness.integrated_lufs < -10
    restored = MediaInfo.from_dict(json.loads(json.dumps(info.to_dict())))
    assert restored == info


def test_rotation_from_the_display_matrix_swaps_the_display_size(media: Path) -> None:
    rotated = media / "rotated.mp4"
    ffmpeg("-i", str(media / "clip.mp4"), "-c", "copy", "-metadata:s:v:0", "rotate=90", str(rotated))
    info = probe(rotated, "video", measure_loudness=False)
    assert info.rotation in (90, 270)
    assert (info.width, info.height) == (180, 320)


def test_audio_probe_and_kind_allow_list(tmp_path: Path) -> None:
    speech = make_speech(tmp_path / "speech.wav")
    info = probe(speech, "podcast")
    assert info.format_name == "wav" and info.video is None and info.loudness is not None
    with pytest.raises(BadMediaError) as err:
        probe(speech, "video")
    assert err.value.code == "format_not_allowed"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty_file"),
        (os.urandom(4096), "unreadable"),
        (b"WEBVTT\n\n00:00.000 --> 00:01.000\nhi\n", None),
    ],
)
def test_garbage_is_bad_media(tmp_path: Path, content: bytes, code: str | None) -> None:
    path = tmp_path / "upload.bin"
    path.write_bytes(content)
    with pytest.raises(BadMediaError) as err:
        probe(path, "video")
    assert err.value.permanent
    if code:
        assert err.value.code == code


def test_truncated_mp4_is_bad_media(media: Path, tmp_path: Path) -> None:
    data = (media / "clip.mp4").read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(BadMediaError, match="not a readable media file"):
        probe(cut, "video")


def test_unknown_kind_is_a_programming_error(media: Path) -> None:
    with pytest.raises(ValueError):
        probe(media / "clip.mp4", "qa_set")
