"""The embedded index takes one writing process: a second one is refused at once, naming KHO_SEARCH=postgres."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from search.embedded import EmbeddedIndex
from search.types import SearchDocument
from search.writer_lock import IndexBusy

REPO = Path(__file__).resolve().parents[2]
CLAIM = ("from pathlib import Path; from search.embedded import EmbeddedIndex; "
         "i = EmbeddedIndex(Path({!r}), writer=True)")


def _python(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})})


def test_a_second_writer_process_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "search"
    first = EmbeddedIndex(folder, writer=True)
    try:
        second = _python(CLAIM.format(str(folder)))
        assert second.returncode != 0
        assert "IndexBusy" in second.stderr and "KHO_SEARCH=postgres" in second.stderr
        assert f"process {os.getpid()}" in second.stderr  # names the holder
        # A process that opened for reading is refused on its first write, not retried.
        lazy = _python(f"from pathlib import Path; from search.embedded import EmbeddedIndex; "
                       f"from search.types import SearchDocument; i = EmbeddedIndex(Path({str(folder)!r})); "
                       f"print(i.count()); i.upsert([SearchDocument(id='x', kind='video', status='draft', title='t')])")
        assert lazy.stdout.strip() == "0" and "IndexBusy" in lazy.stderr
    finally:
        first.close()
    assert _python(CLAIM.format(str(folder))).returncode == 0  # released by close()


def test_the_lock_dies_with_its_process(tmp_path: Path) -> None:
    folder = tmp_path / "search"
    holder = subprocess.Popen([sys.executable, "-c", CLAIM.format(str(folder)) + "; print('held', flush=True); "
                               "import time; time.sleep(600)"], cwd=REPO, stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(IndexBusy):
            EmbeddedIndex(folder, writer=True)
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=60)
    index = EmbeddedIndex(folder, writer=True)
    index.upsert([SearchDocument(id="a", kind="video", status="published", title="Tuyển sinh")])
    assert index.count() == 1
    index.close()


@pytest.mark.slow  # starts `kho worker` subprocesses
def test_kho_worker_refuses_to_start_beside_another_writer(tmp_path: Path) -> None:
    var = tmp_path / "var"
    first = EmbeddedIndex(var / "search", writer=True)
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("KHO_") or k.startswith("KHO_TEST")}
        env.update(PYTHONPATH=str(REPO), KHO_ENV="test", KHO_VAR_DIR=str(var))
        run = subprocess.run([sys.executable, "-m", "service.cli", "worker"], cwd=REPO, capture_output=True,
                             text=True, timeout=120, env=env)
    finally:
        first.close()
    assert run.returncode == 1
    assert "KHO_SEARCH=postgres" in run.stderr and "Traceback" not in run.stderr
