"""Fault-injection helpers: a private service configuration per test, a throwaway PostgreSQL cluster
(never the shared server on 5432) and a slow streaming client."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.live import free_port
from tests.support import require_or_skip


def reset_runtime() -> None:
    """Forget what the runtime derived from the settings (after a test changed KHO_* itself)."""
    from tests.conftest import configure_process, process_settings

    configure_process(process_settings())


@contextmanager
def service_env(var_dir: Path, **extra: str) -> Iterator[None]:
    """Point the service at `var_dir` (+ extra KHO_* settings) and migrate; restore everything after."""
    from tests.conftest import configure_process, process_settings

    saved = process_settings()
    var_dir.mkdir(parents=True, exist_ok=True)
    configure_process({"KHO_VAR_DIR": str(var_dir), "KHO_SECRET_KEY": "fault-" + "x" * 40,
                       "KHO_BASE_URL": "http://127.0.0.1", **extra})
    try:
        from service.core.migrate import upgrade
        from service.core.runtime import get_settings

        upgrade(get_settings().database.url)
        yield
    finally:
        configure_process(saved)


def pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


@dataclass
class PgCluster:
    bin: Path
    data: Path
    port: int
    socket_dir: Path

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/kho"

    def _ctl(self, *args: str) -> None:
        _run([str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", "-t", "60", *args])

    def start(self) -> None:
        self._ctl("-o", f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off",
                  "-l", str(self.data.parent / "pg.log"), "start")

    def stop(self, mode: str = "immediate") -> None:
        self._ctl("-m", mode, "stop")


@pytest.fixture(scope="session")
def pg_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A data folder made once per run by initdb, holding an empty `kho` database and cleanly shut down. Each
    test's cluster is a copy of it: initdb and createdb cost seconds of CPU, copying the folder a fraction."""
    bin_dir = pg_bin()
    require_or_skip(bin_dir is not None, "PostgreSQL server binaries (/usr/lib/postgresql/*/bin) are missing")
    assert bin_dir is not None
    if os.geteuid() == 0:
        require_or_skip(shutil.which("runuser") is not None, "initdb refuses root and runuser is missing")
    root = Path(tempfile.mkdtemp(prefix="kho-pg-template-"))
    root.chmod(0o755)
    template = PgCluster(bin_dir, root / "pgdata", free_port(), root / "pgsock")
    template.socket_dir.mkdir()
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", "postgres:postgres", str(root)], check=True)
    _run([str(bin_dir / "initdb"), "-D", str(template.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
          "--no-sync"])
    template.start()
    _run([str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(template.port), "-U", "postgres", "kho"])
    template.stop("fast")  # a clean shutdown: the copies start without crash recovery
    yield template.data
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg_cluster(pg_template: Path) -> Iterator[PgCluster]:
    """A private PostgreSQL on a free port in a temp dir, which tests may stop and start at will (a copy of
    the run's template cluster: nothing a previous test did to its own copy is seen)."""
    bin_dir = pg_bin()
    assert bin_dir is not None
    root = Path(tempfile.mkdtemp(prefix="kho-pg-"))
    root.chmod(0o755)
    cluster = PgCluster(bin_dir, root / "pgdata", free_port(), root / "pgsock")
    cluster.socket_dir.mkdir()
    shutil.copytree(pg_template, cluster.data, symlinks=True)
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", "postgres:postgres", str(root)], check=True)
    cluster.start()
    try:
        yield cluster
    finally:
        try:
            cluster.stop("immediate")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(root, ignore_errors=True)


def _run(cmd: list[str]) -> None:
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)


def slow_body(head: bytes, total: int, *, pause_after: int, pause: float, chunk: int = 256 * 1024,
              paused: threading.Event | None = None) -> Iterator[bytes]:
    """`head`, then zeros up to `total` bytes, pausing once after `pause_after` bytes (the fault window).
    `paused` is set as the pause starts, so a test injects its fault inside the window, not after a guess."""
    sent = 0
    data = head
    while sent < total:
        piece = data[:chunk] if data else bytes(min(chunk, total - sent))
        data = data[len(piece):] if data else b""
        yield piece
        sent += len(piece)
        if sent >= pause_after > sent - len(piece):
            if paused is not None:
                paused.set()
            time.sleep(pause)  # the fault window itself, not a synchronisation


def streamed_upload(content_head: bytes, total: int, pause: float,
                    paused: threading.Event | None = None) -> tuple[Iterator[bytes], str, int]:
    """A POST /api/v1/assets multipart body whose file part streams slowly: (chunks, content type, length)."""
    from tests.service.assets.media import meta, multipart

    # multipart() with an empty file part, split where the file's bytes go, to stream them in between.
    body_head, ctype = multipart(meta(), "mat-dien.png", b"")
    head, _, tail = body_head.rpartition(b"\r\n--")
    tail = b"\r\n--" + tail

    def chunks() -> Iterator[bytes]:
        yield head
        yield from slow_body(content_head, total, pause_after=total // 2, pause=pause, paused=paused)
        yield tail

    return chunks(), ctype, len(head) + total + len(tail)


def producer_headers() -> dict[str, str]:
    from tests.conftest import Factory

    return Factory().headers("producer")


def assets_and_keys() -> tuple[int, set[str]]:
    from tests.service.assets.leftovers import count_assets, stored_keys

    return count_assets(), stored_keys()
