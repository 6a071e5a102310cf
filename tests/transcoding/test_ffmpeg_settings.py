"""The ffmpeg limits come from the service's settings, `.env` included, and reach every ffmpeg run of a
processing job (issue 19: KHO_FFMPEG_TIMEOUT in `.env` used to be ignored, read from os.environ at import)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from service.core.config import Settings
from service.jobs.isolation import run_isolated
from service.processing.handlers import ffmpeg_limits
from tests.transcoding.av_media import make_clip
from transcoding.ffmpeg_run import FfmpegLimits
from transcoding.pipeline import ProcessRequest
from transcoding.types import TransientProcessingError

LIMIT_VARS = ("KHO_FFMPEG_TIMEOUT", "KHO_FFMPEG_STALL_SECONDS", "KHO_FFMPEG_MAX_MEMORY")


@pytest.fixture
def dotenv_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory whose `.env` sets the limits; the process environment does not."""
    for name in LIMIT_VARS:
        monkeypatch.delenv(name, raising=False)
    folder = tmp_path / "service"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder / ".env"


def test_limits_are_read_from_dotenv(dotenv_only: Path) -> None:
    dotenv_only.write_text("KHO_FFMPEG_TIMEOUT=2\nKHO_FFMPEG_STALL_SECONDS=9\nKHO_FFMPEG_MAX_MEMORY=0\n")
    assert ffmpeg_limits(Settings()) == FfmpegLimits(timeout=2, stall_seconds=9, max_memory=None)


def test_defaults_without_dotenv(dotenv_only: Path) -> None:
    assert ffmpeg_limits(Settings()) == FfmpegLimits()


def test_a_dotenv_timeout_stops_a_long_encode_in_the_processing_path(dotenv_only: Path, tmp_path: Path) -> None:
    # 20 s of 720p for every video profile: a minute of encoding on this machine, far beyond 2 s.
    clip = make_clip(tmp_path / "long.mp4", size="1280x720", seconds=20)
    dotenv_only.write_text("KHO_FFMPEG_TIMEOUT=2\n")
    settings = Settings()
    started = time.monotonic()
    with pytest.raises(TransientProcessingError) as err:
        run_isolated(ProcessRequest(kind="video", media_type="video/mp4"), clip, tmp_path / "out", captions=[],
                     progress=lambda _: None, memory_limit=settings.jobs.memory_limit_mb * 1024 * 1024,
                     timeout=settings.jobs.timeout_seconds, ffmpeg_limits=ffmpeg_limits(settings))
    # The ffmpeg watchdog's timeout, not the job's own wall-clock limit (an hour) nor a failure.
    assert err.value.code == "timeout"
    assert "ffmpeg ran longer than 2 s" in str(err.value)
    assert time.monotonic() - started < 60
