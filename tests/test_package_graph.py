"""scripts/package_graph.py: no import cycle between service packages at all, and the script really detects
and fails on a cycle."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "package_graph.py"
sys.path.insert(0, str(SCRIPT.parent))

import package_graph  # noqa: E402


def test_the_service_packages_have_no_import_cycle() -> None:
    run = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "service.app -> " in run.stdout
    assert "no import cycle between service packages" in run.stderr


def test_a_function_local_import_counts_as_an_edge() -> None:
    edges = package_graph.build_graph()
    # service.app imports web at module level, service.cli imports service.app inside its commands
    assert "web" in edges["service.app"]
    assert "service.app" in edges["service.cli"]


def test_a_cycle_is_found_and_shown() -> None:
    edges = {"service.a": {"service.b": {"service.a.x -> service.b"}},
             "service.b": {"service.c": {"service.b.y -> service.c"}},
             "service.c": {"service.a": {"service.c.z -> service.a"}, "service.d": {"service.c -> service.d"}}}
    nodes = ["service.a", "service.b", "service.c", "service.d"]
    components = package_graph.strongly_connected(nodes, edges)
    assert components == [["service.a", "service.b", "service.c"]]
    assert package_graph.one_cycle(components[0], edges) == ["service.a", "service.b", "service.c", "service.a"]


def test_relative_imports_resolve() -> None:
    import ast

    tree = ast.parse("from . import repository\nfrom ..core.db import unit_of_work\n")
    found = package_graph.imported_modules(tree, "service.assets.service", is_package=False)
    assert {"service.assets", "service.core.db"} <= found


def test_any_cycle_fails_the_script(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    edges = {"service.a": {"service.b": {"service.a.x -> service.b"}},
             "service.b": {"service.a": {"service.b.y -> service.a"}}}
    monkeypatch.setattr(package_graph, "build_graph", lambda: edges)
    monkeypatch.setattr(sys, "argv", ["package_graph.py"])
    assert package_graph.main() == 1
    assert "service.a -> service.b -> service.a" in capsys.readouterr().err
