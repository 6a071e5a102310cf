"""Convention-based discovery: every domain package `service/<domain>/` may have `routes.py` (an
APIRouter named `router`), `consumers.py` (outbox consumers), `scheduled.py` (time-driven work) and `middleware.py` (an
`install(app)` function adding middleware).
Adding a domain therefore touches no shared file."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from types import ModuleType

SERVICE_DIR = Path(__file__).resolve().parent


def domain_modules(submodule: str) -> list[ModuleType]:
    found = []
    for info in sorted(pkgutil.iter_modules([str(SERVICE_DIR)]), key=lambda i: i.name):
        if info.ispkg and (SERVICE_DIR / info.name / f"{submodule}.py").exists():
            found.append(importlib.import_module(f"service.{info.name}.{submodule}"))
    return found
