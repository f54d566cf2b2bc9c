"""Validation of the catalog graph against the official DCAT-AP 3.0.1 shapes (with pySHACL).

The shapes ship with essgraph as package data (``essgraph/publish/dcat_ap/``, with their provenance in its
README), so an installed wheel validates its catalog too; a project may bring its own copy in ``shapes/dcat-ap/``.
The results essgraph accepts on purpose for the harvesters (:mod:`essgraph.publish.waivers`) are set apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

import pyoxigraph as ox
import rdflib

from essgraph.errors import ConfigError
from essgraph.publish.waivers import Waiver, take_waived
from essgraph.rdf.namespaces import Triples
from essgraph.rdf.rdflib_bridge import to_rdflib_graph
from essgraph.validate.pyshacl_adapter import parse_report
from essgraph.validate.results import Result
from essgraph.validate.shapes import load_shapes

SHAPES_DIR = Path("shapes") / "dcat-ap"  # where a project may keep its own copy of the DCAT-AP shapes


def dcat_shapes_dir(project_root: Path) -> Path:
    """The DCAT-AP shapes: the project's own copy if it has one, else the copy shipped with essgraph."""
    own = project_root / SHAPES_DIR
    return own if own.is_dir() else Path(str(resources.files("essgraph.publish") / "dcat_ap"))


@dataclass
class CatalogCheck:
    results: list[Result]  # every result the waivers do not accept (violations fail the build)
    waived: list[tuple[Waiver, Result]] = field(default_factory=list)


def validate_catalog(catalog: Triples, shapes_dir: Path) -> list[Result]:
    """The results of :func:`check_catalog` that no waiver accepts."""
    return check_catalog(catalog, shapes_dir).results


def check_catalog(catalog: Triples, shapes_dir: Path) -> CatalogCheck:
    """Validate the catalog graph against every official DCAT-AP shapes file, together."""
    files = tuple(sorted(shapes_dir.glob("*.ttl")))
    if not files:
        raise ConfigError(
            f"{shapes_dir}: no DCAT-AP shapes",
            hint="reinstall essgraph, or remove the project's empty shapes/dcat-ap/ folder",
        )
    from pyshacl import validate  # slow to import; only the build needs it
    from rdflib.namespace import SH

    data = to_rdflib_graph(ox.Quad(t.subject, t.predicate, t.object) for t in catalog)
    _conforms, report, _text = validate(
        data,
        shacl_graph=load_dcat_shapes(files),
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
    waived = [(waiver, replace(parse_report(alone)[0], dataset="catalog")) for waiver, alone in take_waived(report)]
    return CatalogCheck([replace(r, dataset="catalog") for r in parse_report(report)], waived)


def load_dcat_shapes(files) -> rdflib.Graph:
    """The shapes of ``files``, without the release's ``sh:property`` links to property shapes it never defines.

    DCAT-AP 3.0.1's release template references five property shapes that no file defines (no triple at all);
    pySHACL refuses such a link while other engines ignore it. A shape without constraints constrains nothing, so
    the links are dropped (the files themselves are kept verbatim).
    """
    from rdflib.namespace import SH

    shapes = load_shapes(tuple(files))
    for s, o in list(shapes.subject_objects(SH.property)):
        if next(iter(shapes.predicate_objects(o)), None) is None:
            shapes.remove((s, SH.property, o))
    return shapes
