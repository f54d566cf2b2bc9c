"""essgraph's SHACL Core engine gives exactly pySHACL's results on the official DCAT-AP 3.0.1 shapes.

pySHACL is the reference implementation; the build checks the catalog with essgraph's engine (much faster). Both are
run through :func:`check_catalog` on the real project's catalog and on catalogs broken on purpose (a missing title,
a date that is a plain string, a distribution without access URL, a theme outside the data-theme scheme, an unknown
checksum algorithm, a landing page given as text, a publisher without a name, a negative byte size): the same
results (severity, focus node, path, value, shape) and the same waived results, every time.
"""

from __future__ import annotations

from collections import Counter
from typing import Callable

import pyoxigraph as ox
import pytest
from support.projects import ROOT
from test_catalog_shapes import as_triples, pages

from essgraph.errors import ShapesError
from essgraph.publish.dcat_check import check_catalog, dcat_shapes_dir, load_dcat_shapes
from essgraph.rdf.namespaces import Triples
from essgraph.validate.core import unsupported

SHAPES = dcat_shapes_dir(ROOT)
DCT, DCAT, FOAF = "http://purl.org/dc/terms/", "http://www.w3.org/ns/dcat#", "http://xmlns.com/foaf/0.1/"
SPDX, XSD = "http://spdx.org/rdf/terms#", "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def real_catalog(builds) -> Triples:
    return as_triples(pages(builds["real"].serve())[0])


def outcome(catalog: Triples, engine: str) -> tuple[Counter, Counter]:
    check = check_catalog(catalog, SHAPES, engine)
    results = Counter((r.severity, r.focus, r.path, r.value, r.shape) for r in check.results)
    waived = Counter((w.name, r.focus, r.path, r.value, r.shape) for w, r in check.waived)
    return results, waived


def changed(catalog: Triples, edit: Callable[[ox.Triple], ox.Triple | None], once: bool = False) -> Triples:
    """A copy of ``catalog`` with ``edit`` applied to each triple (None drops it), to the first it changes if
    ``once``."""
    out, done = Triples(), False
    for t in catalog:
        new = t if (once and done) else edit(t)
        done = done or new != t
        if new is not None:
            out.add(new.subject, new.predicate, new.object)
    assert done, "the edit changed nothing"
    return out


def _plan_dataset(t: ox.Triple) -> bool:
    return "/id/dataset/saint-maur" in getattr(t.subject, "value", "") and "/distribution/" not in t.subject.value


BROKEN: dict[str, Callable[[ox.Triple], ox.Triple | None]] = {
    "no-title": lambda t: None if t.predicate.value == DCT + "title" and _plan_dataset(t) else t,
    "issued-plain-string": lambda t: ox.Triple(t.subject, t.predicate, ox.Literal("hier"))
    if t.predicate.value == DCT + "issued" else t,
    "no-access-url": lambda t: None if t.predicate.value == DCAT + "accessURL" else t,
    "theme-outside-the-scheme": lambda t: ox.Triple(t.subject, t.predicate, ox.NamedNode("http://example.org/th"))
    if t.predicate.value == DCAT + "theme" else t,
    "unknown-checksum-algorithm": lambda t: ox.Triple(t.subject, t.predicate, ox.NamedNode("http://example.org/md4"))
    if t.predicate.value == SPDX + "algorithm" else t,
    "landing-page-as-text": lambda t: ox.Triple(t.subject, t.predicate, ox.Literal(t.object.value))
    if t.predicate.value == DCAT + "landingPage" else t,
    "publisher-without-name": lambda t: None if t.predicate.value == FOAF + "name" else t,
    "negative-byte-size": lambda t: ox.Triple(t.subject, t.predicate, ox.Literal("-5", datatype=ox.NamedNode(
        XSD + "nonNegativeInteger"))) if t.predicate.value == DCAT + "byteSize" else t,
}


def test_the_dcat_ap_shapes_need_no_fallback():
    assert unsupported(load_dcat_shapes(sorted(SHAPES.glob("*.ttl")))) == []


def test_same_results_as_pyshacl_on_the_real_catalog(real_catalog):
    ours, reference = outcome(real_catalog, "essgraph"), outcome(real_catalog, "pyshacl")
    assert ours == reference
    assert sum(ours[1].values()) > 0  # the waived results are there, set apart the same way


@pytest.mark.parametrize("name", BROKEN)
def test_same_results_as_pyshacl_on_a_broken_catalog(real_catalog, name):
    broken = changed(real_catalog, BROKEN[name])
    ours, reference = outcome(broken, "essgraph"), outcome(broken, "pyshacl")
    assert ours == reference
    assert ours != outcome(real_catalog, "essgraph")  # the breakage shows


def test_results_can_be_restricted_to_some_focus_nodes(real_catalog):
    everything = check_catalog(real_catalog, SHAPES)
    plan = ox.NamedNode(next(t.subject.value for t in real_catalog if _plan_dataset(t)))
    some = check_catalog(real_catalog, SHAPES, focus=lambda n: n == plan)
    assert some.results and {r.focus for r in some.results} == {plan.value}
    assert [r for r in everything.results if r.focus == plan.value] == some.results


def test_an_unknown_engine_is_refused(real_catalog):
    with pytest.raises(ShapesError, match="unknown SHACL engine 'jena'"):
        check_catalog(real_catalog, SHAPES, "jena")
