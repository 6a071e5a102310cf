"""Run every minute by the worker's sweeper: release ended embargoes, withdraw expired assets."""

from __future__ import annotations

from service.core.db import unit_of_work
from service.core.runtime import Runtime
from service.workflow.service import DueReport, run_due


def embargo_and_expiry(rt: Runtime) -> None:
    run_embargo_and_expiry(rt)


def run_embargo_and_expiry(rt: Runtime) -> DueReport:
    with unit_of_work(rt.sessionmaker) as session:
        return run_due(session)
