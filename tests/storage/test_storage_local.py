"""LocalStore behaviour beyond the shared contract: the file layout, links planted in the root, ENOSPC."""

from __future__ import annotations

import errno
import io
import os
import shutil
import subprocess
import sys
import textwrap
import time
from datetime import timedelta
from pathlib import Path

import pytest

from storage.base import InvalidKey, ObjectNotFound, StorageError, StorageFull, StorageUnavailable
from storage.local import TMP_DIR, LocalStore, map_os_error

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A directory outside the store root holding a secret nobody may reach through a key."""
    target = tmp_path / "outside"
    target.mkdir()
    (target / "secret.txt").write_text("top secret")
    return target


@pytest.fixture
def local(tmp_path: Path) -> LocalStore:
    return LocalStore(tmp_path / "root")


def test_keys_map_directly_to_paths_under_root(local: LocalStore) -> None:
    key = "originals/3f/a2/4b1e0c2e/v1.mp4"
    local.put(key, io.BytesIO(b"video"))
    assert (local.root / key).read_bytes() == b"video"
    assert os.listdir(local.root / TMP_DIR) == []


def test_empty_parent_directories_are_pruned_on_delete(local: LocalStore) -> None:
    local.put("originals/3f/a2/u1/v1.mp4", io.BytesIO(b"1"))
    local.put("originals/3f/b7/u2/v1.mp4", io.BytesIO(b"2"))
    local.delete("originals/3f/a2/u1/v1.mp4")
    assert not (local.root / "originals/3f/a2").exists()
    assert (local.root / "originals/3f/b7/u2/v1.mp4").exists()
    assert local.delete_prefix("originals/") == 1
    assert sorted(os.listdir(local.root)) == [TMP_DIR]


def test_directory_symlink_inside_root_cannot_be_used_to_escape(local: LocalStore, outside: Path) -> None:
    (local.root / "evil").symlink_to(outside, target_is_directory=True)
    (local.root / "a").mkdir()
    (local.root / "a" / "deeper").symlink_to(outside, target_is_directory=True)
    for key in ("evil/secret.txt", "a/deeper/secret.txt"):
        with pytest.raises(ObjectNotFound):
            local.open(key)
        with pytest.raises(ObjectNotFound):
            local.stat(key)
        assert not local.exists(key)
        local.delete(key)  # must not unlink through the link
        with pytest.raises(InvalidKey):
            local.put(key.replace("secret", "planted"), io.BytesIO(b"pwned"))
        assert local.delete_prefix(key.split("/")[0] + "/") == 0
    assert sorted(os.listdir(outside)) == ["secret.txt"]
    assert (outside / "secret.txt").read_text() == "top secret"
    assert [s.key for s in local.list()] == []


def test_file_symlink_inside_root_is_not_an_object(local: LocalStore, outside: Path) -> None:
    (local.root / "link.txt").symlink_to(outside / "secret.txt")
    with pytest.raises(ObjectNotFound):
        local.open("link.txt")
    assert not local.exists("link.txt")
    assert list(local.list()) == []
    local.put("link.txt", io.BytesIO(b"replaced"))  # rename replaces the link, not its target
    assert not (local.root / "link.txt").is_symlink()
    assert (outside / "secret.txt").read_text() == "top secret"


def test_symlinked_tmp_dir_is_refused(tmp_path: Path, outside: Path) -> None:
    root = tmp_path / "root2"
    root.mkdir()
    (root / TMP_DIR).symlink_to(outside, target_is_directory=True)
    store = LocalStore(root)
    with pytest.raises(InvalidKey):
        store.put("x", io.BytesIO(b"x"))
    assert sorted(os.listdir(outside)) == ["secret.txt"]


def test_a_key_cannot_be_both_object_and_prefix(local: LocalStore) -> None:
    """A filesystem limitation S3 does not have; the service's keys never collide like this."""
    local.put("a/b", io.BytesIO(b"file"))
    with pytest.raises(InvalidKey):
        local.put("a/b/c", io.BytesIO(b"x"))
    local.put("d/e/f", io.BytesIO(b"x"))
    with pytest.raises(InvalidKey):
        local.put("d/e", io.BytesIO(b"x"))
    with pytest.raises(ObjectNotFound):
        local.open("d/e")
    assert os.listdir(local.root / TMP_DIR) == []


def test_sweep_removes_only_stale_temp_files(local: LocalStore) -> None:
    stale = local.root / TMP_DIR / "crashed.part"
    fresh = local.root / TMP_DIR / "in-flight.part"
    stale.write_bytes(b"x")
    fresh.write_bytes(b"y")
    old = time.time() - 7200
    os.utime(stale, (old, old))
    assert local.sweep_incomplete(timedelta(hours=1)) == 1
    assert os.listdir(local.root / TMP_DIR) == ["in-flight.part"]


def test_health_fails_when_root_is_gone(local: LocalStore) -> None:
    local.health()
    shutil.rmtree(local.root)
    with pytest.raises(StorageUnavailable):
        local.health()


def test_download_url_needs_a_signer(local: LocalStore) -> None:
    with pytest.raises(StorageError):
        local.download_url("a/b", expires=timedelta(minutes=1))


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (errno.ENOSPC, StorageFull),
        (errno.EDQUOT, StorageFull),
        (errno.EIO, StorageUnavailable),
        (errno.EROFS, StorageUnavailable),
        (errno.EACCES, StorageError),
    ],
)
def test_os_errors_map_to_storage_errors(code: int, expected: type[StorageError]) -> None:
    assert type(map_os_error(OSError(code, os.strerror(code)), "op")) is expected


_ENOSPC_SCRIPT = textwrap.dedent(
    """
    import io, os, subprocess, sys
    from pathlib import Path
    mount = Path(sys.argv[1])
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], check=True)
    from storage.base import StorageFull
    from storage.local import LocalStore
    store = LocalStore(mount / "objects")
    try:
        store.put("big/file.bin", io.BytesIO(os.urandom(3 * 1024 * 1024)))
    except StorageFull:
        print("full", os.listdir(mount / "objects" / ".tmp"), store.exists("big/file.bin"))
    """
)


def test_disk_full_raises_storage_full_and_leaves_no_temp_file(tmp_path: Path) -> None:
    """Real ENOSPC: a 1 MiB tmpfs mounted in a private user+mount namespace (no root needed)."""
    unshare = shutil.which("unshare")
    if unshare is None or subprocess.run([unshare, "-rm", "true"], capture_output=True).returncode != 0:
        pytest.skip("user namespaces (unshare -rm) are not available to mount a tiny tmpfs")
    mount = tmp_path / "tiny"
    mount.mkdir()
    result = subprocess.run(
        [unshare, "-rm", sys.executable, "-c", _ENOSPC_SCRIPT, str(mount)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "full [] False"


def test_files_with_impossible_key_names_are_not_listed(local: LocalStore) -> None:
    local.put("ok/a.txt", io.BytesIO(b"a"))
    (local.root / "ok" / "bad\nname").write_bytes(b"x")
    (local.root / "ok" / "Nga\u0300y.txt").write_bytes(b"x")  # NFD
    assert [s.key for s in local.list()] == ["ok/a.txt"]
    assert local.delete_prefix("ok/") == 1
