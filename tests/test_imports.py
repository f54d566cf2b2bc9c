"""What importing essgraph costs and what it may reach: the server starts without the build's validator, the query
code never imports the web layer, and an installed wheel carries the files it reads (templates, DCAT-AP shapes)."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "essgraph"
ROOT = SRC.parent.parent


def _fresh(code: str, **env: str) -> str:
    """Run ``code`` in a new interpreter (nothing imported yet) and return what it prints."""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env={**os.environ, **env})
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_app_factory_imports_neither_pyshacl_nor_rdflib():
    loaded = json.loads(_fresh("import json, sys\nfrom essgraph.app import create_app\n"
                               "print(json.dumps(sorted(sys.modules)))"))
    assert "essgraph.app" in loaded and "essgraph.web.routers.catalog" in loaded
    heavy = [m for m in loaded if m.split(".")[0] in ("pyshacl", "rdflib", "owlrl")]
    assert heavy == [], heavy
    assert not [m for m in loaded if m.startswith(("essgraph.validate", "essgraph.build.pipeline"))]


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_query_code_never_imports_the_web_layer():
    for path in (SRC / "sparql").glob("*.py"):
        wrong = {m for m in _imports(path) if m.startswith(("essgraph.web", "fastapi", "starlette", "uvicorn"))}
        assert not wrong, f"{path.name} imports {wrong}"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    from hatchling.builders.wheel import WheelBuilder

    out = tmp_path_factory.mktemp("wheel")
    return Path(next(iter(WheelBuilder(str(ROOT)).build(directory=str(out), versions=["standard"]))))


def test_the_wheel_carries_the_files_the_package_reads(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {f"essgraph/{p.relative_to(SRC).as_posix()}" for p in SRC.rglob("*")
               if p.is_file() and p.suffix in (".ttl", ".html", ".css", ".js", ".jsonld")}
    assert shipped and shipped <= names, shipped - names
    assert "essgraph/publish/dcat_ap/shacl_dcat-ap-SHACL.ttl" in names


def test_an_installed_wheel_validates_a_catalog_with_its_own_dcat_ap_shapes(wheel: Path, tmp_path: Path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    project = tmp_path / "project"  # a project without shapes/dcat-ap of its own
    project.mkdir()
    code = ("import json\nfrom pathlib import Path\nimport pyoxigraph as ox\n"
            "import essgraph\nfrom essgraph.publish.dcat_check import dcat_shapes_dir, validate_catalog\n"
            "from essgraph.rdf.namespaces import DCAT, RDF, Triples\n"
            f"shapes = dcat_shapes_dir(Path({str(project)!r}))\n"
            "catalog = Triples()\ncatalog.add(ox.NamedNode('http://example.org/c'), RDF('type'), DCAT('Catalog'))\n"
            "results = validate_catalog(catalog, shapes)\n"
            "print(json.dumps([essgraph.__file__, str(shapes), len(results)]))")
    module, shapes, results = json.loads(_fresh(code, PYTHONPATH=str(site)))
    assert module.startswith(str(site)) and shapes == str(site / "essgraph" / "publish" / "dcat_ap")
    assert results > 0  # a bare catalog lacks its mandatory title, description...: the shapes were read
