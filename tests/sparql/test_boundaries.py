"""The query layer knows nothing of HTTP (issue 14): no module of essgraph.sparql imports a web framework or the
web package, and none raises HttpError — its errors are QueryErrors carrying the status the web layer answers with."""

from __future__ import annotations

import ast
import subprocess
import sys

from support.projects import ROOT

SPARQL = ROOT / "src" / "essgraph" / "sparql"
HTTP_MODULES = ("fastapi", "starlette", "httpx", "uvicorn", "essgraph.web", "essgraph.app")


def test_importing_every_sparql_module_loads_nothing_of_http():
    code = ("import importlib, pkgutil, sys, essgraph.sparql as s\n"
            "for m in pkgutil.iter_modules(s.__path__): importlib.import_module('essgraph.sparql.' + m.name)\n"
            f"print(sorted(n for n in sys.modules if n.startswith({HTTP_MODULES!r})))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_no_sparql_module_names_http_errors():
    for path in sorted(SPARQL.glob("*.py")):
        names = {node.id for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                 if isinstance(node, ast.Name)}
        names |= {alias.name for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                  if isinstance(node, ast.ImportFrom) for alias in node.names}
        assert "HttpError" not in names, path.name
