"""Upload a 1 GiB file through POST /api/v1/assets to uvicorn on 127.0.0.1 (embedded stack: SQLite + local
folder) and print, measured in the same run:
  - throughput as a ratio to copying the same file on the same disk (copy + fsync), target ≥ 0.3 (aim 0.5);
  - the API server's peak RSS growth during the upload, target < 100 MiB.

    .venv/bin/python bench/upload.py [--size-mib 1024] [--tus]
"""

from __future__ import annotations

import argparse
import os
import shutil
import struct
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._stack import Server, base_env, prepare, token  # noqa: E402

MiB = 1024 * 1024
CHUNK = 4 * MiB


def make_file(path: Path, size: int) -> None:
    """An MP4 `ftyp` head (so the upload sniffs as video) followed by random bytes."""
    head = struct.pack(">I", 24) + b"ftypisom" + b"\x00\x00\x02\x00" + b"isomiso2"
    with path.open("wb") as f:
        f.write(head)
        left = size - len(head)
        while left > 0:
            n = min(CHUNK, left)
            f.write(os.urandom(n))
            left -= n


def copy_seconds(src: Path, dst: Path) -> float:
    os.sync()
    start = time.perf_counter()
    shutil.copyfile(src, dst)
    with dst.open("rb+") as f:
        os.fsync(f.fileno())
    elapsed = time.perf_counter() - start
    dst.unlink()
    return elapsed


def multipart_body(path: Path) -> tuple[Iterator[bytes], str, int]:
    boundary = "kho-bench-boundary"
    meta = '{"kind": "video", "title": "Đo tốc độ tải lên 1 GiB"}'
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n{meta}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.mp4"\r\n'
            "Content-Type: video/mp4\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    def chunks() -> Iterator[bytes]:
        yield head
        with path.open("rb") as f:
            while data := f.read(CHUNK):
                yield data
        yield tail

    return chunks(), f"multipart/form-data; boundary={boundary}", len(head) + path.stat().st_size + len(tail)


def upload_direct(server: Server, auth: str, path: Path) -> None:
    body, ctype, length = multipart_body(path)
    r = httpx.post(f"{server.url}/api/v1/assets", content=body, timeout=3600,
                   headers={"Authorization": auth, "Content-Type": ctype, "Content-Length": str(length)})
    assert r.status_code == 201, r.text


def upload_tus(server: Server, auth: str, path: Path) -> None:
    from tusclient import client as tus_client

    client = tus_client.TusClient(f"{server.url}/api/v1/uploads/", headers={"Authorization": auth})
    with path.open("rb") as f:
        client.uploader(file_stream=f, chunk_size=64 * MiB, metadata={
            "filename": "bench.mp4", "metadata": '{"kind": "video", "title": "Đo tốc độ tus"}'}).upload()


def measure(server: Server, fn: object, *args: object) -> tuple[float, float]:
    baseline = server.rss_kib()
    peak = baseline
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, server.rss_kib())
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    fn(*args)  # type: ignore[operator]
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    return elapsed, (peak - baseline) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--tus", action="store_true", help="also upload through tus (64 MiB chunks)")
    parser.add_argument("--dir", default=None, help="working folder (default: a temp dir on /var/tmp)")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="kho-bench-upload-", dir=args.dir or "/var/tmp"))
    try:
        env = base_env(root / "var", KHO_RATE_LIMIT_ENABLED="false")
        prepare(env)
        auth = "Bearer " + token(env)
        src = root / "source.bin"
        make_file(src, args.size_mib * MiB)
        server = Server(env)
        try:
            small = root / "warm.bin"
            make_file(small, MiB)
            upload_direct(server, auth, small)  # warm-up: imports, first connections
            baseline = copy_seconds(src, root / "copy.bin")
            results = {"direct": measure(server, upload_direct, server, auth, src)}
            if args.tus:
                make_file(src, args.size_mib * MiB)  # fresh bytes: the first upload's would be a duplicate
                results["tus"] = measure(server, upload_tus, server, auth, src)
        finally:
            server.stop()
        size = args.size_mib * MiB
        print(f"file: {args.size_mib} MiB on {root}")
        print(f"copy + fsync on the same disk: {baseline:.2f} s ({size / MiB / baseline:.0f} MiB/s)")
        for name, (seconds, rss) in results.items():
            print(f"upload {name:6}: {seconds:.2f} s ({size / MiB / seconds:.0f} MiB/s)  "
                  f"ratio vs copy {baseline / seconds:.2f}  peak RSS growth {rss:.1f} MiB")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
