from __future__ import annotations

import hashlib
from fractions import Fraction
from pathlib import Path

import pytest

from tests.transcoding.av_media import ffmpeg, keyframe_times, make_clip, probe_json, stream, top_level_atoms
from transcoding.probe import measure_ebur128, probe
from transcoding.profiles import Profile, load_profiles, profiles_for
from transcoding.types import BadMediaError, FocalPoint, RenditionOutput
from transcoding.video.render import render_video

SRT = (
    '\ufeff1\r\n00:00:00,500 --> 00:00:01,800\r\n<font color="red">Nghị quyết 71</font> & giáo dục\r\n\r\n'
    "2\r\n00:00:02,000 --> 00:00:02,900\r\nĐổi mới --> đột phá\r\n"
)


def _by(outputs: list[RenditionOutput]) -> dict[tuple[str, str], RenditionOutput]:
    return {(o.profile, o.variant): o for o in outputs}


def _fps(path: Path) -> float:
    v = stream(path, "video")
    assert v is not None
    return float(Fraction(v["avg_frame_rate"]))


def _rung_file(playlist: Path) -> Path:
    """init.mp4 + every segment, concatenated: one fMP4 file ffprobe can read."""
    names = [ln for ln in playlist.read_text().splitlines() if ln and not ln.startswith("#")]
    joined = playlist.parent / "joined.mp4"
    joined.write_bytes(b"".join((playlist.parent / n).read_bytes() for n in ["init.mp4", *names]))
    return joined


def _video_packets(path: Path) -> str:
    data = probe_json(path, "-select_streams", "v:0", "-show_entries", "packet=size")
    return hashlib.sha256(",".join(p["size"] for p in data["packets"]).encode()).hexdigest()


@pytest.fixture(scope="module")
def rendered(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, dict[tuple[str, str], RenditionOutput], list[float]]:
    folder = tmp_path_factory.mktemp("video")
    source = make_clip(folder / "source.mp4", size="640x360", seconds=3)
    (folder / "talk.vi.srt").write_bytes(SRT.encode("utf-8"))
    info = probe(source, "video")
    seen: list[float] = []
    outputs = render_video(
        source,
        info,
        profiles_for("video", "video"),
        folder / "out",
        focal=FocalPoint(0.3, 0.5),
        captions=[folder / "talk.vi.srt"],
        progress=seen.append,
    )
    return folder / "out", _by(outputs), seen


def test_every_video_profile_has_its_outputs(rendered: tuple) -> None:
    out, outputs, seen = rendered
    expected = {
        ("web-hls", "360p"),
        ("web-hls", "master"),
        ("web-hls", "sprite"),
        ("web-hls", "captions-vi"),
        ("web-mp4", "720p"),
        ("web-mp4", "poster"),
        ("youtube", "1080p"),
        ("vertical", "crop-1080x1920"),
        ("vertical", "fill-1080x1920"),
        ("facebook-feed", "1080x1080"),
        ("facebook-feed", "1080x1350"),
        ("zalo-oa", "720p"),
        ("tv-broadcast", "1080p25"),
        ("signage", "1080p"),
    }
    assert set(outputs) == expected
    for o in outputs.values():
        assert o.path.exists() and o.path.stat().st_size > 0
        assert all((out / f).exists() for f in o.extra["files"])
    assert not list(out.glob(".work-*")), "scratch folder must be removed"
    assert seen[-1] == pytest.approx(1.0) and max(seen) <= 1.0
    # Progress must move during the single decode, or the job's stall watchdog would kill long videos.
    assert any(0.0 < f < 0.8 for f in seen)


def test_mp4s_never_upscale_and_start_fast(rendered: tuple) -> None:
    _, outputs, _ = rendered
    for key in [("web-mp4", "720p"), ("youtube", "1080p"), ("zalo-oa", "720p"), ("signage", "1080p")]:
        path = outputs[key].path
        v = stream(path, "video")
        assert v is not None and v["codec_name"] == "h264" and v["pix_fmt"] == "yuv420p"
        assert (v["width"], v["height"]) == (640, 360), key
        atoms = top_level_atoms(path)
        assert atoms.index("moov") < atoms.index("mdat"), f"{key} is not faststart"
        assert _fps(path) == pytest.approx(30)
    youtube = outputs[("youtube", "1080p")].path
    a = stream(youtube, "audio")
    assert a is not None and a["codec_name"] == "aac" and a["sample_rate"] == "48000" and a["profile"] == "LC"
    assert stream(youtube, "video")["profile"] == "High"  # type: ignore[index]
    assert stream(outputs[("signage", "1080p")].path, "audio") is None


def test_shared_encode_is_packaged_many_times(rendered: tuple) -> None:
    _, outputs, _ = rendered
    web, zalo = outputs[("web-mp4", "720p")].path, outputs[("zalo-oa", "720p")].path
    assert _video_packets(web) == _video_packets(zalo)
    assert zalo.stat().st_size <= 50 * 1024 * 1024


def test_aspect_crops_and_pads(rendered: tuple) -> None:
    _, outputs, _ = rendered
    for form in ("crop-1080x1920", "fill-1080x1920"):  # the platforms' full size, both forms
        v = stream(outputs[("vertical", form)].path, "video")
        assert v is not None and (v["width"], v["height"]) == (1080, 1920), form
    for key, aspect in [
        (("facebook-feed", "1080x1080"), 1.0),
        (("facebook-feed", "1080x1350"), 4 / 5),
    ]:
        v = stream(outputs[key].path, "video")
        assert v is not None
        assert v["width"] / v["height"] == pytest.approx(aspect, rel=0.01), key
        assert v["height"] <= 640 + 800  # shrunk box, no enlargement of a 640×360 picture
        assert (v["width"], v["height"]) == (outputs[key].width, outputs[key].height)


def test_tv_broadcast(rendered: tuple) -> None:
    _, outputs, _ = rendered
    tv = outputs[("tv-broadcast", "1080p25")]
    v, a = stream(tv.path, "video"), stream(tv.path, "audio")
    assert v is not None and a is not None
    assert (v["width"], v["height"]) == (1920, 1080) and _fps(tv.path) == pytest.approx(25)
    assert int(v["bit_rate"]) >= 6_000_000
    assert a["codec_name"] == "aac" and a["sample_rate"] == "48000" and int(a["bit_rate"]) >= 180_000
    measured = measure_ebur128(tv.path)
    assert measured.integrated_lufs == pytest.approx(-23, abs=1.0)
    assert measured.true_peak_dbtp <= -1 + 0.5
    assert tv.loudness_lufs == pytest.approx(-23, abs=1.0)


def test_hls_ladder_keyframes_and_captions(rendered: tuple) -> None:
    out, outputs, _ = rendered
    master = outputs[("web-hls", "master")].path.read_text()
    assert "360p/index.m3u8" in master and "540p" not in master and "720p" not in master
    assert 'TYPE=SUBTITLES,GROUP-ID="subs",NAME="Tiếng Việt",LANGUAGE="vi"' in master
    assert 'SUBTITLES="subs"' in master and 'CODECS="avc1.64' in master
    playlist = outputs[("web-hls", "360p")].path.read_text()
    assert '#EXT-X-MAP:URI="init.mp4"' in playlist and "#EXT-X-PLAYLIST-TYPE:VOD" in playlist
    keys = keyframe_times(_rung_file(outputs[("web-hls", "360p")].path))
    assert len(keys) >= 2 and all(
        b - a == pytest.approx(2.0, abs=0.05) for a, b in zip(keys, keys[1:], strict=False)
    )
    vtt = outputs[("web-hls", "captions-vi")].path.read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT\n\n00:00:00.500 --> 00:00:01.800\nNghị quyết 71 &amp; giáo dục")
    assert "Đổi mới → đột phá" in vtt and "font" not in vtt
    sprite = outputs[("web-hls", "sprite")]
    assert sprite.extra["tiles"] == 2 and (out / sprite.extra["vtt"]).read_text().count("#xywh=") == 2


def test_poster_frame(rendered: tuple) -> None:
    _, outputs, _ = rendered
    poster = outputs[("web-mp4", "poster")]
    v = stream(poster.path, "video")
    assert v is not None and v["codec_name"] == "mjpeg" and (v["width"], v["height"]) == (640, 360)


def test_full_hd_source_gets_the_whole_ladder_and_shares_1080p(tmp_path: Path) -> None:
    source = make_clip(tmp_path / "hd.mp4", size="1920x1080", seconds=1)
    profiles = load_profiles()
    outputs = _by(
        render_video(
            source, probe(source, "video"), [profiles["web-hls"], profiles["youtube"]], tmp_path / "out"
        )
    )
    master = outputs[("web-hls", "master")].path.read_text()
    assert [ln for ln in master.splitlines() if ln.endswith(".m3u8")] == [
        "360p/index.m3u8",
        "540p/index.m3u8",
        "720p/index.m3u8",
        "1080p/index.m3u8",
    ]
    assert (outputs[("web-hls", "540p")].width, outputs[("web-hls", "540p")].height) == (960, 540)
    hls_1080 = _rung_file(outputs[("web-hls", "1080p")].path)
    assert _video_packets(hls_1080) == _video_packets(outputs[("youtube", "1080p")].path)


def _custom(name: str, **spec: object) -> Profile:
    return Profile.model_validate(
        {
            "name": name,
            "channel": "web",
            "label_vi": "Thử",
            "label_en": "Test",
            "kinds": ["video"],
            "video": [{"variant": "v", "output": "mp4", **spec}],
        }
    )


def test_size_cap_fits_the_bitrate_to_the_duration(tmp_path: Path) -> None:
    source = make_clip(
        tmp_path / "s.mp4", size="640x360", seconds=3, extra=("-crf", "10", "-preset", "ultrafast")
    )
    capped = _custom("capped", width=640, height=360, crf=18, max_bytes=100_000, audio=False)
    [out] = render_video(source, probe(source, "video"), [capped], tmp_path / "out")
    assert out.path.stat().st_size <= 100_000
    assert source.stat().st_size > 300_000


def test_quick_transcode_copies_a_conforming_source(tmp_path: Path) -> None:
    source = make_clip(
        tmp_path / "ok.mp4",
        size="640x360",
        seconds=3,
        extra=("-preset", "veryfast", "-g", "60", "-ac", "2", "-b:a", "128k", "-ar", "48000"),
    )
    web = load_profiles()["web-mp4"]
    info = probe(source, "video")
    outputs = _by(render_video(source, info, [web], tmp_path / "out"))
    mp4 = outputs[("web-mp4", "720p")]
    assert mp4.extra["quick"] is True and mp4.extra["audio_copied"] is True
    assert _video_packets(mp4.path) == _video_packets(source)
    atoms = top_level_atoms(mp4.path)
    assert atoms.index("moov") < atoms.index("mdat")
    assert outputs[("web-mp4", "poster")].path.exists()
    forced = _custom("forced", width=1280, height=720, maxrate_kbps=3000, quick=False)
    [slow] = render_video(source, info, [forced], tmp_path / "out2")
    assert slow.extra["quick"] is False


def test_rotated_source_is_turned_upright(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "c.mp4", size="320x180", seconds=1)
    rotated = tmp_path / "r.mp4"
    ffmpeg("-i", str(clip), "-c", "copy", "-metadata:s:v:0", "rotate=90", str(rotated))
    [out, _] = render_video(rotated, probe(rotated, "video"), [load_profiles()["web-mp4"]], tmp_path / "out")
    v = stream(out.path, "video")
    assert v is not None and (v["width"], v["height"]) == (180, 320) and out.extra["quick"] is False


def test_truncated_input_is_bad_media(tmp_path: Path) -> None:
    clip = make_clip(
        tmp_path / "c.mkv", size="640x360", seconds=3, extra=("-preset", "ultrafast", "-crf", "5")
    )
    cut = tmp_path / "cut.mkv"
    cut.write_bytes(clip.read_bytes()[: clip.stat().st_size // 3])
    info = probe(cut, "video")
    with pytest.raises(BadMediaError) as err:
        render_video(cut, info, [load_profiles()["web-mp4"]], tmp_path / "out")
    assert err.value.code == "truncated"


def test_silent_sound_track_is_kept_unnormalised(tmp_path: Path) -> None:
    clip = tmp_path / "silent.mp4"
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc2=s=320x180:r=25:d=1",
        "-f",
        "lavfi",
        "-i",
        "anullsrc=r=48000:cl=stereo",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-c:a",
        "aac",
        "-t",
        "1",
        str(clip),
    )
    [out] = render_video(clip, probe(clip, "video"), [load_profiles()["tv-broadcast"]], tmp_path / "out")
    assert stream(out.path, "audio") is not None and out.loudness_lufs is not None and out.loudness_lufs < -60


def test_every_required_video_output_is_found_by_the_publication_gate(rendered: tuple) -> None:
    """The HLS master stands for the profile's "hls" output: a gate that missed it held every video back."""
    from service.publication.rules import made_outputs, missing, required_outputs
    from transcoding.profiles import default_profiles

    _, outputs, _ = rendered
    video_profiles = {name: p for name, p in default_profiles().items() if p.sections("video")}
    required = required_outputs("video", "video/mp4", video_profiles)
    assert ("web-hls", "hls") in required
    made = made_outputs((o.profile, o.variant, o.extra) for o in outputs.values())
    assert missing(required, made) == []
