"""The runtime is handed down (issue 19): routes take it with `RuntimeDep`, services take what they need (the
`Runtime`, its settings or store) as arguments, job handlers read it from their `JobContext`, the outbox
pump and the sweeper hold the worker's, and code handed a session reaches the runtime that opened it
(`session_runtime`, `security_of`).

What reads the process's installed runtime instead — the accessors of `service.core.runtime` (`get_settings`,
`get_store`, `get_search_index`, `current`), `service.core.db.get_engine` /
`get_sessionmaker`, and `unit_of_work()` without a session factory — is for code that is handed none. This
test scans `service/` and `web/` with `ast` and fails on such a call outside ALLOWED, so the rule cannot rot:
a new call needs an entry here, with a reason a reviewer accepts; an entry no longer needed fails too."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("service", "web")
ACCESSORS = {
    "service.core.runtime": frozenset({"get_settings", "get_store", "get_search_index", "current"}),
    "service.core.db": frozenset({"get_engine", "get_sessionmaker", "unit_of_work"}),
}
DEFINING = {"service.core.runtime", "service.core.db"}  # where the holder and the accessors live

# module -> why it may read the installed runtime.
ALLOWED: dict[str, str] = {
    "service.cli": "the CLI entry points build and install a runtime; nothing hands them one",
    "service.app": "create_app adopts the installed runtime when it does not build its own (a test's)",
    "service.demo": "`kho seed-demo` / `kho run --demo`: an entry point, run by the CLI on its runtime",
    "service.users.bootstrap": "first-run set-up, called by the CLI entry points (migrate, create-admin)",
    "service.http.urls": "the base URL for the URL builders that pure serialisers call (ninjs, feeds, kit "
                         "README, e-mails): one setting, read from the installed runtime rather than threaded "
                         "through every formatter",
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _bindings(tree: ast.Module) -> tuple[set[str], dict[str, frozenset[str]]]:
    """(local names bound to an accessor, local module names → the accessors they hold)."""
    names: set[str] = set()
    modules: dict[str, frozenset[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in ACCESSORS:
            names |= {a.asname or a.name for a in node.names if a.name in ACCESSORS[node.module]}
        elif isinstance(node, ast.ImportFrom) and node.module == "service.core":
            for a in node.names:
                if f"service.core.{a.name}" in ACCESSORS:
                    modules[a.asname or a.name] = ACCESSORS[f"service.core.{a.name}"]
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name in ACCESSORS and a.asname:
                    modules[a.asname] = ACCESSORS[a.name]
    return names, modules


def _reads_installed(call: ast.Call, name: str) -> bool:
    # unit_of_work(factory) is handed its runtime's sessionmaker; only the bare call reads the installed one.
    return name != "unit_of_work" or not (call.args or call.keywords)


def accessor_calls(path: Path) -> list[str]:
    """`line: call` of every read of the installed runtime in `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names, modules = _bindings(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in names and _reads_installed(node, func.id):
            found.append(f"{node.lineno}: {func.id}()")
        elif (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in modules
              and func.attr in modules[func.value.id] and _reads_installed(node, func.attr)):
            found.append(f"{node.lineno}: {func.value.id}.{func.attr}()")
    return sorted(found, key=lambda call: int(call.split(":")[0]))


def test_scanner_finds_each_form(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from service.core.runtime import get_store as gs, current\n"
                      "from service.core import runtime, db\n"
                      "from service.core.db import unit_of_work\n"
                      "gs().put\ncurrent()\nruntime.get_settings()\nrt.current()\n"
                      "unit_of_work()\nunit_of_work(rt.sessionmaker)\ndb.unit_of_work()\ndb.get_engine()\n")
    assert accessor_calls(sample) == ["4: gs()", "5: current()", "6: runtime.get_settings()",
                                      "8: unit_of_work()", "10: db.unit_of_work()", "11: db.get_engine()"]


def test_runtime_is_handed_down() -> None:
    offenders = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = _module_name(path)
            if name in DEFINING or name in ALLOWED:
                continue
            if calls := accessor_calls(path):
                offenders[name] = calls
    assert not offenders, ("read the runtime handed down (RuntimeDep, an argument, JobContext.rt, "
                           f"session_runtime(session)) instead of the installed one: {offenders}")


def test_allowed_modules_still_need_it() -> None:
    """An entry whose module no longer reads the installed runtime is removed, so the list stays the truth."""
    stale = [name for name in ALLOWED if not accessor_calls(ROOT / (name.replace(".", "/") + ".py"))]
    assert not stale, stale
