from __future__ import annotations

from pathlib import Path

import pytest
from mutagen.id3 import ID3
from mutagen.mp4 import MP4
from PIL import Image

from tests.transcoding.av_media import ffmpeg, make_clip, make_speech, stream
from transcoding.audio.render import AudioTags, render_audio
from transcoding.probe import measure_ebur128, probe
from transcoding.profiles import Profile, load_profiles, profiles_for
from transcoding.types import BadMediaError, RenditionOutput

TAGS = AudioTags(
    title="Nghị quyết 71: đột phá giáo dục",
    artist="Bộ Giáo dục và Đào tạo",
    copyright="© 2025 Bộ GDĐT",
    url="https://kho.example.vn/tai-san/42",
    year="2025",
)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], RenditionOutput]:
    folder = tmp_path_factory.mktemp("audio")
    speech = make_speech(folder / "speech.wav")
    Image.new("RGB", (900, 600), (200, 30, 30)).save(folder / "cover.png")
    outputs = render_audio(
        speech,
        probe(speech, "podcast"),
        profiles_for("podcast", "audio"),
        folder / "out",
        tags=TAGS,
        cover_art=folder / "cover.png",
    )
    return {(o.profile, o.variant): o for o in outputs}


def test_every_audio_output_meets_its_loudness_target(rendered: dict) -> None:
    assert set(rendered) == {
        ("loudspeaker", "mp3-mono"),
        ("podcast", "mp3-128k"),
        ("podcast", "m4a"),
        ("podcast", "waveform"),
    }
    for key, target in [
        (("loudspeaker", "mp3-mono"), -16),
        (("podcast", "mp3-128k"), -16),
        (("podcast", "m4a"), -16),
    ]:
        out = rendered[key]
        independent = measure_ebur128(out.path)
        assert independent.integrated_lufs == pytest.approx(target, abs=1.0), key
        assert out.loudness_lufs == pytest.approx(independent.integrated_lufs, abs=0.05)
        assert out.true_peak_dbtp is not None and out.true_peak_dbtp <= -0.5


def test_loudspeaker_is_mono_cbr_mp3(rendered: dict) -> None:
    path = rendered[("loudspeaker", "mp3-mono")].path
    a = stream(path, "audio")
    assert a is not None and a["codec_name"] == "mp3" and a["channels"] == 1 and a["sample_rate"] == "44100"
    assert int(a["bit_rate"]) == 96_000


def test_podcast_mp3_has_id3_tags_and_square_cover(rendered: dict) -> None:
    path = rendered[("podcast", "mp3-128k")].path
    a = stream(path, "audio")
    assert a is not None and a["channels"] == 2 and int(a["bit_rate"]) == 128_000
    tags = ID3(path)
    assert str(tags["TIT2"]) == TAGS.title and str(tags["TPE1"]) == TAGS.artist
    assert str(tags["TCOP"]) == TAGS.copyright and tags["WOAS"].url == TAGS.url
    cover = tags.getall("APIC")[0]
    assert cover.type == 3 and cover.mime == "image/jpeg"
    from io import BytesIO

    assert Image.open(BytesIO(cover.data)).size == (3000, 3000)


def test_m4a_has_mp4_tags(rendered: dict) -> None:
    path = rendered[("podcast", "m4a")].path
    a = stream(path, "audio")
    assert a is not None and a["codec_name"] == "aac"
    tags = MP4(path).tags
    assert tags is not None and tags["\xa9nam"] == [TAGS.title] and tags["cprt"] == [TAGS.copyright]
    assert len(tags["covr"]) == 1


def test_waveform_png(rendered: dict) -> None:
    wave = rendered[("podcast", "waveform")]
    with Image.open(wave.path) as img:
        assert img.format == "PNG" and img.size == (1800, 280)
        assert img.convert("L").getextrema()[1] > 0  # something was drawn


def test_high_pass_removes_low_hum(tmp_path: Path) -> None:
    hum = tmp_path / "hum.wav"
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "sine=f=50:d=4:sample_rate=44100",
        "-f",
        "lavfi",
        "-i",
        "sine=f=1000:d=4:sample_rate=44100",
        "-filter_complex",
        "amix=inputs=2",
        str(hum),
    )
    speaker = load_profiles()["loudspeaker"]
    [out] = render_audio(hum, probe(hum, "podcast"), [speaker], tmp_path / "out")
    low = tmp_path / "low.wav"
    ffmpeg("-i", str(out.path), "-af", "lowpass=f=80,lowpass=f=80", str(low))
    # After normalisation the 1 kHz tone carries the loudness; the 120 Hz high-pass cuts 50 Hz by ≥ 15 dB.
    assert measure_ebur128(low).true_peak_dbtp < out.true_peak_dbtp - 15  # type: ignore[operator]


def test_audio_track_of_a_video(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "v.mp4", size="320x180", seconds=4)
    speaker = load_profiles()["loudspeaker"]
    [out] = render_audio(clip, probe(clip, "video"), [speaker], tmp_path / "out")
    assert out.loudness_lufs == pytest.approx(-16, abs=1.0)


def test_video_without_sound_is_bad_media(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "v.mp4", size="320x180", seconds=1, audio=False)
    with pytest.raises(BadMediaError):
        render_audio(clip, probe(clip, "video"), [load_profiles()["loudspeaker"]], tmp_path / "out")


def test_custom_targets(tmp_path: Path) -> None:
    speech = make_speech(tmp_path / "s.wav")
    custom = Profile.model_validate(
        {
            "name": "radio",
            "channel": "loudspeaker",
            "label_vi": "Đài",
            "label_en": "Radio",
            "kinds": ["podcast"],
            "audio": [
                {
                    "variant": "quiet",
                    "format": "m4a",
                    "bitrate_kbps": 96,
                    "sample_rate": 48000,
                    "channels": 1,
                    "loudness": {"integrated_lufs": -24, "true_peak_dbtp": -2},
                }
            ],
        }
    )
    [out] = render_audio(speech, probe(speech, "podcast"), [custom], tmp_path / "out")
    assert out.loudness_lufs == pytest.approx(-24, abs=1.0) and out.extra["within_tolerance"]
