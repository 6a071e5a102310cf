"""Urgent rebuttal fan-out: an urgent asset published by the Ministry's office → e-mails to every person in
scope, over a real SMTP server on 127.0.0.1 (aiosmtpd in this process).

Run from the repository root:  .venv/bin/python bench/notify.py [--recipients 5000] [--postgres]

Prints, for the product's path (outbox consumer → notification rows + queued e-mails → worker delivery over
one SMTP connection) and for the baseline (the same messages sent by a bare smtplib loop over one
connection): total time, p50/p95 per-recipient delivery time (from the start to the server accepting that
recipient's message), and the ratio product/baseline of the totals.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import smtplib
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiosmtpd.controller import Controller  # noqa: E402


class Clock:
    """SMTP handler noting when each recipient's message was accepted."""

    def __init__(self) -> None:
        self.accepted: dict[str, float] = {}
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        now = time.perf_counter()
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.accepted[rcpt] = now
        await asyncio.sleep(0)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def summary(label: str, start: float, clock: Clock, expected: int) -> float:
    deadline = time.monotonic() + 600
    while len(clock.accepted) < expected and time.monotonic() < deadline:  # a commit-started sender may still run
        time.sleep(0.01)
    times = sorted(t - start for t in clock.accepted.values())
    assert len(times) == expected, (label, len(times), expected)
    total = times[-1]
    p95 = times[int(0.95 * (len(times) - 1))]
    print(f"{label:<9} total {total:7.2f} s   p50 {statistics.median(times):6.2f} s   p95 {p95:6.2f} s   "
          f"({expected / total:,.0f} messages/s)")
    return total


def setup(args: argparse.Namespace, smtp_port: int) -> None:
    var = Path(tempfile.mkdtemp(prefix="kho-bench-notify-"))
    os.environ.update(KHO_ENV="test", KHO_VAR_DIR=str(var), KHO_SECRET_KEY="bench-" + "x" * 40,
                      KHO_BASE_URL="http://127.0.0.1:8000", KHO_SMTP_HOST="127.0.0.1",
                      KHO_SMTP_PORT=str(smtp_port), KHO_SMTP_TLS="none")
    if args.postgres:
        from tests.support import create_pg_database

        os.environ["KHO_DATABASE_URL"] = create_pg_database(f"kho_bench_{uuid.uuid4().hex[:8]}")
    from service.core.migrate import upgrade
    from service.core.runtime import get_settings

    upgrade(get_settings().database.url)


def seed(recipients: int) -> uuid.UUID:
    """The Ministry, its office, `recipients` people below it, and one urgent asset of the office."""
    from service.core.db import unit_of_work
    from service.models import Asset, User
    from service.orgs import service as orgs

    with unit_of_work() as session:
        ministry = orgs.create(session, code="BGDDT", name="Bộ Giáo dục và Đào tạo", kind="ministry", parent_code=None)
        office = orgs.create(session, code="VP", name="Văn phòng Bộ", kind="ministry_unit", parent_code="BGDDT")
        schools = [orgs.create(session, code=f"S{i}", name=f"Trường {i}", kind="school", parent_code="BGDDT")
                   for i in range(max(1, recipients // 50))]
        # A fixed hash: 5,000 argon2 hashes would measure the password hasher, not notifications.
        session.add_all([User(email=f"nguoi{i}@truong.vn", full_name=f"Người {i}", password_hash="x", role="staff",
                              organisation_id=schools[i % len(schools)].id) for i in range(recipients)])
        asset = Asset(kind="infographic", title="Phản bác thông tin sai lệch về học phí", owner_org_id=office.id,
                      status="published", urgent=True)
        session.add(asset)
        session.flush()
        del ministry
        return asset.id


def product(asset_id: uuid.UUID) -> float:
    from service.core import runtime
    from service.core.db import unit_of_work
    from service.notifications.consumers import on_published
    from service.notifications.delivery import deliver_due

    start = time.perf_counter()
    with unit_of_work() as session:
        on_published(session, {"asset_id": str(asset_id), "version_id": None})
    deliver_due(runtime.current())
    return start


def baseline(recipients: int, port: int) -> float:
    """The same messages (text + HTML parts), one connection, no database."""
    from email.message import EmailMessage

    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for i in range(recipients):
            msg = EmailMessage()
            msg["From"], msg["To"] = "no-reply@kho.local", f"nguoi{i}@truong.vn"
            msg["Subject"] = "Tin phản bác khẩn đã đăng: Phản bác thông tin sai lệch về học phí"
            msg.set_content("Tin phản bác khẩn đã đăng …")
            msg.add_alternative("<p>Tin phản bác khẩn đã đăng …</p>", subtype="html")
            smtp.send_message(msg)
    return start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=5000)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL on 127.0.0.1 instead of SQLite")
    args = parser.parse_args()
    port = free_port()
    clock = Clock()
    controller = Controller(clock, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        setup(args, port)
        asset_id = seed(args.recipients)
        print(f"{args.recipients} recipients, {'PostgreSQL' if args.postgres else 'SQLite'}")
        kho = summary("kho", product(asset_id), clock, args.recipients)
        clock.accepted.clear()
        bare = summary("smtplib", baseline(args.recipients, port), clock, args.recipients)
        print(f"ratio kho/smtplib total: {kho / bare:.2f}")
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
