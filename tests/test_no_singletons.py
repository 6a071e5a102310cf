"""No process-wide state outside the runtime (issue 19): the source is scanned for `@once`, cached builders
and module-level mutable globals. Adapters belong to `service.core.runtime.Runtime`; a module that keeps its own
engine, client, cache or registry in a global is what let tests leak state into each other and made the
process hard to reason about.

Flagged:
- any `global` statement;
- `@once`, and `functools.cache` / `lru_cache` on a function without parameters (a process singleton — the
  builder of an adapter); memoising a pure function of its arguments is allowed;
- a module-level name bound to a mutable value (a list, dict or set display or comprehension, a call of
  `list`/`dict`/`set`/`defaultdict`/… or of any class) that the module mutates (item assignment, attribute
  assignment, a mutating method call, augmented assignment).
ALLOWED names the few that are true constants, registries filled once at import, or the runtime's holder.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("service", "web", "storage", "search", "transcoding")
MUTATING_METHODS = frozenset({"append", "extend", "insert", "add", "update", "setdefault", "pop", "popitem",
                              "clear", "remove", "discard", "appendleft", "extendleft", "sort", "reverse",
                              "move_to_end", "__setitem__", "set"})
MUTABLE_CALLS = frozenset({"list", "dict", "set", "defaultdict", "OrderedDict", "deque", "Counter",
                           "WeakValueDictionary", "WeakKeyDictionary", "WeakSet", "bytearray"})

# "module:name" -> why it may stay. Keep this short: a new entry needs a reason a reviewer accepts.
ALLOWED: dict[str, str] = {
    "service.core.runtime:_CURRENT": "the one process-level holder of the current runtime",
    # Tables filled once at import or by `service.worker.wiring.install` at start, read-only afterwards.
    "service.jobs.runner:HANDLERS": "job kinds → handlers, registered by service.worker.wiring at start",
    "service.outbox.pump:CONSUMERS": "event kinds → consumers, registered by service.worker.wiring at start",
    "web.render:env": "the Jinja environment, its filters set at import",
    # File locks are held by the process (fcntl), not by a runtime: the table of what it holds must be too.
    "service.jobs.workdir:_held": "descriptors of the work-folder locks this process holds",
    # Zero-argument cached probes of the machine (tools on PATH, installed fonts): facts of the host, not
    # adapters; the media library may not import the service runtime.
    "transcoding.tools:*": "which ffmpeg/tesseract/… binaries the host has",
    "transcoding.fonts:*": "the fonts installed on the host",
    "transcoding.qa.glyphs:*": "the glyph coverage of the installed fonts",
    "transcoding.qa.cardlayout:*": "font metrics of the installed fonts",
    "transcoding.video.captions_burn:*": "whether the host's ffmpeg has libass",
    "transcoding.profiles:*": "the profile table, parsed once from the package's own data",
    "transcoding.languages:*": "the language table, parsed once from the package's own data",
    "transcoding.channels:*": "the channel table, parsed once from the package's own data",
    "transcoding.image.colour:*": "the sRGB profile shipped with Pillow, loaded once",
    "search.synonyms:*": "the synonym table, parsed once from the package's own data",
}


def _modules() -> list[tuple[str, Path]]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found.append((name, path))
    return found


def _allowed(module: str, name: str) -> bool:
    return f"{module}:{name}" in ALLOWED or f"{module}:*" in ALLOWED


def _decorator_name(node: ast.expr) -> str:
    target = node.func if isinstance(node, ast.Call) else node
    if isinstance(target, ast.Attribute):
        return target.attr
    return target.id if isinstance(target, ast.Name) else ""


def _is_mutable_value(value: ast.expr | None) -> bool:
    if isinstance(value, ast.List | ast.Dict | ast.Set | ast.ListComp | ast.DictComp | ast.SetComp):
        return True
    if isinstance(value, ast.Call):
        callee = _decorator_name(value)
        # A class instance (CapWords) may carry state; a plain function call (a compiled regex, a logger,
        # a frozenset) is judged by whether the module then mutates the name.
        return callee in MUTABLE_CALLS or callee[:1].isupper()
    return False


def _root_name(node: ast.expr) -> str | None:
    while isinstance(node, ast.Attribute | ast.Subscript):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _mutated_names(tree: ast.Module) -> set[str]:
    """Names the module mutates anywhere: `X[k] = …`, `X.a = …`, `X[k] += …`, `del X[k]`, `X.append(…)`."""
    names: set[str] = set()
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        elif isinstance(node, ast.Delete):
            targets = node.targets
        for target in targets:
            if isinstance(target, ast.Attribute | ast.Subscript):
                root = _root_name(target)
                if root:
                    names.add(root)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in MUTATING_METHODS:
            root = _root_name(node.func.value)
            if root:
                names.add(root)
    return names


def problems_in(module: str, source: str) -> list[str]:
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            found.append(f"{module}:{node.lineno}: `global {', '.join(node.names)}`")
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for deco in node.decorator_list:
                kind = _decorator_name(deco)
                args = node.args
                no_params = not (args.args or args.posonlyargs or args.kwonlyargs or args.vararg or args.kwarg)
                if kind == "once" or (kind in ("cache", "lru_cache") and no_params
                                      and not _allowed(module, node.name)):
                    found.append(f"{module}:{node.lineno}: @{kind} on {node.name}() — a process singleton")
    mutated = _mutated_names(tree)
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign):
            targets, value = stmt.targets, stmt.value
        elif isinstance(stmt, ast.AnnAssign):
            targets, value = [stmt.target], stmt.value
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name) and _is_mutable_value(value) and target.id in mutated \
                    and not _allowed(module, target.id):
                found.append(f"{module}:{stmt.lineno}: module-level `{target.id}` is mutated")
    return found


def test_no_module_level_singletons_or_mutable_globals() -> None:
    problems = [p for module, path in _modules() for p in problems_in(module, path.read_text(encoding="utf-8"))]
    assert not problems, "process-wide state outside the runtime:\n" + "\n".join(problems)


def test_every_allowed_entry_still_names_something() -> None:
    """The allow-list may only shrink: an entry whose module is gone is removed with it."""
    modules = {name for name, _ in _modules()}
    assert not [key for key in ALLOWED if key.split(":")[0] not in modules]


@pytest.mark.parametrize("source, expected", [
    ("from service.once import once\n@once\ndef get_store(): ...\n", "@once on get_store()"),
    ("import functools\n@functools.cache\ndef get_engine(): ...\n", "@cache on get_engine()"),
    ("from functools import lru_cache\n@lru_cache(maxsize=1)\ndef client(): ...\n", "@lru_cache on client()"),
    ("_seen = {}\ndef remember(k):\n    _seen[k] = 1\n", "module-level `_seen` is mutated"),
    ("JOBS = []\ndef add(j):\n    JOBS.append(j)\n", "module-level `JOBS` is mutated"),
    ("class Box:\n    pass\nBOX = Box()\ndef put(v):\n    BOX.value = v\n", "module-level `BOX` is mutated"),
    ("_n = 0\ndef bump():\n    global _n\n    _n += 1\n", "`global _n`"),
])
def test_the_scan_catches_each_kind(source: str, expected: str) -> None:
    assert any(expected in p for p in problems_in("example", source))


@pytest.mark.parametrize("source", [
    "import functools\n@functools.cache\ndef fold(text: str) -> str:\n    return text.lower()\n",  # pure memo
    "NAMES = {'a': 1}\ndef get(k):\n    return NAMES[k]\n",  # a constant table, only read
    "import re\nWORD = re.compile('x')\n",
])
def test_the_scan_passes_constants_and_pure_memoisation(source: str) -> None:
    assert problems_in("example", source) == []
