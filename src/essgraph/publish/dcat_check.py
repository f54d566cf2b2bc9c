"""Validation of the catalog graph against the official DCAT-AP 3.0.1 shapes.

The shapes ship with essgraph as package data (``essgraph/publish/dcat_ap/``, with their provenance in its
README), so an installed wheel validates its catalog too; a project may bring its own copy in ``shapes/dcat-ap/``.
They are evaluated by essgraph's SHACL Core engine (:mod:`essgraph.validate.core`: about 20x faster than pySHACL on
a 100-plan catalog, with the same results: tests/publish/test_catalog_engines.py), or by pySHACL when asked
(``engine="pyshacl"``) or when the shapes use a feature the engine does not evaluate (``auto``). The results
essgraph accepts on purpose for the harvesters (:mod:`essgraph.publish.waivers`) are set apart.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable

import pyoxigraph as ox
import rdflib

from essgraph.errors import ConfigError, ShapesError
from essgraph.publish.waivers import Waiver, take_waived, waiver_for
from essgraph.rdf.namespaces import Triples
from essgraph.rdf.rdflib_bridge import to_ox_term, to_rdflib_graph, to_rdflib_term
from essgraph.settings import SHACL_ENGINES
from essgraph.validate.pyshacl_adapter import parse_report
from essgraph.validate.results import Result, finding_result, sort_results
from essgraph.validate.shapes import load_shapes

SHAPES_DIR = Path("shapes") / "dcat-ap"  # where a project may keep its own copy of the DCAT-AP shapes
#: not a SHACL term: DCAT-AP 3.0.1's html_shacl_shapes.ttl writes it five times (for sh:node); pySHACL ignores it
NOT_SHACL = (rdflib.URIRef("http://www.w3.org/ns/shacl#shape"),)


def dcat_shapes_dir(project_root: Path) -> Path:
    """The DCAT-AP shapes: the project's own copy if it has one, else the copy shipped with essgraph."""
    own = project_root / SHAPES_DIR
    return own if own.is_dir() else Path(str(resources.files("essgraph.publish") / "dcat_ap"))


@dataclass
class CatalogCheck:
    results: list[Result]  # every result the waivers do not accept (violations fail the build)
    waived: list[tuple[Waiver, Result]] = field(default_factory=list)


def validate_catalog(catalog: Triples, shapes_dir: Path, engine: str = "auto") -> list[Result]:
    """The results of :func:`check_catalog` that no waiver accepts."""
    return check_catalog(catalog, shapes_dir, engine).results


def check_catalog(
    catalog: Triples, shapes_dir: Path, engine: str = "auto", focus: Callable[[object], bool] | None = None
) -> CatalogCheck:
    """Validate the catalog graph against every official DCAT-AP shapes file, together.

    ``focus``: only the results whose focus node (a pyoxigraph term) it accepts (the essgraph engine then checks no
    other node; the data graph is still the whole ``catalog``, which the checked nodes' values are looked up in)."""
    found = find_results(catalog, shapes_dir, engine, focus)
    return CatalogCheck(
        sort_results([r for _node, r, waiver in found if waiver is None]),
        [(waiver, r) for _node, r, waiver in found if waiver is not None],
    )


#: a result of the DCAT-AP check: its focus node (a pyoxigraph term), the result, the waiver accepting it or None
Found = tuple[object, Result, "Waiver | None"]


def find_results(
    catalog: Iterable[ox.Triple], shapes_dir: Path, engine: str = "auto", focus: Callable[[object], bool] | None = None
) -> list[Found]:
    """Every result of the DCAT-AP shapes on ``catalog`` (see :func:`check_catalog`), with its focus node."""
    files = tuple(sorted(shapes_dir.glob("*.ttl")))
    if not files:
        raise ConfigError(
            f"{shapes_dir}: no DCAT-AP shapes",
            hint="reinstall essgraph, or remove the project's empty shapes/dcat-ap/ folder",
        )
    if engine not in SHACL_ENGINES:
        raise ShapesError(f"unknown SHACL engine {engine!r}", hint="use one of " + ", ".join(SHACL_ENGINES))
    compiled = compiled_shapes(files)
    if engine == "essgraph" and compiled.engine is None:
        raise ShapesError(
            f"{shapes_dir}: the essgraph SHACL engine does not evaluate " + ", ".join(compiled.missing),
            hint="use --shacl-engine pyshacl (or auto)",
        )
    if engine == "pyshacl" or compiled.engine is None:
        found = _with_pyshacl(catalog, compiled.shapes)
        return found if focus is None else [f for f in found if focus(f[0])]
    return _with_engine(catalog, compiled.engine, focus)


def compiled_shapes(files: tuple[Path, ...]) -> "_Compiled":
    """The DCAT-AP shapes of ``files``, loaded and compiled once per process while the files are unchanged."""
    return _compiled(files, tuple(p.stat().st_mtime_ns for p in files))


@dataclass(frozen=True)
class _Compiled:
    shapes: rdflib.Graph
    engine: object  # a validate.core.Engine, None when the shapes use what it does not evaluate
    missing: tuple[str, ...]


@lru_cache(maxsize=4)
def _compiled(files: tuple[Path, ...], _stamps: tuple[int, ...]) -> _Compiled:
    """The shapes of ``files``, loaded and compiled once per process (while the files are unchanged)."""
    from essgraph.validate.core import Engine, unsupported

    shapes = load_dcat_shapes(files)
    missing = tuple(unsupported(shapes))
    return _Compiled(shapes, None if missing else Engine(shapes), missing)


def shapes_digest(shapes_dir: Path) -> str:
    """SHA-256 of the DCAT-AP shapes files (names and bytes): what results kept from a previous build were found
    with."""
    files = sorted(shapes_dir.glob("*.ttl"))
    return hashlib.sha256(
        json.dumps([(p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in files]).encode()
    ).hexdigest()


def _with_engine(catalog: Iterable[ox.Triple], engine, focus: Callable[[object], bool] | None) -> list[Found]:
    from essgraph.validate.core import DataGraph

    data = DataGraph([("catalog", [ox.Quad(t.subject, t.predicate, t.object) for t in catalog])])
    found: list[Found] = []
    for f in engine.validate(data, focus):
        result = finding_result(f, "catalog")
        value = None if f.value is None else to_rdflib_term(f.value, {})
        found.append((f.focus, result, waiver_for(f.path_text, f.component, value)))
    return found


def _with_pyshacl(catalog: Iterable[ox.Triple], shapes: rdflib.Graph) -> list[Found]:
    from pyshacl import validate  # slow to import; only the build needs it
    from rdflib.namespace import RDF, SH

    data = to_rdflib_graph(ox.Quad(t.subject, t.predicate, t.object) for t in catalog)
    _conforms, report, _text = validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        allow_infos=True,
        meta_shacl=False,
    )
    # only the report's own results: the nested ones (sh:detail, why an sh:node failed) carry the inner shape's
    # severity, not the severity the DCAT-AP property shape gives the failure
    for detail in list(report.objects(None, SH.detail)):
        for triple in list(report.triples((detail, None, None))):
            report.remove(triple)
    found: list[Found] = []
    for waiver, graph in take_waived(report) + [(None, report)]:  # take_waived takes them out of the report
        # parse_report reads the results in the order the graph gives them, as this does
        nodes = [n for n in graph.subjects(RDF.type, SH.ValidationResult) if (None, SH.detail, n) not in graph]
        for node, result in zip(nodes, parse_report(graph), strict=True):
            found.append((to_ox_term(graph.value(node, SH.focusNode)), replace(result, dataset="catalog"), waiver))
    return found


def load_dcat_shapes(files) -> rdflib.Graph:
    """The shapes of ``files``, without what constrains nothing: the release's ``sh:property`` links to property
    shapes it never defines, and the ``sh:shape`` triples (:data:`NOT_SHACL`).

    DCAT-AP 3.0.1's release template references five property shapes that no file defines (no triple at all);
    pySHACL refuses such a link while other engines ignore it. A shape without constraints constrains nothing, so
    the links are dropped; so are the predicates SHACL does not define, which pySHACL ignores and essgraph's engine
    would take for a feature it lacks (the files themselves are kept verbatim).
    """
    from rdflib.namespace import SH

    shapes = load_shapes(tuple(files))
    for s, o in list(shapes.subject_objects(SH.property)):
        if next(iter(shapes.predicate_objects(o)), None) is None:
            shapes.remove((s, SH.property, o))
    for predicate in NOT_SHACL:
        shapes.remove((None, predicate, None))
    return shapes
