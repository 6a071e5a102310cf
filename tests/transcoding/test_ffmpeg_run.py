from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.support import process_alive, process_parents
from tests.transcoding.av_media import make_clip
from transcoding.ffmpeg_run import FfmpegLimits, input_args, run_ffmpeg
from transcoding.types import BadMediaError, TransientProcessingError


def test_progress_reaches_the_end(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "clip.mp4", size="320x180", seconds=2, audio=False)
    seen: list[float] = []
    result = run_ffmpeg([*input_args(clip, "mov"), "-f", "null", "-"], duration=2.0, progress=seen.append)
    assert result.returncode == 0
    assert seen and seen[-1] == pytest.approx(1.0, abs=0.05)
    assert seen == sorted(seen)


def test_stall_watchdog_kills_a_stuck_ffmpeg(tmp_path: Path) -> None:
    fifo = tmp_path / "never.fifo"
    os.mkfifo(fifo)
    # A writer that holds the FIFO open but never writes: ffmpeg blocks reading, reporting nothing.
    writer = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)
    try:
        started = time.monotonic()
        with pytest.raises(TransientProcessingError) as err:
            run_ffmpeg([*input_args(fifo, "mpegts"), "-f", "null", "-"],
                       limits=FfmpegLimits(timeout=60, stall_seconds=2))
        assert err.value.code == "stalled"
        assert time.monotonic() - started < 10
    finally:
        os.close(writer)


def test_wall_clock_timeout(tmp_path: Path) -> None:
    # An endless source keeps reporting progress, so only the overall timeout can stop it.
    with pytest.raises(TransientProcessingError) as err:
        run_ffmpeg(["-re", "-f", "lavfi", "-i", "sine=f=440", "-f", "null", "-"],
                   limits=FfmpegLimits(timeout=2, stall_seconds=30))
    assert err.value.code == "timeout"


def test_undecodable_input_is_bad_media(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\x00\x00\x00\x18ftypmp42" + os.urandom(3000))
    with pytest.raises(BadMediaError):
        run_ffmpeg([*input_args(junk), "-f", "null", "-"])


def test_only_local_files_are_opened(tmp_path: Path) -> None:
    with pytest.raises(BadMediaError):
        run_ffmpeg(["-protocol_whitelist", "file", "-i", "http://127.0.0.1:9/x.mp4", "-f", "null", "-"])


def test_memory_cap_applies_to_the_child(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "clip.mp4", size="320x180", seconds=1, audio=False)
    with pytest.raises((BadMediaError, TransientProcessingError)):
        run_ffmpeg([*input_args(clip), "-c:v", "libx264", "-f", "null", "-"],
                   limits=FfmpegLimits(max_memory=40 * 1024**2))


def _children_named(parent: int, name: str) -> list[int]:
    return [pid for pid, (ppid, comm) in process_parents().items()
            if ppid == parent and comm == name and process_alive(pid)]


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc to find the ffmpeg process")
def test_ffmpeg_dies_with_the_process_that_started_it(tmp_path: Path) -> None:
    """A processing child killed for a timeout or cancellation (or a SIGKILLed worker) takes its ffmpeg with
    it, although ffmpeg runs in a session of its own."""
    import signal
    import subprocess
    import sys

    script = (
        "from transcoding.ffmpeg_run import run_ffmpeg\n"
        "run_ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=1280x720:rate=25', '-t', '600',"
        " '-c:v', 'libx264', '-preset', 'veryslow', '-f', 'null', '-'])\n"
    )
    root = Path(__file__).resolve().parents[2]
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=root)
    try:
        deadline = time.monotonic() + 30
        ffmpeg: list[int] = []
        while not ffmpeg and time.monotonic() < deadline:
            time.sleep(0.1)
            ffmpeg = _children_named(parent.pid, "ffmpeg")
        assert ffmpeg, "ffmpeg did not start"
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if not any(process_alive(pid, "ffmpeg") for pid in ffmpeg):
                break
            time.sleep(0.1)
        else:
            for pid in ffmpeg:
                os.kill(pid, signal.SIGKILL)
            raise AssertionError("ffmpeg outlived the process that started it")
    finally:
        if parent.poll() is None:
            parent.kill()


def test_a_shorter_run_limit_never_lifts_the_operators_timeout() -> None:
    operator = FfmpegLimits(timeout=5, stall_seconds=7, max_memory=123)
    assert operator.within(300) == operator  # a poster's 300 s does not outlast a 5 s operator limit
    assert FfmpegLimits(timeout=7200).within(300).timeout == 300


def test_the_limits_are_not_read_from_the_environment_at_import() -> None:
    """The service's settings (`.env` included) are the one source: importing the runner with KHO_FFMPEG_*
    in the environment changes nothing."""
    import subprocess
    import sys

    script = ("from transcoding.ffmpeg_run import DEFAULT_LIMITS, FfmpegLimits\n"
              "assert DEFAULT_LIMITS == FfmpegLimits(), DEFAULT_LIMITS\n")
    env = {**os.environ, "KHO_FFMPEG_TIMEOUT": "1", "KHO_FFMPEG_STALL_SECONDS": "1", "KHO_FFMPEG_MAX_MEMORY": "1"}
    done = subprocess.run([sys.executable, "-c", script], env=env, cwd=Path(__file__).resolve().parents[2],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
