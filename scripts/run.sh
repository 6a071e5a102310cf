#!/usr/bin/env bash
# One command from a fresh clone: environment, install, migrations, first admin, demo content, then the
# API with an in-process worker on http://127.0.0.1:8000 (embedded SQLite, object folder, search, queue).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/kho run --demo "$@"
