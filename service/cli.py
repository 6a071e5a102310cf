"""`kho` command line: run, api, worker, migrate, seed-demo, create-user, create-api-key, sweep, import, audit.

Each command imports what it runs inside its own function, on purpose (start-up cost, not an import cycle):
`kho --help`, `kho migrate` or `kho create-user` must not load the web app, uvicorn, huey, the media libraries
or the search index that `kho run` needs."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path

from service.core import runtime
from service.core.db import unit_of_work
from service.core.runtime import Runtime, get_settings


def _migrate(_: argparse.Namespace) -> None:
    from service.core.migrate import upgrade

    settings = get_settings()
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.database.url)
    print("Cơ sở dữ liệu đã cập nhật / database migrated")
    _bootstrap_quietly()  # the first administrator, whatever else (demo users) already exists


def _bootstrap_quietly() -> None:
    from service.users.bootstrap import ensure_admin

    created = ensure_admin()
    if created:
        email, password = created
        print("=" * 72)
        print("Tài khoản quản trị đầu tiên / first administrator (shown once, not stored in clear):")
        print(f"  email:    {email}")
        print(f"  mật khẩu / password: {password}")
        print("=" * 72)


def _serve(args: argparse.Namespace, with_worker: bool) -> None:
    import uvicorn

    from service.app import create_app

    _wait_for_database()
    _migrate(args)
    if getattr(args, "demo", False):
        from service.demo import seed_demo

        seed_demo(only_if_empty=True)
    if with_worker:  # the process that writes the embedded index refills one dropped for a new layout
        from service.indexing.service import rebuild_in_background

        _claim_search_writer()
        rebuild_in_background(runtime.current())
    app = create_app(with_worker=with_worker)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", timeout_graceful_shutdown=30)


def _claim_search_writer() -> None:
    """Open the search index now, as its writer (see `main`): a second process writing one embedded index
    stops here with a clear message (naming KHO_SEARCH=postgres) instead of retrying for minutes."""
    from search.writer_lock import IndexBusy

    try:
        runtime.current().search_index  # noqa: B018 - opening it is the point
    except IndexBusy as exc:
        sys.exit(f"kho: {exc}")


def _worker(_: argparse.Namespace) -> None:
    from huey.consumer import ConsumerStopped

    from service.indexing.service import rebuild_in_background
    from service.worker.process import Worker

    _wait_for_database()
    _claim_search_writer()
    # The worker that found the index in an older layout (and dropped it) refills it.
    rebuild_in_background(runtime.current())
    worker = Worker(runtime.current())
    worker.start()
    try:
        # Huey's loop() is one health-check iteration; SIGINT/SIGTERM make it raise ConsumerStopped.
        checked = time.monotonic()
        while True:
            checked = worker.consumer.loop(checked)
    except (ConsumerStopped, KeyboardInterrupt):
        pass
    finally:
        worker.stop()


def _wait_for_database() -> None:
    from service.ops.startup import wait_for_database

    wait_for_database(runtime.current())


def _create_admin(args: argparse.Namespace) -> None:
    from service.users.bootstrap import create_admin

    password = create_admin(args.email, args.password)
    print(f"Đã tạo quản trị viên / administrator created: {args.email}")
    if not args.password:
        print(f"mật khẩu / password (shown once): {password}")


def _seed_demo(_: argparse.Namespace) -> None:
    from service.demo import seed_demo

    seed_demo(only_if_empty=False)


def _create_user(args: argparse.Namespace) -> None:
    from service.users.bootstrap import create_user_cli

    password = create_user_cli(args.email, args.name, args.role, args.org, args.password)
    print(f"Đã tạo người dùng / user created: {args.email}")
    if not args.password:
        print(f"mật khẩu / password (shown once): {password}")


def _create_api_key(args: argparse.Namespace) -> None:
    from service.users.bootstrap import create_api_key_cli

    key = create_api_key_cli(args.name, args.org, args.scopes.split(","))
    print(f"Khoá API (chỉ hiện một lần) / API key (shown once): {key}")


def _sweep(_: argparse.Namespace) -> None:
    from service.worker.maintenance import sweep_all

    print(sweep_all(runtime.current()))


def _audit(args: argparse.Namespace) -> None:
    from service.audit import service as audit

    with unit_of_work() as session:
        if args.action == "verify":
            result = audit.verify(session)
            if result.ok:
                print(f"OK: {result.checked} mục / entries, chuỗi băm nguyên vẹn / hash chain intact")
                return
            print(f"HỎNG / BROKEN at entry {result.first_bad_id}: {result.reason}", file=sys.stderr)
            sys.exit(1)
        for line in audit.export_csv(session):
            sys.stdout.write(line)


def _reindex(_: argparse.Namespace) -> None:
    from tqdm import tqdm

    from service.indexing import service as search

    _claim_search_writer()
    with unit_of_work() as session, tqdm(unit=" tài nguyên / assets") as bar:
        total = search.reindex_all(session, runtime.current().search_index, bar.update)
    print(f"Đã lập chỉ mục / indexed: {total}")


def _search_check(_: argparse.Namespace) -> None:
    from service.indexing import service as search

    with unit_of_work() as session:
        drift = search.drift(session, runtime.current().search_index)
    print(f"thiếu trong chỉ mục / missing from index: {len(drift.missing)}; "
          f"thừa / stale in index: {len(drift.stale)}; "
          f"sai trạng thái / stale status: {len(drift.status)}; "
          f"nội dung cũ / stale title or summary: {len(drift.content)}")
    for doc_id, (held, want) in sorted(drift.status.items())[:20]:
        print(f"  {doc_id}: chỉ mục / index {held} ≠ cơ sở dữ liệu / database {want}")
    if not drift.ok:
        sys.exit(1)


def _import(args: argparse.Namespace) -> None:
    from service.bulk.cli import import_for_user

    report = import_for_user(runtime.current(), Path(args.file), args.user, args.org)
    print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    print(f"Đã tạo / created {report.created}, trùng / duplicates {report.duplicates}, "
          f"lỗi / failed {report.failed} trên / of {report.total}", file=sys.stderr)
    if report.failed:
        sys.exit(2)


SEARCH_WRITERS = frozenset({"run", "worker", "reindex"})


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kho", description="Kho Truyền Thông")
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, fn: Callable[[argparse.Namespace], None], help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_)
        p.set_defaults(fn=fn)
        return p

    serve: dict[str, Callable[[argparse.Namespace], None]] = {
        "run": lambda a: _serve(a, True), "api": lambda a: _serve(a, False)}
    for name, help_ in (("run", "API + in-process worker"), ("api", "API only")):
        p = add(name, serve[name], help_)
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=8000)
        p.add_argument("--demo", action="store_true", help="seed demo content if the repository is empty")
    add("worker", _worker, "job worker, outbox pump and sweep")
    add("migrate", _migrate, "apply database migrations")
    add("seed-demo", _seed_demo, "create demo organisations, users and assets")
    p = add("create-admin", _create_admin, "create an administrator in the root organisation")
    p.add_argument("email")
    p.add_argument("--password", default=None)
    p = add("create-user", _create_user, "create a user")
    p.add_argument("email")
    p.add_argument("--name", default="")
    p.add_argument("--role", default="staff", choices=["admin", "producer", "reviewer", "staff"])
    p.add_argument("--org", default="BGDDT", help="organisation code")
    p.add_argument("--password", default=None)
    p = add("create-api-key", _create_api_key, "create a newsroom API key")
    p.add_argument("name")
    p.add_argument("--org", default="BGDDT")
    p.add_argument("--scopes", default="assets:read,assets:download")
    add("sweep", _sweep, "re-dispatch lost jobs and remove orphan objects older than an hour")
    add("reindex", _reindex, "rebuild the search index from the database")
    add("search-check", _search_check, "report drift between the database and the search index")
    p = add("import", _import, "bulk import a ZIP of files with manifest.csv / manifest.xlsx")
    p.add_argument("file")
    p.add_argument("--org", required=True, help="owner organisation code")
    p.add_argument("--user", required=True, help="e-mail of the importing user (producer or admin)")
    p = add("audit", _audit, "verify or export the audit trail")
    p.add_argument("action", choices=["verify", "export"])
    return parser


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    args = build_parser().parse_args(argv)
    # One runtime for the command, from the environment and .env; the processes that write the search index
    # (the worker, `kho run`, `kho reindex`) open it as its writer. Closed however the command ends.
    runtime.install(Runtime.build(search_writer=args.command in SEARCH_WRITERS))
    try:
        args.fn(args)
    finally:
        runtime.close()


if __name__ == "__main__":
    main()
