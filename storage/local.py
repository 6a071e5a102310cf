"""Objects as plain files under one root folder.

Every path operation walks from the root with `openat(O_NOFOLLOW)`-style calls (`dir_fd=`), so a
symbolic link planted anywhere inside the root can neither be read through nor written through, even
if it appears between validation and use. Writes go to `root/.tmp/` first, are fsynced and then
renamed into place, so readers only ever see complete objects.
"""

from __future__ import annotations

import builtins
import errno
import os
import stat as stat_mod
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from storage.base import (
    DEFAULT_CHUNK_SIZE,
    EmptyReader,
    InvalidKey,
    ObjectNotFound,
    ObjectReader,
    ObjectStat,
    SizeMismatch,
    StorageError,
    StorageFull,
    StorageUnavailable,
    check_range,
    validate_key,
    validate_prefix,
)
from storage.signing import UrlSigner

TMP_DIR = ".tmp"
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
_UNAVAILABLE_ERRNOS = frozenset({errno.EIO, errno.EROFS, errno.ENOTCONN, errno.ESTALE, errno.ENODEV})
# A symlink where a directory is expected fails with ELOOP (O_NOFOLLOW) or ENOTDIR.
_UNSAFE_ERRNOS = frozenset({errno.ELOOP, errno.ENOTDIR})


def map_os_error(exc: OSError, what: str) -> StorageError:
    """Translate a filesystem error into the storage error the service knows how to answer."""
    if exc.errno in _FULL_ERRNOS:
        return StorageFull(f"{what}: {exc.strerror}")
    if exc.errno in _UNAVAILABLE_ERRNOS:
        return StorageUnavailable(f"{what}: {exc.strerror}")
    return StorageError(f"{what}: {exc}")


@contextmanager
def _fs_errors(what: str) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise map_os_error(exc, what) from exc


def _is_key(path: str) -> bool:
    """Files dropped into the root by hand may have names no key can have; they are not objects."""
    try:
        validate_key(path)
    except InvalidKey:
        return False
    return True


def _mtime(st: os.stat_result) -> datetime:
    return datetime.fromtimestamp(st.st_mtime_ns / 1e9, UTC)


class _FileReader(ObjectReader):
    def __init__(self, key: str, fd: int, *, offset: int, length: int, total_size: int) -> None:
        super().__init__(key, offset=offset, length=length, total_size=total_size)
        self._fd = fd
        self._pos = offset

    def _read(self, n: int) -> bytes:
        # pread: no shared file position, so the reader is safe to hand between threads.
        data = os.pread(self._fd, n, self._pos)
        self._pos += len(data)
        return data

    def _close(self) -> None:
        os.close(self._fd)


class LocalStore:
    def __init__(self, root: Path, *, url_signer: UrlSigner | None = None) -> None:
        self.root = Path(root)
        self.url_signer = url_signer
        try:
            (self.root / TMP_DIR).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise map_os_error(exc, f"create storage root {self.root}") from exc

    # -- path walking -------------------------------------------------------------------------

    def _open_root(self) -> int:
        try:
            return os.open(self.root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError as exc:
            raise StorageUnavailable(f"storage root {self.root} is not usable: {exc.strerror}") from exc

    def _open_dirs(self, segments: builtins.list[str], *, create: bool) -> int:
        """Open root/segments[0]/…/segments[-1] without following links; return the last dir fd."""
        fd = self._open_root()
        for name in segments:
            fd = self._open_child_dir(fd, name, create=create)  # always closes the parent fd
        return fd

    @staticmethod
    def _open_child_dir(parent: int, name: str, *, create: bool) -> int:
        """Open `name` inside `parent` and close `parent` (also on failure)."""
        try:
            try:
                child = os.open(name, _DIR_FLAGS, dir_fd=parent)
            except FileNotFoundError:
                if not create:
                    raise
                with suppress(FileExistsError):
                    os.mkdir(name, dir_fd=parent)
                    os.fsync(parent)  # make the new directory entry durable
                child = os.open(name, _DIR_FLAGS, dir_fd=parent)
        finally:
            os.close(parent)
        return child

    @contextmanager
    def _parent(self, key: str, *, create: bool = False) -> Iterator[tuple[int, str]]:
        """Yield (fd of the key's directory, file name) for a validated key."""
        *dirs, name = validate_key(key).split("/")
        with self._dir(dirs, key, create=create) as fd:
            yield fd, name

    @contextmanager
    def _dir(self, dirs: builtins.list[str], key: str, *, create: bool = False) -> Iterator[int]:
        """Yield an fd for root/dirs. Missing or unsafe path → ObjectNotFound when reading; when
        writing, InvalidKey (a symbolic link or a file sits where a directory must be)."""
        try:
            fd = self._open_dirs(dirs, create=create)
        except FileNotFoundError as exc:
            raise ObjectNotFound(key) from exc
        except OSError as exc:
            if exc.errno in _UNSAFE_ERRNOS:
                if create:
                    raise InvalidKey(f"{key!r}: a path component is a file or a symbolic link") from exc
                raise ObjectNotFound(key) from exc
            raise map_os_error(exc, f"open {key!r}") from exc
        try:
            yield fd
        finally:
            os.close(fd)

    def _stat_regular(self, dir_fd: int, name: str, key: str) -> os.stat_result:
        try:
            st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        except FileNotFoundError as exc:
            raise ObjectNotFound(key) from exc
        except OSError as exc:
            raise map_os_error(exc, f"stat {key!r}") from exc
        if not stat_mod.S_ISREG(st.st_mode):
            raise ObjectNotFound(key)  # symlinks and directories are never objects
        return st

    # -- writing ------------------------------------------------------------------------------

    def put(
        self,
        key: str,
        stream: BinaryIO,
        *,
        size: int | None = None,
        content_type: str = "application/octet-stream",
    ) -> ObjectStat:
        validate_key(key)
        with self._dir([TMP_DIR], TMP_DIR, create=True) as tmp_fd:
            tmp_name = f"{uuid.uuid4().hex}.part"
            try:
                written = self._write_temp(tmp_fd, tmp_name, stream, key)
                if size is not None and written != size:
                    raise SizeMismatch(f"expected {size} bytes for {key!r}, stream held {written}")
                with _fs_errors(f"publish {key!r}"):
                    return self._publish(tmp_fd, tmp_name, key)
            except BaseException:
                with suppress(OSError):
                    os.unlink(tmp_name, dir_fd=tmp_fd)
                raise

    @staticmethod
    def _write_temp(tmp_fd: int, tmp_name: str, stream: BinaryIO, key: str) -> int:
        """Copy the stream into a new temp file. Errors raised by `stream.read` propagate unchanged
        (even an OSError such as ConnectionResetError); only filesystem errors are translated."""
        what = f"write {key!r}"
        with _fs_errors(what):
            fd = os.open(tmp_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644, dir_fd=tmp_fd)
        written = 0
        with open(fd, "wb", buffering=0, closefd=True) as out:
            while chunk := stream.read(DEFAULT_CHUNK_SIZE):
                with _fs_errors(what):
                    view = memoryview(chunk)
                    while view:
                        view = view[out.write(view) or 0 :]
                written += len(chunk)
            with _fs_errors(what):
                os.fsync(out.fileno())
        return written

    def _publish(self, tmp_fd: int, tmp_name: str, key: str) -> ObjectStat:
        # A concurrent delete may prune the target directory between opening and renaming
        # (rename then fails with ENOENT); walking the path again recreates it.
        for attempt in range(3):
            with self._parent(key, create=True) as (dir_fd, name):
                try:
                    os.replace(tmp_name, name, src_dir_fd=tmp_fd, dst_dir_fd=dir_fd)
                except FileNotFoundError:
                    if attempt == 2:
                        raise
                    continue
                except IsADirectoryError as exc:
                    raise InvalidKey(f"{key!r} is a prefix of existing objects") from exc
                os.fsync(dir_fd)
                st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
                return ObjectStat(key, st.st_size, _mtime(st))
        raise AssertionError("unreachable")

    def put_file(self, key: str, path: Path, *, content_type: str = "application/octet-stream") -> ObjectStat:
        with open(path, "rb") as f:
            return self.put(key, f, size=os.fstat(f.fileno()).st_size, content_type=content_type)

    # -- reading ------------------------------------------------------------------------------

    def open(self, key: str, *, offset: int = 0, length: int | None = None) -> ObjectReader:
        check_range(offset, length)
        with self._parent(key) as (dir_fd, name):
            try:
                fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=dir_fd)
            except FileNotFoundError as exc:
                raise ObjectNotFound(key) from exc
            except OSError as exc:
                if exc.errno in _UNSAFE_ERRNOS:
                    raise ObjectNotFound(key) from exc
                raise map_os_error(exc, f"open {key!r}") from exc
        st = os.fstat(fd)
        if not stat_mod.S_ISREG(st.st_mode):
            os.close(fd)
            raise ObjectNotFound(key)
        total = st.st_size
        if offset >= total or length == 0:
            os.close(fd)
            return EmptyReader(key, offset=offset, total_size=total)
        span = total - offset if length is None else min(length, total - offset)
        return _FileReader(key, fd, offset=offset, length=span, total_size=total)

    def stat(self, key: str) -> ObjectStat:
        with self._parent(key) as (dir_fd, name):
            st = self._stat_regular(dir_fd, name, key)
        return ObjectStat(key, st.st_size, _mtime(st))

    def exists(self, key: str) -> bool:
        try:
            self.stat(key)
        except ObjectNotFound:
            return False
        return True

    # -- deleting -----------------------------------------------------------------------------

    def delete(self, key: str) -> None:
        segments = validate_key(key).split("/")
        try:
            with self._parent(key) as (dir_fd, name):
                self._stat_regular(dir_fd, name, key)
                os.unlink(name, dir_fd=dir_fd)
                os.fsync(dir_fd)
        except ObjectNotFound:
            return
        except OSError as exc:
            if exc.errno != errno.ENOENT:
                raise map_os_error(exc, f"delete {key!r}") from exc
        self._prune(segments[:-1])

    def _prune(self, dirs: builtins.list[str]) -> None:
        """Remove now-empty directories from the deepest up, stopping at the first non-empty one."""
        while dirs:
            *parents, name = dirs
            try:
                with self._parent("/".join(dirs)) as (parent_fd, _):
                    os.rmdir(name, dir_fd=parent_fd)
            except (ObjectNotFound, OSError):
                return  # not empty, already gone or unsafe: leave it
            dirs = parents

    def delete_prefix(self, prefix: str) -> int:
        if not validate_prefix(prefix):
            raise InvalidKey("delete_prefix needs a non-empty prefix")
        keys = [item.key for item in self.list(prefix)]
        for key in keys:
            self.delete(key)
        return len(keys)

    # -- listing ------------------------------------------------------------------------------

    def list(self, prefix: str = "") -> Iterator[ObjectStat]:
        validate_prefix(prefix)  # eagerly, not at the first next()
        return self._list(prefix)

    def _list(self, prefix: str) -> Iterator[ObjectStat]:
        base = prefix.rsplit("/", 1)[0] if "/" in prefix else ""
        try:
            fd = self._open_dirs(base.split("/") if base else [], create=False)
        except OSError as exc:
            if exc.errno == errno.ENOENT or exc.errno in _UNSAFE_ERRNOS:
                return
            raise map_os_error(exc, f"list {prefix!r}") from exc
        yield from self._walk(fd, base, prefix)

    def _walk(self, fd: int, base: str, prefix: str) -> Iterator[ObjectStat]:
        """Yield objects under the directory `fd` (which this call closes) in key order.

        Sorting a directory `d` as `d/` puts its whole subtree exactly where its keys sort, so a
        depth-first walk yields keys in the same byte order S3 uses, without collecting them first.
        """
        try:
            entries = []
            with os.scandir(fd) as it:
                for entry in it:
                    rel = f"{base}/{entry.name}" if base else entry.name
                    if not base and entry.name == TMP_DIR:
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        if (rel + "/").startswith(prefix) or prefix.startswith(rel + "/"):
                            entries.append((rel + "/", entry.name, True))
                    elif entry.is_file(follow_symlinks=False) and rel.startswith(prefix) and _is_key(rel):
                        entries.append((rel, entry.name, False))
            for sort_key, name, is_dir in sorted(entries):
                if is_dir:
                    try:
                        child = os.open(name, _DIR_FLAGS, dir_fd=fd)
                    except OSError:
                        continue  # vanished or swapped for a link since scandir
                    yield from self._walk(child, sort_key[:-1], prefix)
                    continue
                try:
                    st = os.stat(name, dir_fd=fd, follow_symlinks=False)
                except FileNotFoundError:
                    continue
                if stat_mod.S_ISREG(st.st_mode):
                    yield ObjectStat(sort_key, st.st_size, _mtime(st))
        finally:
            os.close(fd)

    # -- URLs, health, housekeeping -----------------------------------------------------------

    def download_url(
        self,
        key: str,
        *,
        expires: timedelta,
        filename: str | None = None,
        content_type: str | None = None,
        method: str = "GET",  # /objects/ answers GET and HEAD alike
    ) -> str:
        if self.url_signer is None:
            raise StorageError("LocalStore has no url_signer; download URLs are not available")
        return self.url_signer.sign(validate_key(key), expires, filename, content_type)

    def health(self) -> None:
        name = f"health-{uuid.uuid4().hex}"
        try:
            with self._dir([TMP_DIR], TMP_DIR, create=True) as dir_fd:
                fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600, dir_fd=dir_fd)
                os.close(fd)
                os.unlink(name, dir_fd=dir_fd)
        except (OSError, StorageError) as exc:
            raise StorageUnavailable(f"storage root {self.root} is not writable: {exc}") from exc

    def sweep_incomplete(self, older_than: timedelta) -> int:
        """Delete temp files that a crashed process left in `.tmp/` (older than `older_than`)."""
        cutoff = datetime.now(UTC) - older_than
        removed = 0
        with self._dir([TMP_DIR], TMP_DIR, create=True) as tmp_fd:
            for name in os.listdir(tmp_fd):
                with suppress(OSError):
                    st = os.stat(name, dir_fd=tmp_fd, follow_symlinks=False)
                    if _mtime(st) < cutoff and not stat_mod.S_ISDIR(st.st_mode):
                        os.unlink(name, dir_fd=tmp_fd)
                        removed += 1
        return removed

    def expire_incomplete_uploads(self, after_days: int) -> bool:
        """A folder has no lifecycle rules: `sweep_incomplete` is the only cleanup."""
        return False
