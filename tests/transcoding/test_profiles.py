from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from transcoding.profiles import PROFILE_DIR, ProfileError, load_profiles, profiles_for

STARTING_SET = {
    "web-hls",
    "web-mp4",
    "youtube",
    "vertical",
    "facebook-feed",
    "zalo-oa",
    "tv-broadcast",
    "signage",
    "loudspeaker",
    "podcast",
    "web-image",
    "print",
    "document-preview",
}


def test_bundled_profiles_load_and_cover_the_starting_set() -> None:
    profiles = load_profiles()
    assert STARTING_SET <= set(profiles)
    for profile in profiles.values():
        assert profile.label_vi == unicodedata.normalize("NFC", profile.label_vi)
    fb = profiles["facebook-feed"]
    assert {(v.width, v.height) for v in fb.video} == {(1080, 1080), (1080, 1350)}
    assert {(i.width, i.height) for i in fb.image} == {(1200, 630), (1080, 1080), (1080, 1350)}
    assert profiles["zalo-oa"].video[0].max_bytes == 50 * 1024 * 1024
    assert all(i.max_bytes == 1024 * 1024 for i in profiles["zalo-oa"].image)
    tv = profiles["tv-broadcast"].video[0]
    assert (tv.fps, tv.bitrate_kbps, tv.audio_bitrate_kbps, tv.audio_sample_rate) == (25, 8000, 192, 48000)
    assert tv.loudness is not None and tv.loudness.integrated_lufs == -23 and tv.loudness.true_peak_dbtp == -1
    assert profiles["signage"].video[0].audio is False
    speaker = profiles["loudspeaker"].audio[0]
    assert (speaker.channels, speaker.highpass_hz, speaker.format) == (1, 120, "mp3")
    assert profiles["print"].image[0].colour == "keep"


def test_profiles_for_kind_and_medium() -> None:
    video = {p.name for p in profiles_for("video", "video")}
    assert {
        "web-hls",
        "web-mp4",
        "youtube",
        "vertical",
        "facebook-feed",
        "zalo-oa",
        "tv-broadcast",
        "signage",
    } == video
    assert {p.name for p in profiles_for("podcast", "audio")} == {"podcast", "loudspeaker"}
    assert {p.name for p in profiles_for("infographic", "image")} >= {"web-image", "facebook-feed", "zalo-oa"}
    assert {p.name for p in profiles_for("document", "document")} >= {"document-preview", "print"}
    assert profiles_for("qa_set", "video") == []


GOOD = """name: {name}
channel: web
label_vi: Thử
label_en: Test
kinds: [video]
video:
  - {{variant: 720p, output: mp4, width: 1280, height: 720}}
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (GOOD.format(name="custom") + "colour: red\n", "colour"),
        (GOOD.format(name="custom").replace("width: 1280", "width: -5"), "video.0.width"),
        (GOOD.format(name="custom").replace("output: mp4", "output: avi"), "video.0.output"),
        (GOOD.format(name="custom").replace("kinds: [video]", "kinds: [film]"), "kinds.0"),
        (GOOD.format(name="other"), "name"),
        (
            "name: custom\nchannel: web\nlabel_vi: a\nlabel_en: a\nkinds: [video]\n"
            "video:\n  - {variant: hls, output: hls}\n",
            "video.0",
        ),
    ],
)
def test_invalid_profile_names_file_and_field(tmp_path: Path, text: str, field: str) -> None:
    _write(tmp_path, "custom", text)
    with pytest.raises(ProfileError) as info:
        load_profiles(tmp_path)
    assert info.value.path.name == "custom.yaml"
    assert info.value.field == field
    assert "custom.yaml" in str(info.value) and field in str(info.value)


def test_unreadable_yaml_and_empty_folder(tmp_path: Path) -> None:
    _write(tmp_path, "broken", "name: [unclosed\n")
    with pytest.raises(ProfileError, match="broken.yaml.*YAML"):
        load_profiles(tmp_path)
    with pytest.raises(ProfileError, match="no profile files"):
        load_profiles(tmp_path / "missing")


def test_a_new_profile_needs_no_code(tmp_path: Path) -> None:
    for f in PROFILE_DIR.glob("*.yaml"):
        _write(tmp_path, f.stem, f.read_text(encoding="utf-8"))
    _write(tmp_path, "custom", GOOD.format(name="custom"))
    profiles = load_profiles(tmp_path)
    assert "custom" in {p.name for p in profiles_for("video", "video", profiles)}
