"""The local object store's disk fills up during an upload: a clear 507 problem, no row, no temp file,
and the service keeps answering (a real ENOSPC from a tiny tmpfs in a private user+mount namespace)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.support import require_or_skip

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]

_SCRIPT = textwrap.dedent("""
    import json, os, subprocess, sys
    from pathlib import Path
    var, mount = Path(sys.argv[1]), Path(sys.argv[2])
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], check=True)
    os.environ.update(KHO_ENV="test", KHO_VAR_DIR=str(var), KHO_STORAGE_ROOT=str(mount),
                      KHO_SECRET_KEY="disk-full-" + "x" * 40, KHO_BASE_URL="http://testserver")
    from fastapi.testclient import TestClient
    from service.app import create_app
    from service.core.runtime import get_settings
    from service.core.migrate import upgrade
    var.mkdir(parents=True, exist_ok=True)
    upgrade(get_settings().database.url)
    from tests.conftest import Factory
    from tests.service.assets.leftovers import count_assets
    from tests.service.assets.media import meta, multipart, png
    headers = Factory().headers("producer")
    out = {}
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        for name, content in (("small", png()), ("big", png(size=(200, 200)) + bytes(6 * 1024 * 1024)),
                              ("after", png())):
            body, ctype = multipart(meta(), name + ".png", content)
            r = client.post("/api/v1/assets", content=body, headers={**headers, "Content-Type": ctype})
            out[name] = [r.status_code, r.json().get("code")]
    out["rows"] = count_assets()
    out["tmp"] = sorted(os.listdir(mount / ".tmp")) if (mount / ".tmp").exists() else []
    print(json.dumps(out))
""")


def test_local_store_disk_full(tmp_path: Path) -> None:
    unshare = shutil.which("unshare")
    available = unshare is not None and subprocess.run([unshare, "-rm", "true"], capture_output=True).returncode == 0
    require_or_skip(available, "user namespaces (unshare -rm) are not available to mount a tiny tmpfs")
    assert unshare is not None
    mount = tmp_path / "objects"
    mount.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KHO_") or k.startswith("KHO_TEST")}
    result = subprocess.run([unshare, "-rm", sys.executable, "-c", _SCRIPT, str(tmp_path / "var"), str(mount)],
                            capture_output=True, text=True, cwd=REPO, env={**env, "PYTHONPATH": str(REPO)},
                            timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["small"] == [201, None]
    assert out["big"] == [507, "storage_full"]
    assert out["after"] == [201, None]  # the service is still up; smaller files still fit
    assert out["rows"] == 2 and out["tmp"] == []
