#!/usr/bin/env bash
# Every test: unit, integration against the real PostgreSQL/Redis/S3 server, media tools, browser.
# Tests that need a missing service skip with the reason; KHO_TEST_REQUIRE_SERVICES=1 makes them fail.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh dev
.venv/bin/ruff check .
.venv/bin/mypy service storage transcoding search web
.venv/bin/lint-imports
.venv/bin/python scripts/package_graph.py > /dev/null
# On every core (pytest-xdist; KHO_TEST_WORKERS=1 for one process): workers take whole groups of tests, see
# tests/parallel.py. At most 8 workers: each has a Redis database of its own (tests/support.py).
.venv/bin/python -m pytest -q -n "${KHO_TEST_WORKERS:-auto}" --maxprocesses 8 "$@"
