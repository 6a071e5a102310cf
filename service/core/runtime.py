"""The runtime: the settings, read once, and every adapter built from them (database engine and sessions,
object store, search index; the job queue and rate limiter of the packages above attach theirs).

A process builds one `Runtime` where it starts — the app lifespan (`create_app`), `kho worker`, each CLI
command — installs it here, and closes it on shutdown. It is handed down from there: routes take it with the
`RuntimeDep` dependency (`runtime_of(request)`) and pass services what they need (the runtime, its settings
or store) as arguments; middleware reads the app's; the worker gives it to each job (`JobContext.rt`) and its
sweeper to each scheduled job. This module is the one process-level holder of the current runtime (`install`,
`current`, `close`); the accessors below (`get_settings`, `get_store`, …) read it for code that is handed
none (the CLI entry points, Alembic's env, scripts, tests, and the modules not handed it yet). A test that
installs a runtime built from its own settings changes everything at once, and closing it releases every
connection pool, index handle and file it opened.

Adapters are built on first use, one per runtime, under the runtime's lock: under a burst of first requests
a cache without a lock built several engines, several handles on the one embedded search index (whose
creation then collided), several S3 clients racing to create the bucket.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar, cast

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import HTTPConnection  # at run time: FastAPI reads the dependency's signature

from search.protocol import SearchIndex
from service.core.config import Settings
from storage.base import ObjectStore

T = TypeVar("T")
log = logging.getLogger("kho.runtime")


class Runtime:
    """Settings and the adapters built from them, for one process (or one test stack)."""

    def __init__(self, settings: Settings, *, search_writer: bool = False) -> None:
        self.settings = settings
        # This process writes the search index (kho run, kho worker, kho reindex): it opens the embedded one
        # as its writer, so a second writer fails at start instead of retrying for minutes.
        self.search_writer = search_writer
        self._lock = threading.RLock()
        self._adapters: dict[Callable[[Runtime], Any], Any] = {}
        self._closers: list[Callable[[], None]] = []
        self.closed = False

    @classmethod
    def build(cls, settings: Settings | None = None, *, search_writer: bool = False) -> Runtime:
        """A runtime from `settings`, or from the environment and `.env` (read here, once)."""
        return cls(settings if settings is not None else Settings(), search_writer=search_writer)

    def adapter(self, build: Callable[[Runtime], T]) -> T:
        """`build(self)`, made on first use and kept for this runtime's life; safe when many threads ask at
        once (the first builds under the lock, the rest wait for its value; the built path takes no lock)."""
        try:
            return cast(T, self._adapters[build])
        except KeyError:
            pass
        with self._lock:
            if build not in self._adapters:
                self._adapters[build] = build(self)
            return cast(T, self._adapters[build])

    def built(self, build: Callable[[Runtime], Any]) -> bool:
        return build in self._adapters

    def on_close(self, fn: Callable[[], None]) -> None:
        """Release something when the runtime closes (an adapter's pool or file), last registered first."""
        self._closers.append(fn)

    @property
    def engine(self) -> Engine:
        return self.adapter(_build_engine)

    @property
    def sessionmaker(self) -> sessionmaker[Session]:
        return self.adapter(_build_sessionmaker)

    @property
    def store(self) -> ObjectStore:
        return self.adapter(_build_store)

    @property
    def search_index(self) -> SearchIndex:
        return self.adapter(_build_search_index)

    @property
    def download_ttl(self) -> timedelta:
        """How long a signed download URL handed out by this process stays valid."""
        return timedelta(seconds=self.settings.security.download_url_ttl_seconds)

    def close(self) -> None:
        """Close every adapter built (search index, connection pools, queue connections). Idempotent."""
        with self._lock:
            if self.closed:
                return
            self.closed = True
            closers, self._closers = self._closers[::-1], []
            for fn in closers:
                try:
                    fn()
                except Exception:  # noqa: BLE001 - one adapter failing to close must not keep the others open
                    log.exception("closing an adapter failed")
            self._adapters.clear()


def make_engine(url: str) -> Engine:
    kwargs: dict[str, Any] = {"future": True}
    if url.startswith("sqlite"):
        # A fresh clone has no var/ yet: SQLite cannot create a file in a missing folder, and "unable to open
        # database file" reads as an outage, so start-up would wait for a database that can never come.
        database = make_url(url).database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # The API and the in-process worker share the file: wait for locks instead of failing at once.
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        # The API runs sync routes on up to 40 worker threads (anyio's default): the pool must not be the
        # smaller limit, or requests queue for a connection and time out under load.
        kwargs.update(pool_pre_ping=True, pool_size=20, max_overflow=30, pool_timeout=10)
        if url.startswith("postgresql"):  # a hung server fails a connect (start-up wait, /readyz) instead of blocking
            kwargs["connect_args"] = {"connect_timeout": 5}
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _build_engine(rt: Runtime) -> Engine:
    engine = make_engine(rt.settings.database.url)
    rt.on_close(engine.dispose)
    return engine


def _build_sessionmaker(rt: Runtime) -> sessionmaker[Session]:
    # Each session carries the runtime it was opened from (`session_runtime`): code handed a session (an
    # outbox consumer, a service) reaches that runtime's store, index and settings through it.
    return sessionmaker(bind=rt.engine, expire_on_commit=False, info={RUNTIME_KEY: rt})


RUNTIME_KEY = "kho_runtime"


def session_runtime(session: Session) -> Runtime:
    """The runtime whose sessionmaker opened `session`."""
    rt = session.info.get(RUNTIME_KEY)
    if not isinstance(rt, Runtime):
        raise RuntimeError("this session was not opened from a runtime's sessionmaker")
    return rt


def _build_store(rt: Runtime) -> ObjectStore:
    from storage.factory import make_store
    from storage.signing import UrlSigner

    s = rt.settings.storage
    if s.backend == "s3":
        return make_store("s3", endpoint=s.s3_endpoint, access_key=s.s3_access_key, secret_key=s.s3_secret_key,
                          bucket=s.s3_bucket, secure=s.s3_secure, region=s.s3_region,
                          public_endpoint=s.s3_public_endpoint or None,
                          connect_timeout=s.s3_connect_timeout, read_timeout=s.s3_read_timeout, retries=s.s3_retries,
                          probe_timeout=s.s3_probe_timeout)
    signer = UrlSigner(rt.settings.security.secret_key, rt.settings.base_url)
    return make_store("local", root=s.objects_root, url_signer=signer)


def _build_search_index(rt: Runtime) -> SearchIndex:
    from search.factory import make_index

    s = rt.settings
    if s.search.engine == "meilisearch":
        index = make_index("meilisearch", meili_url=s.search.meili_url, meili_key=s.search.meili_key or None)
    elif s.search.engine == "postgres":
        index = make_index("postgres", database_url=s.database.url)
    else:
        s.search.index_dir.mkdir(parents=True, exist_ok=True)
        index = make_index("embedded", path=s.search.index_dir, shards=s.search.shards, writer=rt.search_writer)
    rt.on_close(index.close)
    return index


class _Holder:
    """The current runtime of this process: the one module-level holder (see the module docstring)."""

    def __init__(self) -> None:
        self.runtime: Runtime | None = None
        self.lock = threading.Lock()


_CURRENT = _Holder()


def install(rt: Runtime) -> Runtime:
    """Make `rt` the process's runtime; the one it replaces is closed. Returns `rt`."""
    with _CURRENT.lock:
        previous, _CURRENT.runtime = _CURRENT.runtime, rt
    if previous is not None and previous is not rt:
        previous.close()
    return rt


def installed() -> bool:
    return _CURRENT.runtime is not None


def current() -> Runtime:
    """The installed runtime. A process that installed none (a script, Alembic's env, a bench) gets one
    built from the environment on first use, installed here like any other."""
    rt = _CURRENT.runtime
    if rt is not None:
        return rt
    with _CURRENT.lock:
        if _CURRENT.runtime is None:
            _CURRENT.runtime = Runtime.build()
        return _CURRENT.runtime


def close() -> None:
    """Close the installed runtime and install none (shutdown; a test stack's teardown)."""
    with _CURRENT.lock:
        rt, _CURRENT.runtime = _CURRENT.runtime, None
    if rt is not None:
        rt.close()


def release(rt: Runtime) -> None:
    """Close `rt`, and uninstall it if it is still the installed one (an app closing the runtime it built)."""
    with _CURRENT.lock:
        if _CURRENT.runtime is rt:
            _CURRENT.runtime = None
    rt.close()


def runtime_of(conn: HTTPConnection) -> Runtime:
    """FastAPI dependency: the app's runtime (set by its lifespan), else the installed one (a test's)."""
    rt = getattr(conn.app.state, "runtime", None)
    return rt if isinstance(rt, Runtime) and not rt.closed else current()


# Accessors for code that is handed no runtime: each reads the current one.
def get_settings() -> Settings:
    return current().settings


def get_store() -> ObjectStore:
    return current().store


def get_search_index() -> SearchIndex:
    return current().search_index

