"""Tables of the PostgreSQL engine and the mapping from `SearchDocument` to a row.

The engine creates its own tables (idempotently, under an advisory lock, when it opens): the index is a
rebuildable copy, not part of the service's schema, so it needs no migration and a bench or test can keep
it in any database. A table comment holds the layout; a table of another layout is dropped and refilled.

Text is analysed here, by the project's own Vietnamese analyser, and handed to PostgreSQL as a ready
`tsvector` (PostgreSQL's parsers know nothing of Vietnamese): folded syllables weighted A (title), B (summary,
tags, labels) or C (OCR, Q&A, captions); `=` + the syllable with its marks when it has any
(an exact "đường" outranks "dương"); `~` + two adjacent syllables glued ("~giaoduc": phrases and typos in
short syllables); the key of every synonym group named in the text. The vocabulary table holds every folded
syllable and glued pair ever indexed, with a trigram index for typo candidates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from search.embedded_schema import downloads_key, newest_key
from search.synonyms import SynonymTable
from search.types import SearchDocument
from search.vietnamese import fold, folded_syllables, nfc, syllables

LAYOUT = "kho-search-pg 5"  # 3: language column; the organisation name is no longer text; 4: facets column;
# 5: GIN index on the facets, which the facet filters use
MAX_POS = 16383  # PostgreSQL's largest tsvector position
MAX_TOKEN = 48  # longer "syllables" are noise (hashes, URLs) and would bloat the vocabulary
EXACT, GLUED, SYN = "=", "~", "#"  # lexeme prefixes no typed prefix query can reach
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,40}$")
ARRAY_COLUMNS = {"topic": "topics", "audience": "audiences", "level": "levels", "channel": "channels",
                 "profile": "profiles"}


def check_name(table: str) -> str:
    if not _NAME.match(table):
        raise ValueError(f"invalid search table name {table!r}")
    return table


INDEXES = ("doc", "new", "dl", "status", "org_tree", "facets")  # index name suffixes on the documents' table


def table_ddl(t: str, *, key: bool = True) -> str:
    """The documents' table; `key=False` for a bulk load, whose primary key is added after the rows."""
    return f"""CREATE TABLE IF NOT EXISTS {t} (
        id text {'PRIMARY KEY' if key else 'NOT NULL'}, status text NOT NULL, kind text NOT NULL,
        org_id text NOT NULL, org_tree text[] NOT NULL, topics text[] NOT NULL, audiences text[] NOT NULL,
        levels text[] NOT NULL, channels text[] NOT NULL, profiles text[] NOT NULL, year text,
        urgent boolean NOT NULL, language text NOT NULL, k_new bigint NOT NULL, k_dl bigint NOT NULL,
        title text NOT NULL, summary text NOT NULL, updated_at text, facets text[] NOT NULL,
        title_doc tsvector NOT NULL, doc tsvector NOT NULL)"""


def index_ddl(t: str, names: str | None = None) -> list[str]:
    """Indexes of table `t`, named after `names` (default `t`): a shadow table's indexes get the shadow's
    names and are renamed when it is swapped in."""
    n = names or t
    return [
        f"CREATE INDEX IF NOT EXISTS {n}_doc ON {t} USING gin (doc)",
        f"CREATE INDEX IF NOT EXISTS {n}_new ON {t} (k_new DESC)",
        f"CREATE INDEX IF NOT EXISTS {n}_dl ON {t} (k_dl DESC)",
        f"CREATE INDEX IF NOT EXISTS {n}_status ON {t} (status)",
        f"CREATE INDEX IF NOT EXISTS {n}_org_tree ON {t} USING gin (org_tree)",
        f"CREATE INDEX IF NOT EXISTS {n}_facets ON {t} USING gin (facets)",
    ]


def terms_ddl(t: str) -> list[str]:
    return [f"CREATE TABLE IF NOT EXISTS {t}_terms (term text PRIMARY KEY)",
            f"CREATE INDEX IF NOT EXISTS {t}_terms_trgm ON {t}_terms USING gin (term gin_trgm_ops)"]


def ddl(t: str) -> list[str]:
    return [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        table_ddl(t),
        # The whole-document vector (~2 kB) lives out of line, uncompressed: matching reads the GIN index
        # and the small row, only the few candidates being ranked fetch it, without decompressing.
        f"ALTER TABLE {t} ALTER COLUMN doc SET STORAGE EXTERNAL",
        *index_ddl(t),
        *terms_ddl(t),
        f"COMMENT ON TABLE {t} IS '{LAYOUT}'",
    ]


def drop_sql(t: str) -> list[str]:
    """The engine's tables, and a rebuild's leftovers (search.postgres_rebuild's shadow)."""
    return [f"DROP TABLE IF EXISTS {t}", f"DROP TABLE IF EXISTS {t}_terms", f"DROP TABLE IF EXISTS {t}_next",
            f"DROP TABLE IF EXISTS {t}_next_terms", f"DROP TABLE IF EXISTS {t}_next_dirty"]


COLUMNS = ("id", "status", "kind", "org_id", "org_tree", "topics", "audiences", "levels", "channels",
           "profiles", "year", "urgent", "language", "k_new", "k_dl", "title", "summary", "updated_at",
           "facets", "title_doc", "doc")


# "12A": every position string made once; an index build formats a few hundred per document otherwise.
_POSITIONS = {w: [f"{p}{w}" for p in range(MAX_POS + 1)] for w in "ABC"}


class _Vector:
    """Lexeme → positions with weights, rendered as a tsvector literal."""

    def __init__(self) -> None:
        self.entries: dict[str, list[str]] = {}
        self.pos = 1

    def add(self, lexeme: str, pos: int, weight: str) -> None:
        self.entries.setdefault(lexeme, []).append(_POSITIONS[weight][min(pos, MAX_POS)])

    def literal(self) -> str:
        # Tokens are runs of letters and digits, so quoting needs no escapes; PostgreSQL keeps 256
        # positions per lexeme, the first ones are the ones that rank.
        return " ".join(f"'{lex}':{','.join(p[:256])}" for lex, p in self.entries.items())


def _analyse(text: str) -> tuple[list[str], list[str]]:
    """The text's syllables and their folded forms, folding the whole text once."""
    words, folded = syllables(text), folded_syllables(text)
    if len(words) != len(folded):  # never expected (folding keeps runs of letters), but stay aligned
        folded = [fold(w) for w in words]
    if words and max(map(len, words)) > MAX_TOKEN:
        kept = [i for i, w in enumerate(words) if len(w) <= MAX_TOKEN]
        words, folded = [words[i] for i in kept], [folded[i] for i in kept]
    return words, folded


def _add_text(vec: _Vector, text: str, weight: str, exact: bool, glue: bool,
              synonyms: SynonymTable, vocabulary: set[str]) -> None:
    words, folded = _analyse(text)
    if not words:
        return
    start = vec.pos
    positions = _POSITIONS[weight][start:start + len(words) + 1]
    positions += [_POSITIONS[weight][MAX_POS]] * (len(words) + 1 - len(positions))
    entries = vec.entries
    vocabulary.update(folded)
    for i, f in enumerate(folded):
        entries.setdefault(f, []).append(positions[i])
    if exact:
        for i, (word, f) in enumerate(zip(words, folded, strict=True)):
            if word != f:
                entries.setdefault(EXACT + word, []).append(positions[i])
    if glue:
        glued = [GLUED + a + b for a, b in zip(folded, folded[1:], strict=False)]
        vocabulary.update(glued)
        for i, g in enumerate(glued):
            entries.setdefault(g, []).append(positions[i])
    for key in synonyms.keys_in(folded):
        entries.setdefault(SYN + key, []).append(positions[0])
    vec.pos = start + len(words) + 2  # a gap: a phrase never spans two texts


def to_row(doc: SearchDocument, synonyms: SynonymTable, vocabulary: set[str]) -> dict[str, object]:
    """The row of `doc`; adds the syllables and glued pairs it holds to `vocabulary`."""
    vec, title = _Vector(), _Vector()
    _add_text(title, doc.title, "A", True, True, synonyms, vocabulary)
    _add_text(vec, doc.title, "A", True, True, synonyms, vocabulary)
    # The owner's name is a facet and filter, never text: "Huế" or "giáo dục" would match every asset of a Sở.
    for text in [doc.summary, *doc.tags, *doc.labels]:
        _add_text(vec, text, "B", True, True, synonyms, vocabulary)
    for text in (doc.qa_text, doc.ocr_text, doc.caption_text):
        _add_text(vec, text, "C", False, False, synonyms, vocabulary)
    tree = list(dict.fromkeys([*doc.org_path, doc.org_id] if doc.org_id else doc.org_path))
    return {
        "id": doc.id, "status": doc.status, "kind": doc.kind, "org_id": doc.org_id, "org_tree": tree,
        "topics": list(doc.topics), "audiences": list(doc.audiences), "levels": list(doc.levels),
        "channels": list(doc.channels), "profiles": list(doc.profiles),
        "year": str(doc.year) if doc.year is not None else None, "urgent": doc.urgent,
        "language": doc.language, "k_new": newest_key(doc), "k_dl": downloads_key(doc), "title": nfc(doc.title),
        "summary": nfc(doc.summary), "updated_at": doc.updated_at, "facets": facet_values(doc),
        "title_doc": title.literal(),
        "doc": vec.literal(),
    }


def facet_values(doc: SearchDocument) -> list[str]:
    """"facet=value" for every facet value of `doc`: facets are counted by unnesting this one array in a
    single pass over the matches, instead of one pass per facet."""
    values = {"kind": [doc.kind], "org": [doc.org_id], "year": [str(doc.year) if doc.year is not None else ""],
              "topic": doc.topics, "audience": doc.audiences, "level": doc.levels, "channel": doc.channels,
              "profile": doc.profiles}
    return list(dict.fromkeys(f"{facet}={v}" for facet, vs in values.items() for v in vs if v))


def upsert_sql(t: str) -> str:
    cols = list(COLUMNS[:-2])
    values = ", ".join(f":{c}" for c in cols) + ", CAST(:title_doc AS tsvector), CAST(:doc AS tsvector)"
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in [*cols[1:], "title_doc", "doc"])
    return (f"INSERT INTO {t} ({', '.join(cols)}, title_doc, doc) VALUES ({values}) "
            f"ON CONFLICT (id) DO UPDATE SET {updates}")


def vocabulary_sql(t: str) -> str:
    return f"INSERT INTO {t}_terms (term) SELECT unnest(CAST(:terms AS text[])) ON CONFLICT DO NOTHING"


def sorted_terms(terms: Iterable[str]) -> list[str]:
    """Sorted, so concurrent writers take the vocabulary's row locks in one order and never deadlock."""
    return sorted(set(terms))
