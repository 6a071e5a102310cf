"""Video planning rules with exact numbers (transcoding/video_plan.py), no ffmpeg: which HLS rungs a source
gets and how a size cap (Zalo OA's 50 MB) becomes a bitrate."""

from __future__ import annotations

import pytest

from transcoding.probe import MediaInfo, StreamInfo
from transcoding.profiles import default_profiles
from transcoding.video.plan import MIN_CAPPED_KBPS, SIZE_CAP_MARGIN, capped_maxrate, ladder_heights
from transcoding.video.spec import VideoOutputSpec


def spec_of(profile: str, variant: str) -> VideoOutputSpec:
    return next(s for s in default_profiles()[profile].video if s.variant == variant)


HLS = spec_of("web-hls", "hls")
ZALO = spec_of("zalo-oa", "720p")


def info(w: int, h: int, duration: float = 60.0, audio: bool = True) -> MediaInfo:
    streams = [StreamInfo(index=1, type="audio", codec="aac")] if audio else []
    return MediaInfo(kind="video", format_name="mov", duration=duration, size_bytes=1, bit_rate=None,
                     width=w, height=h, frame_rate="25/1", fps=25.0, streams=streams)


@pytest.mark.parametrize(("size", "rungs"), [
    ((1920, 1080), [360, 540, 720, 1080]),
    ((1080, 1920), [360, 540, 720, 1080]),  # a vertical video: the short side decides, not the height
    ((1280, 720), [360, 540, 720]),  # no rung above the source
    ((1279, 719), [360, 540]),
    ((640, 360), [360]),
])
def test_hls_rungs_at_or_below_the_source(size: tuple[int, int], rungs: list[int]) -> None:
    assert [h for h, _ in ladder_heights(info(*size), HLS)] == rungs


def test_a_source_below_the_lowest_rung_gets_one_rung_at_its_own_even_size() -> None:
    assert ladder_heights(info(320, 181), HLS) == [(180, 800)]  # the lowest rung's bitrate, an even height


def test_no_size_cap_keeps_the_profile_bitrate() -> None:
    assert capped_maxrate(info(1920, 1080), HLS, 6000) == 6000


def test_a_size_cap_turns_into_a_bitrate_for_the_duration() -> None:
    assert ZALO.max_bytes is not None
    minutes = 10 * 60.0
    budget = int(ZALO.max_bytes * 8 * SIZE_CAP_MARGIN / minutes / 1000) - ZALO.audio_bitrate_kbps
    assert capped_maxrate(info(1280, 720, minutes), ZALO, None) == budget
    assert capped_maxrate(info(1280, 720, minutes), ZALO, budget - 1) == budget - 1  # a lower cap wins
    assert capped_maxrate(info(1280, 720, minutes, audio=False), ZALO, None) == budget + ZALO.audio_bitrate_kbps


def test_a_very_long_video_keeps_a_watchable_floor() -> None:
    assert capped_maxrate(info(1280, 720, 10 * 3600.0), ZALO, None) == MIN_CAPPED_KBPS


def test_a_zero_duration_does_not_divide_by_zero() -> None:
    assert capped_maxrate(info(1280, 720, 0.0), ZALO, 2500) == 2500
