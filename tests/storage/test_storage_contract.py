"""The ObjectStore contract, run unchanged against LocalStore and S3Store (a real S3 server)."""

from __future__ import annotations

import hashlib
import io
import threading
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storage.base import InvalidKey, ObjectNotFound, ObjectStore, SizeMismatch
from tests.storage.streams import Cancelled, ClientGone, GeneratedStream, generated_bytes

MiB = 1024 * 1024
Leftovers = Callable[[ObjectStore], list[str]]
KEY = "originals/3f/a2/4b1e0c2e-0000-4000-8000-000000000001/v1.mp4"


def read_all(store: ObjectStore, key: str, **rng: int | None) -> bytes:
    with store.open(key, **rng) as reader:  # type: ignore[arg-type]
        return reader.read()


@pytest.mark.parametrize("size", [0, 1, 300_000])
def test_round_trip_is_byte_identical(store: ObjectStore, size: int) -> None:
    data = generated_bytes(size)
    stat = store.put(KEY, io.BytesIO(data), size=size, content_type="video/mp4")
    assert (stat.key, stat.size) == (KEY, size)
    assert stat.modified.tzinfo is not None and stat.modified.utcoffset() == timedelta(0)
    assert abs(stat.modified - datetime.now(UTC)) < timedelta(minutes=1)
    assert hashlib.sha256(read_all(store, KEY)).digest() == hashlib.sha256(data).digest()
    assert store.stat(KEY).size == size


def test_put_without_size_and_put_file(store: ObjectStore, tmp_path: Path) -> None:
    data = generated_bytes(200_000, seed=2)
    assert store.put("a/unknown-size.bin", io.BytesIO(data)).size == len(data)
    source = tmp_path / "source.bin"
    source.write_bytes(data)
    assert store.put_file("a/from-file.bin", source).size == len(data)
    assert read_all(store, "a/unknown-size.bin") == read_all(store, "a/from-file.bin") == data


def test_vietnamese_key_round_trip(store: ObjectStore) -> None:
    key = "tài-liệu/Ngày Nhà giáo Việt Nam 20-11.txt"
    store.put(key, io.BytesIO("Tôn sư trọng đạo".encode()))
    assert [s.key for s in store.list("tài-liệu/")] == [key]
    assert read_all(store, key).decode() == "Tôn sư trọng đạo"


def _peak_memory_during(action: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.slow
def test_50_mb_streamed_put_uses_bounded_memory(store: ObjectStore) -> None:
    total = 50 * 1000 * 1000
    stream = GeneratedStream(total, seed=50)
    peak = _peak_memory_during(lambda: store.put("big/fifty.bin", stream.io))
    # S3 keeps ~3 parts of 5 MiB at most (minio copies a part once); LocalStore one 1 MiB chunk.
    limit = 24 * MiB if type(store).__name__ == "S3Store" else 4 * MiB
    assert peak < limit, f"peak traced memory {peak / MiB:.1f} MiB for a {total / MiB:.0f} MiB upload"
    assert store.stat("big/fifty.bin").size == total
    digest = hashlib.sha256()
    with store.open("big/fifty.bin") as reader:
        for chunk in reader.iter_chunks():
            digest.update(chunk)
        assert reader.closed
    assert digest.hexdigest() == stream.sha256.hexdigest()


def test_known_size_multipart_put(store: ObjectStore) -> None:
    stream = GeneratedStream(12 * MiB, seed=12)
    store.put("big/twelve.bin", stream.io, size=12 * MiB)
    assert hashlib.sha256(read_all(store, "big/twelve.bin")).hexdigest() == stream.sha256.hexdigest()


@pytest.mark.parametrize(
    ("offset", "length", "expected"),
    [
        (0, 10, slice(0, 10)),  # start
        (400, 100, slice(400, 500)),  # middle
        (990, None, slice(990, 1000)),  # to the end
        (995, 100, slice(995, 1000)),  # clamped at the end
        (999, 1, slice(999, 1000)),  # last byte
        (1000, None, slice(0, 0)),  # at the end: empty
        (5000, 10, slice(0, 0)),  # past the end: empty
        (10, 0, slice(0, 0)),  # zero length
    ],
)
def test_ranged_reads(store: ObjectStore, offset: int, length: int | None, expected: slice) -> None:
    data = generated_bytes(1000, seed=3)
    store.put("r/range.bin", io.BytesIO(data))
    with store.open("r/range.bin", offset=offset, length=length) as reader:
        assert reader.total_size == 1000
        assert reader.length == len(data[expected])
        assert reader.read() == data[expected]
        assert reader.read() == b""


def test_reader_reads_in_pieces_and_iterates(store: ObjectStore) -> None:
    data = generated_bytes(3000, seed=4)
    store.put("r/pieces.bin", io.BytesIO(data))
    with store.open("r/pieces.bin", offset=100, length=2500) as reader:
        assert reader.read(1000) + reader.read(1000) + reader.read(1000) == data[100:2600]
    reader = store.open("r/pieces.bin")
    assert b"".join(reader.iter_chunks(chunk_size=700)) == data
    assert reader.closed
    with pytest.raises(ValueError):
        store.open("r/pieces.bin", offset=-1)
    with pytest.raises(ValueError):
        store.open("r/pieces.bin", length=-5)


def test_missing_objects(store: ObjectStore) -> None:
    with pytest.raises(ObjectNotFound):
        store.open("nope/missing.bin")
    with pytest.raises(ObjectNotFound):
        store.open("nope/missing.bin", offset=10, length=0)
    with pytest.raises(ObjectNotFound):
        store.stat("nope/missing.bin")
    assert store.exists("nope/missing.bin") is False
    store.delete("nope/missing.bin")  # idempotent


def test_stat_exists_delete(store: ObjectStore) -> None:
    store.put("d/one.txt", io.BytesIO(b"1"))
    assert store.exists("d/one.txt")
    store.delete("d/one.txt")
    assert not store.exists("d/one.txt")
    store.delete("d/one.txt")
    assert list(store.list()) == []


def test_list_is_sorted_by_key_and_filters_by_prefix(store: ObjectStore) -> None:
    # "a-c" < "a/b" in byte order ('-' is 0x2d, '/' is 0x2f): a naive directory walk gets this wrong.
    keys = ["a/b/c.txt", "a-c", "a/a", "b", "a/b0", "ab/x", "a/b/d/e.txt"]
    for key in keys:
        store.put(key, io.BytesIO(key.encode()))
    listed = list(store.list())
    assert [s.key for s in listed] == sorted(keys)
    assert {s.key: s.size for s in listed} == {k: len(k.encode()) for k in keys}
    assert [s.key for s in store.list("a/")] == ["a/a", "a/b/c.txt", "a/b/d/e.txt", "a/b0"]
    assert [s.key for s in store.list("a/b")] == ["a/b/c.txt", "a/b/d/e.txt", "a/b0"]
    assert [s.key for s in store.list("a")] == ["a-c", "a/a", "a/b/c.txt", "a/b/d/e.txt", "a/b0", "ab/x"]
    assert list(store.list("zzz/")) == []


def test_delete_prefix(store: ObjectStore) -> None:
    for key in ["v/1/a", "v/1/b/c", "v/10/a", "v/2/a"]:
        store.put(key, io.BytesIO(b"x"))
    assert store.delete_prefix("v/1/") == 2
    assert [s.key for s in store.list()] == ["v/10/a", "v/2/a"]
    assert store.delete_prefix("v/1") == 1  # a plain string prefix, like S3
    assert store.delete_prefix("nothing/") == 0
    with pytest.raises(InvalidKey):
        store.delete_prefix("")
    assert [s.key for s in store.list()] == ["v/2/a"]


def test_reader_opened_before_overwrite_sees_the_old_object(store: ObjectStore) -> None:
    old, new = b"A" * 200_000, b"B" * 300_000
    store.put("o/x.bin", io.BytesIO(old))
    with store.open("o/x.bin") as reader:
        first = reader.read(1000)
        store.put("o/x.bin", io.BytesIO(new))
        assert first + reader.read() == old
    assert read_all(store, "o/x.bin") == new


def test_concurrent_readers_never_see_a_partial_object(store: ObjectStore) -> None:
    size = 1 * MiB
    store.put("o/race.bin", io.BytesIO(b"A" * size))
    seen: list[tuple[int, int]] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            data = read_all(store, "o/race.bin")
            seen.append((len(data), len(set(data))))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for i in range(8):
            fill = b"BA"[i % 2 : i % 2 + 1]
            store.put("o/race.bin", io.BytesIO(fill * size))
    finally:
        stop.set()
        thread.join(timeout=60)
    assert seen, "the reader thread never completed a read"
    assert all(item == (size, 1) for item in seen), "a reader saw a partial or mixed object"


@pytest.mark.parametrize(
    ("total", "fail_after", "error"),
    [
        (300_000, 100_000, ClientGone("disconnected")),  # small: single PUT / one temp file
        (300_000, 100_000, ConnectionResetError(104, "reset")),  # an OSError from the source, not the disk
        (16 * MiB, 11 * MiB, ClientGone("disconnected")),  # after two 5 MiB parts were uploaded
        (16 * MiB, 11 * MiB, Cancelled()),  # a BaseException must clean up too
    ],
)
def test_failing_stream_leaves_nothing_behind(
    store: ObjectStore, leftovers: Leftovers, total: int, fail_after: int, error: BaseException
) -> None:
    stream = GeneratedStream(total, fail_after=fail_after, error=error)
    with pytest.raises(type(error)) as raised:
        store.put("f/new.bin", stream.io)
    assert raised.value is error  # the caller's own exception, not a wrapper
    assert stream.position == fail_after
    assert not store.exists("f/new.bin")
    assert list(store.list()) == []
    assert leftovers(store) == []


def test_failing_overwrite_keeps_the_old_object(store: ObjectStore, leftovers: Leftovers) -> None:
    store.put("f/keep.bin", io.BytesIO(b"old version"))
    with pytest.raises(ClientGone):
        store.put("f/keep.bin", GeneratedStream(12 * MiB, fail_after=11 * MiB, error=ClientGone()).io)
    assert read_all(store, "f/keep.bin") == b"old version"
    assert leftovers(store) == []


@pytest.mark.parametrize(("declared", "actual"), [(10, 5), (5, 10), (0, 3), (6 * MiB, 6 * MiB + 1)])
def test_size_mismatch_is_rejected_and_leaves_nothing(
    store: ObjectStore, leftovers: Leftovers, declared: int, actual: int
) -> None:
    with pytest.raises(SizeMismatch):
        store.put("s/wrong.bin", GeneratedStream(actual).io, size=declared)
    assert not store.exists("s/wrong.bin")
    assert leftovers(store) == []


BAD_KEYS = [
    "",
    "/etc/passwd",
    "../x",
    "a/../../b",
    "a/./b",
    "a/../b",
    "..",
    ".",
    "a//b",
    "a/",
    "a\\b",
    "..\\..\\windows",
    "a\x00b",
    "a\nb",
    "a\x7fb",
    "x" * 513,
    "a/" + "y" * 256,
    ".tmp/evil",
    "Nga\u0300y.txt",  # NFD: must be NFC
]


@pytest.mark.parametrize("key", BAD_KEYS, ids=repr)
def test_invalid_keys_are_rejected(store: ObjectStore, key: str) -> None:
    with pytest.raises(InvalidKey):
        store.put(key, io.BytesIO(b"x"))
    for action in (store.open, store.stat, store.exists, store.delete):
        with pytest.raises(InvalidKey):
            action(key)
    with pytest.raises(InvalidKey):
        store.download_url(key, expires=timedelta(minutes=5))
    assert list(store.list()) == []


@pytest.mark.parametrize("prefix", ["../", "/abs", "a//", "a\\"])
def test_invalid_prefixes_are_rejected(store: ObjectStore, prefix: str) -> None:
    with pytest.raises(InvalidKey):
        store.list(prefix)
    with pytest.raises(InvalidKey):
        store.delete_prefix(prefix)


def test_health(store: ObjectStore) -> None:
    store.health()
