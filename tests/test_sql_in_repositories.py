"""All SQL lives in repositories: no module of `service/` or `web/` but a `repository.py` (and the table
models, and the session plumbing in `service/core/db.py`) imports SQLAlchemy's statement builders. A new
query written in a route, a service or a page fails here, so the rule holds without a reviewer.

What counts is the import of a builder (`select`, `insert`, `text`, `func`, …): a statement cannot be written
without one. Loading a row by primary key (`session.get`) and adding new objects (`session.add`) are the unit
of work, not queries, and stay where the work is done."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILDERS = {
    "select", "insert", "update", "delete", "text", "func", "and_", "or_", "not_", "exists", "union",
    "union_all", "literal", "literal_column", "case", "cast", "true", "false", "null", "tuple_", "bindparam",
    "column", "table", "distinct", "desc", "asc", "nulls_first", "nulls_last", "over", "lateral", "values",
    "any_", "all_", "extract", "join", "outerjoin", "aliased",
}
ALLOWED = {
    "service/core/db.py": "the session plumbing: the readiness and start-up ping",
    "service/assets/policy.py": "the visibility rule, written once as SQL filters that the repositories apply "
                                "(so every list filters in the database, not in Python)",
}


def _is_allowed(rel: str) -> bool:
    return rel.endswith("/repository.py") or rel.startswith("service/models/") or rel in ALLOWED


def _builders_imported(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "sqlalchemy":
            found |= {a.name for a in node.names} & BUILDERS
        elif isinstance(node, ast.Import) and any(a.name.startswith("sqlalchemy.sql") for a in node.names):
            found.add("sqlalchemy.sql")
    return found


def test_statements_are_built_only_in_repositories() -> None:
    offenders = {}
    for package in ("service", "web"):
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if _is_allowed(rel):
                continue
            used = _builders_imported(ast.parse(path.read_text(encoding="utf-8")))
            if used:
                offenders[rel] = sorted(used)
    assert not offenders, f"SQL outside a repository module (move it into the package's repository.py): {offenders}"


def test_the_check_sees_a_query_and_the_allow_list_is_current() -> None:
    # The scanner must catch the forms a query is written in, or the test above could pass on anything.
    assert _builders_imported(ast.parse("from sqlalchemy import select, Integer")) == {"select"}
    assert _builders_imported(ast.parse("from sqlalchemy.dialects.postgresql import insert")) == {"insert"}
    assert _builders_imported(ast.parse("import sqlalchemy.sql.expression")) == {"sqlalchemy.sql"}
    assert _builders_imported(ast.parse("from sqlalchemy.orm import Session")) == set()
    for rel in ALLOWED:  # an allowance for a file that no longer builds SQL is a stale exemption
        assert _builders_imported(ast.parse((ROOT / rel).read_text(encoding="utf-8"))), rel
