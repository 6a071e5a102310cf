"""Rights embedding without re-encoding (JPEG, PNG, MP4) and the token buckets (memory and real Redis)."""

from __future__ import annotations

import io
import subprocess
import uuid
from pathlib import Path

import pytest
from mutagen.mp4 import MP4
from PIL import Image

from tests.service.publication.helpers import jpeg
from tests.support import REDIS_URL, redis_available, require_or_skip
from transcoding.rights import DeliveryRights, embed_rights, jpeg_with_rights, png_with_rights

RIGHTS = DeliveryRights(title="Áp phích 20/11", organisation="Sở GDĐT Hà Nội", credit="Phòng Truyền thông",
                        copyright_notice="© 2026 Sở GDĐT Hà Nội", usage_terms="Ghi rõ nguồn khi sử dụng.",
                        asset_id="a1", asset_url="https://kho.example/assets/a1")


def test_jpeg_keeps_pixels_and_replaces_old_rights() -> None:
    original = jpeg((64, 32), 9)
    once = jpeg_with_rights(original, RIGHTS)
    twice = jpeg_with_rights(once, RIGHTS)
    assert len(twice) == len(once)  # the old XMP/IPTC segments are replaced, not stacked
    assert once.endswith(original[original.index(b"\xff\xdb"):])  # compressed data untouched
    img = Image.open(io.BytesIO(once))
    assert "Ghi rõ nguồn" in img.info["xmp"].decode("utf-8") and img.size == (64, 32)


def test_png_gets_xmp_chunk() -> None:
    buf = io.BytesIO()
    Image.new("RGB", (20, 10), (1, 2, 3)).save(buf, "PNG")
    stamped = png_with_rights(buf.getvalue(), RIGHTS)
    img = Image.open(io.BytesIO(stamped))
    img.load()
    assert "© 2026 Sở GDĐT Hà Nội" in str(img.info.get("XML:com.adobe.xmp"))
    assert img.getpixel((0, 0)) == (1, 2, 3)


def test_mp4_gets_title_and_copyright(tmp_path: Path) -> None:
    path = tmp_path / "v.mp4"
    try:
        subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=160x90:rate=10:duration=1",
                        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(path)],
                       check=True, timeout=60)
    except (OSError, subprocess.CalledProcessError):
        require_or_skip(False, "ffmpeg is not available")
    assert embed_rights(path, "video/mp4", RIGHTS)
    tags = MP4(path).tags
    assert tags is not None and tags["\xa9nam"] == ["Áp phích 20/11"] and tags["cprt"] == ["© 2026 Sở GDĐT Hà Nội"]
    assert not embed_rights(path, "application/pdf", RIGHTS)


def test_memory_window_refills(monkeypatch: pytest.MonkeyPatch) -> None:
    """A moving one-minute window: the limit, then a refusal until the oldest request is a minute old."""
    import time

    from service.ops.ratelimit import MemoryRateLimiter

    now = [float(int(time.time()))]  # whole seconds: the differences below are exact
    monkeypatch.setattr(time, "time", lambda: now[0])  # the `limits` memory storage reads the wall clock
    limiter = MemoryRateLimiter()
    assert [limiter.acquire("k", 2).allowed for _ in range(3)] == [True, True, False]
    assert limiter.acquire("k", 2).retry_after == 60
    now[0] += 30
    assert limiter.acquire("k", 2).retry_after == 30
    assert limiter.acquire("other", 2).allowed  # per key
    now[0] += 30.5
    assert limiter.acquire("k", 2).allowed


def test_redis_window_is_shared_and_atomic() -> None:
    require_or_skip(redis_available(), "Redis is not running on 127.0.0.1:6379")
    from service.ops.ratelimit import RedisRateLimiter

    key = f"test-{uuid.uuid4().hex}"
    a, b = RedisRateLimiter(REDIS_URL), RedisRateLimiter(REDIS_URL)  # two API processes
    results = [limiter.acquire(key, 4) for limiter in (a, b, a, b, a)]
    assert [r.allowed for r in results] == [True, True, True, True, False]
    assert 59 <= results[-1].retry_after <= 60  # until the first of the four leaves the minute


def test_redis_window_async_path_shares_the_window() -> None:
    """The middleware's non-blocking path and the sync path draw from one bucket, on any event loop."""
    require_or_skip(redis_available(), "Redis is not running on 127.0.0.1:6379")
    import asyncio
    import threading

    from service.ops.ratelimit import RedisRateLimiter

    key = f"test-{uuid.uuid4().hex}"
    limiter = RedisRateLimiter(REDIS_URL)

    async def two() -> list[bool]:
        return [(await limiter.acquire_async(key, 3)).allowed for _ in range(2)]

    def on_new_loop() -> list[bool]:
        # A thread of its own: the browser tests leave an event loop running in the main thread.
        out: list[list[bool]] = []
        thread = threading.Thread(target=lambda: out.append(asyncio.run(two())))
        thread.start()
        thread.join()
        return out[0]

    assert on_new_loop() == [True, True]
    assert limiter.acquire(key, 3).allowed
    assert on_new_loop() == [False, False]  # a second loop gets its own client, same bucket
    assert 59 <= limiter.acquire(key, 3).retry_after <= 60


@pytest.mark.parametrize("media_type", ["image/webp", "text/plain"])
def test_unsupported_formats_are_left_alone(tmp_path: Path, media_type: str) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"data")
    assert not embed_rights(path, media_type, RIGHTS) and path.read_bytes() == b"data"
