"""SQL conditions of the PostgreSQL engine: the caller's visibility, filters, and facet counts.

Conditions are built as text with named parameters collected in a `Params`; values never enter the SQL
text. Facets are counted in one statement: each facet over the rows matching every filter but its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from search.postgres_schema import ARRAY_COLUMNS
from search.types import FACET_FIELDS, FILTER_FIELDS, Visibility


class Params(dict[str, object]):
    def add(self, value: object) -> str:
        name = f"p{len(self)}"
        self[name] = value
        return f":{name}"


def visibility_sql(visibility: Visibility, params: Params) -> str:
    rules = []
    for rule in visibility.rules:
        parts = []
        if rule.statuses is not None:
            parts.append(f"status = ANY(CAST({params.add(list(rule.statuses))} AS text[]))")
        if rule.org_ids is not None:
            parts.append(f"org_tree && CAST({params.add(list(rule.org_ids))} AS text[])")
        rules.append("(" + " AND ".join(parts) + ")" if parts else "TRUE")
    return "(" + " OR ".join(rules) + ")" if rules else "FALSE"


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def filter_sql(name: str, values: Sequence[object], params: Params) -> str:
    words = list(dict.fromkeys(_value(v) for v in values))
    if name in ARRAY_COLUMNS or name in ("kind", "year"):
        # The facet=value array has a GIN index: a filter narrows the rows before any is read.
        return f"facets && CAST({params.add([f'{name}={w}' for w in words])} AS text[])"
    if name == "org":
        return f"org_tree && CAST({params.add(words)} AS text[])"
    if name == "urgent":
        return f"urgent = ANY(CAST({params.add([w == 'true' for w in words])} AS boolean[]))"
    column = {"kind": "kind", "status": "status", "year": "year", "language": "language"}[name]
    return f"{column} = ANY(CAST({params.add(words)} AS text[]))"


def check_filters(filters: Mapping[str, Sequence[object]]) -> None:
    for name in filters:
        if name not in FILTER_FIELDS:
            raise ValueError(f"unknown filter {name!r}; expected one of {', '.join(FILTER_FIELDS)}")


def filters_sql(filters: Mapping[str, Sequence[object]], params: Params) -> list[str]:
    check_filters(filters)
    return [filter_sql(name, values, params) for name, values in filters.items() if values]


def facets_sql(table: str, where: str, filters: Mapping[str, Sequence[object]], params: Params) -> str:
    """("facet=value", count) rows, in one pass over the matching rows' `facets` arrays. `where` holds the
    text match and visibility; facet filters are applied per facet, so that each facet is counted without
    its own filter (a multi-select keeps its options)."""
    active = {name: filter_sql(name, values, params) for name, values in filters.items()
              if values and name in FACET_FIELDS}
    others = [filter_sql(name, values, params) for name, values in filters.items()
              if values and name not in FACET_FIELDS]
    cond = " AND ".join([where, *others])
    if not active:
        return f"SELECT f, count(*) AS n FROM {table} CROSS JOIN LATERAL unnest(facets) AS f WHERE {cond} GROUP BY f"
    # Each filter is tested once per row; each value then counts where every filter but its facet's holds.
    flags = ", ".join(f"({c}) AS f_{name}" for name, c in active.items())
    cases = " ".join(
        f"WHEN '{facet}' THEN {' AND '.join(f'f_{n}' for n in active if n != facet) or 'TRUE'}"
        for facet in FACET_FIELDS)
    return (f"SELECT f, count(*) AS n FROM (SELECT facets, {flags} FROM {table} WHERE {cond}) r "
            f"CROSS JOIN LATERAL unnest(r.facets) AS f WHERE CASE split_part(f, '=', 1) {cases} END GROUP BY f")
