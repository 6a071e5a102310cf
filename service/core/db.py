"""Session handling; the engine and session factory are the runtime's. The request or job wrapper owns
commit/rollback; services only flush."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from service.core.runtime import current


def get_engine() -> Engine:
    return current().engine


def get_sessionmaker() -> sessionmaker[Session]:
    return current().sessionmaker


# After-commit hooks let a unit of work enqueue jobs only once its rows are durable
# (and drop them on rollback), the way polar's request wrapper does.
AFTER_COMMIT_KEY = "kho_after_commit"


def after_commit(session: Session, fn: Callable[[], None]) -> None:
    session.info.setdefault(AFTER_COMMIT_KEY, []).append(fn)


def run_after_commit(session: Session) -> None:
    hooks: list[Callable[[], None]] = session.info.pop(AFTER_COMMIT_KEY, [])
    for hook in hooks:
        try:
            hook()
        except Exception:  # noqa: BLE001 - a failed dispatch is repaired by the sweep, never lost
            import logging

            logging.getLogger("kho.db").exception("after-commit hook failed; the sweep will retry")


BEFORE_COMMIT_KEY = "kho_before_commit"


def before_commit(session: Session, fn: Callable[[Session], None]) -> None:
    """Write `fn`'s rows as the last statements of the transaction, just before its commit (by `finish`: the
    request, job and unit-of-work wrappers). On SQLite the single write lock is then held from that write to
    the commit only, not while the rest of the request runs (a page's usage record, written mid-request,
    kept the lock through serialisation and a thread hop, and concurrent clients slept in the busy handler)."""
    session.info.setdefault(BEFORE_COMMIT_KEY, []).append(fn)


ON_ROLLBACK_KEY = "kho_on_rollback"


def on_rollback(session: Session, fn: Callable[[], None]) -> None:
    """Compensate a side effect made before commit (e.g. delete a stored object) if the commit fails."""
    session.info.setdefault(ON_ROLLBACK_KEY, []).append(fn)


def finish(session: Session, ok: bool) -> None:
    """Commit-or-rollback with the hooks, shared by the request and job wrappers."""
    if ok:
        try:
            for write in session.info.pop(BEFORE_COMMIT_KEY, []):
                write(session)
            session.commit()
        except BaseException:
            finish(session, False)
            raise
        session.info.pop(ON_ROLLBACK_KEY, None)
        run_after_commit(session)
        return
    session.rollback()
    session.info.pop(BEFORE_COMMIT_KEY, None)
    session.info.pop(AFTER_COMMIT_KEY, None)
    for hook in session.info.pop(ON_ROLLBACK_KEY, []):
        try:
            hook()
        except Exception:  # noqa: BLE001 - the orphan sweep removes what compensation could not
            import logging

            logging.getLogger("kho.db").exception("rollback compensation failed; the sweep will clean up")


@contextmanager
def unit_of_work(factory: sessionmaker[Session] | None = None) -> Iterator[Session]:
    """Commit on success, roll back (and drop after-commit hooks) on any exception."""
    session = (factory or get_sessionmaker())()
    try:
        yield session
    except BaseException:
        finish(session, False)
        raise
    else:
        finish(session, True)
    finally:
        session.close()


def ping(engine: Engine) -> None:
    """One round trip to the database (start-up wait, readiness): raises if it does not answer."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
