"""The ffmpeg command graphs built with ffmpeg-python: the argv they compile to (filters, codecs, maps), and
one real ffmpeg run of each kind through the watched runner, its output checked with ffprobe."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from tests.transcoding.av_media import ffmpeg, probe_json
from transcoding.audio.loudness import loudnorm_filter, normalising_chain
from transcoding.audio.render import encode_args, prefilter, waveform_chain
from transcoding.audio.spec import AudioOutputSpec, LoudnessTarget
from transcoding.ffmpeg_graph import Filter, chain_text
from transcoding.ffmpeg_run import run_ffmpeg
from transcoding.probe import ebur128_args, loudnorm_pass1_args, measure_ebur128, measure_loudnorm
from transcoding.video.graph import audio_chain
from transcoding.video.plan import AudioEncode

TARGET = LoudnessTarget(integrated_lufs=-16, true_peak_dbtp=-1.5)
MP3 = AudioOutputSpec(variant="mp3-128k", format="mp3", bitrate_kbps=128, sample_rate=44100, channels=2,
                      highpass_hz=120, loudness=TARGET)
M4A = AudioOutputSpec(variant="m4a", format="m4a", bitrate_kbps=96, sample_rate=48000, channels=1, loudness=TARGET)
WAVE = AudioOutputSpec(variant="waveform", output="waveform", format="png", width=600, height=100, colour="#1f6feb")
MEASURED = {"input_i": "-29.10", "input_tp": "-9.20", "input_lra": "0.00", "input_thresh": "-39.10",
            "target_offset": "0.05"}


def _graph(argv: list[str]) -> list[str]:
    return argv[argv.index("-filter_complex") + 1].split(";")


def _options_of(argv: list[str], path: Path) -> list[str]:
    """The output options written before `path` (after the previous output's file name)."""
    end = argv.index(str(path))
    first = argv.index("-filter_complex") + 1  # the outputs follow the graph
    start = max((i for i, a in enumerate(argv[:end]) if a.endswith((".mp3", ".m4a", ".png"))), default=first) + 1
    return argv[start:end]


# -- compiled argv --------------------------------------------------------------------------------
def test_the_input_is_local_only_with_the_probed_demuxer() -> None:
    argv = ebur128_args(Path("/srv/in put:1.wav"), "wav")
    assert argv[: argv.index("-i") + 2] == ["-f", "wav", "-protocol_whitelist", "file", "-i", "/srv/in put:1.wav"]


def test_ebur128_measures_the_first_audio_stream_into_null() -> None:
    argv = ebur128_args(Path("in.m4a"), None)
    assert _graph(argv) == ["[0:a:0]ebur128=framelog=verbose:peak=true[s0]"]
    assert argv[-5:] == ["-map", "[s0]", "-f", "null", "-"]


def test_loudnorm_pass1_measures_after_the_prefilter() -> None:
    argv = loudnorm_pass1_args(Path("in.wav"), "wav", prefilter(MP3), loudnorm_filter(TARGET))
    assert _graph(argv) == [
        "[0:a:0]aresample=48000[s0]",
        "[s0]aformat=channel_layouts=stereo[s1]",
        "[s1]highpass=f=120:poles=2[s2]",
        "[s2]loudnorm=I=-16.0:LRA=11.0:TP=-1.5:print_format=json[s3]",
    ]
    assert argv[-5:] == ["-map", "[s3]", "-f", "null", "-"]


def test_loudnorm_pass2_feeds_the_measured_values_back_and_stays_linear() -> None:
    pass2 = loudnorm_filter(TARGET, MEASURED).text()
    assert pass2 == ("loudnorm=I=-16.0:TP=-1.5:LRA=11.0:measured_I=-29.10:measured_TP=-9.20:measured_LRA=0.00"
                     ":measured_thresh=-39.10:offset=0.05:linear=true")


def test_one_decode_splits_into_every_audio_output(tmp_path: Path) -> None:
    chain = (*prefilter(MP3), loudnorm_filter(TARGET, MEASURED), Filter.of("aresample", 44100, resampler="soxr"))
    mp3, m4a, png = tmp_path / "a.mp3", tmp_path / "a.m4a", tmp_path / "w.png"
    argv = encode_args(Path("in.mov"), "mov,mp4,m4a,3gp,3g2,mj2",
                       [(chain, MP3, mp3), (prefilter(M4A), M4A, m4a), (waveform_chain(WAVE), WAVE, png)])
    assert argv[: argv.index("-i")] == ["-f", "mov,mp4,m4a,3gp,3g2,mj2", "-protocol_whitelist", "file", "-vn"]
    graph = _graph(argv)
    assert graph[0] == "[0:a:0]asplit=3[s0][s1][s2]"
    assert any("loudnorm=I=-16.0" in g and "linear=true" in g for g in graph)
    assert any(g.startswith("[s") and "aresample=44100:resampler=soxr" in g for g in graph)
    assert any("showwavespic=colors=0x1f6feb:s=600x100:scale=sqrt" in g for g in graph)
    mp3_opts = _options_of(argv, mp3)
    assert mp3_opts[:2] == ["-map", mp3_opts[1]] and mp3_opts[1].startswith("[s")
    for flag, value in (("-c:a", "libmp3lame"), ("-b:a", "128k"), ("-ar", "44100"), ("-ac", "2"),
                        ("-write_xing", "1"), ("-f", "mp3"), ("-map_metadata", "-1")):
        assert mp3_opts[mp3_opts.index(flag) + 1] == value, flag
    m4a_opts = _options_of(argv, m4a)
    for flag, value in (("-c:a", "aac"), ("-b:a", "96k"), ("-ar", "48000"), ("-ac", "1"),
                        ("-movflags", "+faststart"), ("-f", "mp4"), ("-map_metadata", "-1")):
        assert m4a_opts[m4a_opts.index(flag) + 1] == value, flag
    png_opts = _options_of(argv, png)
    for flag, value in (("-frames:v", "1"), ("-update", "1"), ("-f", "image2")):
        assert png_opts[png_opts.index(flag) + 1] == value, flag
    # every output reads its own branch of the split
    assert len({opts[1] for opts in (mp3_opts, m4a_opts, png_opts)}) == 3


def test_a_single_output_needs_no_split() -> None:
    argv = encode_args(Path("in.wav"), None, [(prefilter(M4A), M4A, Path("o.m4a"))])
    assert _graph(argv) == ["[0:a:0]aresample=48000[s0]", "[s0]aformat=channel_layouts=mono[s1]"]


def test_the_video_decode_writes_the_same_chain_as_text() -> None:
    enc = AudioEncode(bitrate_kbps=128, sample_rate=44100, channels=2, loudness=None, quick=False)
    assert audio_chain(enc) == "aresample=48000,aformat=channel_layouts=stereo,aresample=44100"
    normalised = (*prefilter(MP3), loudnorm_filter(TARGET, MEASURED))
    assert audio_chain(enc, normalised) == f"{chain_text(normalised)},aresample=44100"


# -- real runs --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """4 s of a quiet stereo tone (about -29 LUFS): far from the target, so normalisation must act."""
    path = tmp_path_factory.mktemp("graph") / "tone.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=f=330:d=4:sample_rate=48000,volume=0.5", "-ac", "2", str(path))
    return path


def test_measurements_run_and_are_read(tone: Path) -> None:
    loud = measure_ebur128(tone, fmt="wav")
    assert -35 < loud.integrated_lufs < -20 and math.isfinite(loud.true_peak_dbtp)
    values = measure_loudnorm(tone, fmt="wav", audio_filter=prefilter(MP3), loudnorm=loudnorm_filter(TARGET))
    assert abs(float(values["input_i"]) - loud.integrated_lufs) < 2


def test_two_pass_encode_makes_what_ffprobe_reads(tone: Path, tmp_path: Path) -> None:
    normalised = normalising_chain(tone, fmt="wav", prefilter=prefilter(MP3), target=TARGET)
    mp3, m4a, png = tmp_path / "a.mp3", tmp_path / "a.m4a", tmp_path / "w.png"
    run_ffmpeg(encode_args(tone, "wav", [
        ((*normalised, Filter.of("aresample", 44100, resampler="soxr")), MP3, mp3),
        ((*prefilter(M4A), Filter.of("aresample", 48000, resampler="soxr")), M4A, m4a),
        (waveform_chain(WAVE), WAVE, png),
    ]), duration=4)
    a = probe_json(mp3)["streams"][0]
    assert (a["codec_name"], a["sample_rate"], a["channels"]) == ("mp3", "44100", 2)
    b = probe_json(m4a)["streams"][0]
    assert (b["codec_name"], b["sample_rate"], b["channels"]) == ("aac", "48000", 1)
    w = probe_json(png)["streams"][0]
    assert (w["codec_name"], w["width"], w["height"]) == ("png", 600, 100)
    assert abs(measure_ebur128(mp3).integrated_lufs - TARGET.integrated_lufs) <= TARGET.tolerance_lu
