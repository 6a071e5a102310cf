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
.venv/bin/python -m pytest -q "$@"
