"""The text query of each search mode the embedded engine records in its cursors (see search.embedded).

"strict", "near", "loose" and "relaxed" name the query (embedded_strict, embedded_query); ADJACENT appended
keeps only the documents holding the query's words together (embedded_adjacency). A cursor's mode rebuilds
the very query of its first page.
"""

from __future__ import annotations

from search.embedded_adjacency import adjacency, only_adjacent
from search.embedded_query import QueryBuilder, TextQuery
from search.embedded_strict import StrictBuilder
from search.query import ParsedQuery

ADJACENT = ":adjacent"
STRICT = "strict" + ADJACENT  # the first pass always keeps only adjacent documents when there are any
STRICT_ENOUGH = 20  # documents with every word as typed (and together) that make the loose pass needless


def text_for(builder: QueryBuilder, parsed: ParsedQuery, mode: str) -> TextQuery | None:
    """The text query of a mode: "strict", "near", "loose" or "relaxed", with ADJACENT appended when only
    documents holding the words together count. None when nothing can match that way."""
    base = mode.removesuffix(ADJACENT)
    if base in ("strict", "near"):
        text = StrictBuilder(builder).text_query(parsed, near=base == "near")
    else:
        text = builder.text_query(parsed, relaxed=base == "relaxed")
    if text is None or base == mode:
        return text
    adjacent = adjacency(builder, parsed, tagged_spans_required=base == "strict", one_missing=base == "near")
    return text if adjacent is None else only_adjacent(text, adjacent)
