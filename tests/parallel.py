"""How the suite is shared between pytest-xdist workers (`-n auto`, scripts/test.sh).

Each worker is its own process with its own stacks (tests/conftest.py), its own temporary folders and its own
Redis database (tests/support.py). What it receives is a *group* of tests, never single tests:

- one test module on one stack: the module's fixtures are built once (split across workers they would be
  built twice), and a worker that gets all SQLite groups before all PostgreSQL groups builds each session
  stack once (pytest tears a parametrised session fixture down whenever the parameter changes, so an
  interleaved order would rebuild a stack — Alembic, an S3 server, a database — per module). The collection
  order is already "every SQLite test, then every PostgreSQL test"; the groups keep it (no reordering by size);
- the fault and multi-host tests as one group, run one after another on one worker: they stop and start
  private PostgreSQL clusters, S3 servers and worker processes on free ports and SIGKILL process trees, and
  their timing assertions are written for one such test at a time.
"""

from __future__ import annotations

from typing import Any

import pytest
from xdist.scheduler import LoadScopeScheduling

STACK_IDS = ("sqlite-local", "postgres-s3")
SERIAL_FOLDERS = ("faults", "scale")
SERIAL_GROUP = "serial: faults and hosts"


def group_of(nodeid: str) -> str:
    """The group a test runs in, from its node id ("tests/x/test_y.py::test_z[sqlite-local-…]")."""
    path, _, name = nodeid.partition("::")
    parts = path.split("/")
    if len(parts) > 2 and parts[0] == "tests" and parts[1] in SERIAL_FOLDERS:
        return SERIAL_GROUP
    params = name.partition("[")[2]
    stack = next((s for s in STACK_IDS if s in params), "")
    return f"{path} [{stack}]" if stack else path


class GroupScheduling(LoadScopeScheduling):
    """xdist's scope scheduler with our groups as its scopes, handed out in collection order."""

    def __init__(self, config: pytest.Config, log: Any = None) -> None:
        config.option.loadscopereorder = False  # largest-first would interleave the two stacks' groups
        super().__init__(config, log)

    def _split_scope(self, nodeid: str) -> str:
        return group_of(nodeid)
