"""A full rebuild of the PostgreSQL engine's index that readers never see half done.

The documents are COPYed into a shadow table (`<t>_next`, no index yet), its indexes are built after the
load, and it replaces the live table in one transaction (renames): every host's search sees either the whole
old index or the whole new one. The state lives in the database only, so any host may rebuild and every
host's writers cooperate:

- a writer takes the rebuild key's advisory lock *shared* for its transaction and, when a shadow exists,
  notes the ids it wrote or deleted in `<t>_next_dirty` (and its vocabulary in `<t>_next_terms`);
- the rebuild takes the key *exclusively* to create the shadow (so a writer committed before it is in the
  database the rebuild then reads, and one after it notes its ids) and to swap; at the swap the noted ids
  are copied from the live table into the new one, so no write made during the rebuild is lost;
- one rebuild at a time per table: a session advisory lock, refused at once when another host holds it.

A rebuild that fails drops its shadow. One whose process is killed leaves it (the lock goes with the
connection): writers then keep noting ids into it, a few bytes a write, until the next rebuild drops it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import sqlalchemy as sa

from search.postgres_schema import COLUMNS, INDEXES, LAYOUT, index_ddl, table_ddl, to_row
from search.synonyms import SynonymTable
from search.types import SearchDocument

COMMIT_EVERY = 20_000  # rows per COPY transaction: progress is visible and no transaction grows unbounded


class RebuildRunning(RuntimeError):
    """Another process is rebuilding this index."""


def shadow(t: str) -> str:
    return f"{t}_next"


def writer_key(t: str) -> str:
    return f"kho-search-rebuild:{t}"


def note_sql(t: str) -> tuple[str, str, str]:
    """(lock, shadow present?, note ids) statements a writer runs in its own transaction."""
    s = shadow(t)
    return ("SELECT pg_advisory_xact_lock_shared(hashtext(:k))",
            f"SELECT to_regclass('{s}_dirty') IS NOT NULL",
            f"INSERT INTO {s}_dirty (id) SELECT unnest(CAST(:ids AS text[])) ON CONFLICT DO NOTHING")


def rebuild(db: sa.Engine, t: str, docs: Iterable[SearchDocument], synonyms: SynonymTable,
            progress: Callable[[int], None] | None = None) -> int:
    """Loads `docs` into a shadow of table `t` and swaps it in. Returns the number of documents."""
    s = shadow(t)
    with db.connect() as holder:
        got = holder.execute(sa.text("SELECT pg_try_advisory_lock(hashtext(:k))"),
                             {"k": f"{writer_key(t)}:one"}).scalar_one()
        holder.commit()
        if not got:
            raise RebuildRunning(f"another process is rebuilding the search table {t}")
        try:
            n = _load(db, t, s, docs, synonyms, progress)
            _swap(db, t, s)
            return n
        finally:
            with db.begin() as conn:  # a failed rebuild leaves no shadow for writers to keep noting into
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": writer_key(t)})
                for stmt in _drop_shadow(s):
                    conn.execute(sa.text(stmt))
            holder.execute(sa.text("SELECT pg_advisory_unlock(hashtext(:k))"), {"k": f"{writer_key(t)}:one"})
            holder.commit()


def _drop_shadow(s: str) -> list[str]:
    return [f"DROP TABLE IF EXISTS {s}", f"DROP TABLE IF EXISTS {s}_terms", f"DROP TABLE IF EXISTS {s}_dirty"]


def _first_of_each(docs: Iterable[SearchDocument]) -> Iterator[SearchDocument]:
    """The shadow has no key while it loads: the first version of a repeated id is kept."""
    seen: set[str] = set()
    for doc in docs:
        if doc.id not in seen:
            seen.add(doc.id)
            yield doc


def _load(db: sa.Engine, t: str, s: str, docs: Iterable[SearchDocument], synonyms: SynonymTable,
          progress: Callable[[int], None] | None) -> int:
    with db.begin() as conn:
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": writer_key(t)})
        for stmt in _drop_shadow(s):
            conn.execute(sa.text(stmt))
        conn.execute(sa.text(table_ddl(s, key=False)))
        conn.execute(sa.text(f"ALTER TABLE {s} ALTER COLUMN doc SET STORAGE EXTERNAL"))
        conn.execute(sa.text(f"CREATE TABLE {s}_terms (term text PRIMARY KEY)"))
        conn.execute(sa.text(f"CREATE TABLE {s}_dirty (id text PRIMARY KEY)"))
    vocabulary: set[str] = set()
    n = 0
    with db.connect() as conn:
        raw: Any = conn.connection.driver_connection  # psycopg 3: COPY is not in SQLAlchemy's API
        copy_sql = f"COPY {s} ({', '.join(COLUMNS)}) FROM STDIN"
        cur = raw.cursor()
        try:
            fresh = _first_of_each(docs)
            while chunk := list(itertools.islice(fresh, COMMIT_EVERY)):
                with cur.copy(copy_sql) as copy:
                    for doc in chunk:
                        row = to_row(doc, synonyms, vocabulary)  # text, facets and vocabulary in one pass
                        copy.write_row([row[c] for c in COLUMNS])
                raw.commit()
                n += len(chunk)
                if progress:
                    progress(len(chunk))
            # The rebuild's vocabulary joins what writers noted meanwhile.
            cur.execute("CREATE TEMP TABLE kho_terms_load (term text) ON COMMIT DROP")
            with cur.copy("COPY kho_terms_load (term) FROM STDIN") as tc:
                for term in vocabulary:
                    tc.write_row((term,))
            cur.execute(f"INSERT INTO {s}_terms SELECT DISTINCT term FROM kho_terms_load ON CONFLICT DO NOTHING")
            raw.commit()
        except BaseException:
            raw.rollback()
            raise
    # Indexes after the rows: one sort per index instead of n insertions, each with its share of memory.
    with db.begin() as conn:
        conn.execute(sa.text("SET LOCAL maintenance_work_mem = '256MB'"))
        conn.execute(sa.text(f"ALTER TABLE {s} ADD CONSTRAINT {s}_pkey PRIMARY KEY (id)"))
        for stmt in index_ddl(s):
            conn.execute(sa.text(stmt))
        conn.execute(sa.text(f"CREATE INDEX {s}_terms_trgm ON {s}_terms USING gin (term gin_trgm_ops)"))
    with db.connect() as conn:  # the planner's statistics and the visibility map before the first search
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text(f"VACUUM (ANALYZE) {s}"))
    return n


def _swap(db: sa.Engine, t: str, s: str) -> None:
    """One transaction: the writes noted during the load, then the renames. Readers wait the few
    milliseconds of the renames and then read the new table."""
    with db.begin() as conn:
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": writer_key(t)})
        conn.execute(sa.text(f"DELETE FROM {s} WHERE id IN (SELECT id FROM {s}_dirty)"))
        conn.execute(sa.text(f"INSERT INTO {s} SELECT * FROM {t} WHERE id IN (SELECT id FROM {s}_dirty)"))
        conn.execute(sa.text(f"DROP TABLE {t}"))
        conn.execute(sa.text(f"DROP TABLE {t}_terms"))
        conn.execute(sa.text(f"DROP TABLE {s}_dirty"))
        conn.execute(sa.text(f"ALTER TABLE {s} RENAME TO {t}"))
        conn.execute(sa.text(f"ALTER TABLE {s}_terms RENAME TO {t}_terms"))
        conn.execute(sa.text(f"ALTER INDEX {s}_pkey RENAME TO {t}_pkey"))
        for name in INDEXES:
            conn.execute(sa.text(f"ALTER INDEX {s}_{name} RENAME TO {t}_{name}"))
        conn.execute(sa.text(f"ALTER INDEX {s}_terms_pkey RENAME TO {t}_terms_pkey"))
        conn.execute(sa.text(f"ALTER INDEX {s}_terms_trgm RENAME TO {t}_terms_trgm"))
        conn.execute(sa.text(f"COMMENT ON TABLE {t} IS '{LAYOUT}'"))
