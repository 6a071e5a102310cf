"""Language tests run on the API test stacks (SQLite + local folder, PostgreSQL + S3)."""

from tests.api.conftest import client, factory, stack  # noqa: F401
from tests.workflow.conftest import flow, fresh_tree, shared_flow, tree  # noqa: F401
