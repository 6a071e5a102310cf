"""Routers, middleware, outbox consumers, job handlers and scheduled work are listed explicitly (service/app.py,
service/worker/wiring.py, service/worker/scheduled.py); these tests catch a module added without being listed."""

from __future__ import annotations

import importlib
from pathlib import Path

from service import app as app_module
from service.worker import scheduled, wiring

SERVICE = Path(app_module.__file__).resolve().parent


def _domain_modules(name: str) -> list[str]:
    # service/worker/ holds the lists themselves (wiring.py, scheduled.py), not a domain's entries.
    return sorted(p.parent.name for p in SERVICE.glob(f"*/{name}.py") if p.parent.name != "worker")


def test_every_domain_router_is_listed() -> None:
    listed = {id(r) for r in app_module.ROUTERS}
    for package in _domain_modules("routes"):
        router = importlib.import_module(f"service.{package}.routes").router
        assert id(router) in listed, f"service/{package}/routes.py is not in service.app.ROUTERS"


def test_every_domain_middleware_is_listed() -> None:
    for package in _domain_modules("middleware"):
        install = importlib.import_module(f"service.{package}.middleware").install
        assert install in app_module.MIDDLEWARE, f"service/{package}/middleware.py is not in service.app.MIDDLEWARE"


def test_every_consumer_function_is_wired() -> None:
    wired = {fn for fns in wiring.outbox_consumers().values() for fn in fns}
    wired_modules = {fn.__module__ for fn in wired}
    for package in _domain_modules("consumers"):
        assert f"service.{package}.consumers" in wired_modules, f"nothing of service/{package}/consumers.py is wired"


def test_every_scheduled_module_runs() -> None:
    modules = {getattr(fn, "__module__", "") for fn in scheduled.SCHEDULED}
    for package in _domain_modules("scheduled"):
        assert f"service.{package}.scheduled" in modules, f"service/{package}/scheduled.py runs nothing"


def test_the_app_installs_handlers_and_consumers() -> None:
    from service.jobs import runner
    from service.outbox import pump as outbox_pump

    app_module.create_app()
    assert "process" in runner.HANDLERS
    assert outbox_pump.CONSUMERS["asset.withdrawn"][0].__module__ == "service.indexing.consumers"
