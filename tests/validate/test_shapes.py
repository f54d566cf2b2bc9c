"""The shapes bite: each broken fixture fails with its own result, the real data conforms, the warnings are the gaps.

Broken fixtures (``tests/fixtures/broken/*.ttl``) are a small manifest: each file's header says which rule it
breaks, what it removes from ``_base.ttl`` and the exact results expected::

    #! remove: <id/plan/test-broken-2024/action/1.1> dct:source
    #! expect: Violation <id/plan/test-broken-2024/action/1.1> dct:source | An action cites its source

``#! standalone`` validates the file alone (reference data, concepts). Each file is validated like the build does:
SHACL on the file's own dataset (pySHACL, the project's shapes), then the integrity queries of
``shapes/integrity/`` on a store holding the ontology, the reference data (plus the fictional reference of
``tests/fixtures/second-plan/``) and the fixture. The results must be exactly the expected ones: nothing more.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from urllib.parse import urljoin

import pyoxigraph as ox
import pytest

from essgraph.build.pipeline import Builder
from essgraph.project import load_project
from essgraph.rdf.parse import read_quads
from essgraph.validate.integrity import run_integrity_checks
from essgraph.validate.shapes import CompiledShapes, load_shapes, validate_batch
from support.projects import FIXTURES as FIXTURES_DIR, ROOT

BROKEN = FIXTURES_DIR / "broken"
SECOND_PLAN = FIXTURES_DIR / "second-plan"
BASE = "http://127.0.0.1:8000/"
PLAN = BASE + "id/plan/saint-maur-des-fosses-2021/"
PREFIXES = {
    "ess": "https://w3id.org/essgraph/def#", "dct": "http://purl.org/dc/terms/", "prov": "http://www.w3.org/ns/prov#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": "http://schema.org/", "time": "http://www.w3.org/2006/time#", "oa": "http://www.w3.org/ns/oa#",
    "org": "http://www.w3.org/ns/org#", "eli": "http://data.europa.eu/eli/ontology#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "foaf": "http://xmlns.com/foaf/0.1/",
}
FIXTURES = sorted(p for p in BROKEN.glob("*.ttl") if not p.name.startswith("_"))


# -- the manifest ----------------------------------------------------------------------------------------------------

def term(token: str) -> str:
    """``<relative or absolute IRI>``, ``prefix:local``, ``^inverse``, ``a/b`` (sequence), ``_:`` (a blank node)
    or ``-`` (no path) -> the text the validation report uses."""
    if token.startswith("<") and token.endswith(">"):
        return urljoin(BASE, token[1:-1])
    if token in ("_:", "-"):
        return {"_:": "[]", "-": ""}[token]
    if token.startswith("^"):
        return "^" + term(token[1:])
    if "/" in token:  # a sequence path, as the report prints it
        return " / ".join(term(t) for t in token.split("/"))
    prefix, _, local = token.partition(":")
    return PREFIXES[prefix] + local


def manifest(path: Path) -> tuple[list[tuple[str, ...]], list[tuple[str, str, str, str]], bool, str]:
    removals, expected, standalone, rule = [], [], False, ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# Rule:"):
            rule = line[len("# Rule:"):].strip()
        if not line.startswith("#!"):
            continue
        key, _, value = line[2:].strip().partition(":")
        if key == "remove":
            removals.append(tuple(term(t) for t in value.split()))
        elif key == "expect":
            head, _, message = value.partition("|")
            severity, focus, path_ = head.split()
            expected.append((severity, term(focus), term(path_), message.strip()))
        elif key.strip() == "standalone":
            standalone = True
    assert expected, f"{path.name}: no '#! expect:' line"
    assert rule, f"{path.name}: no '# Rule:' line saying which rule the fixture breaks"
    return removals, expected, standalone, rule


# -- validating a fixture as the build does ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def shapes() -> CompiledShapes:
    return CompiledShapes.load(load_project(ROOT / "essgraph.toml").shapes)


@pytest.fixture(scope="module")
def context_quads() -> list[ox.Quad]:
    """The other datasets the integrity queries see: ontology, reference data, the fictional test reference."""
    project = load_project(ROOT / "essgraph.toml")
    quads = []
    for ds in project.datasets:
        if ds.kind in ("vocabulary", "reference"):
            for g in ds.graphs:
                for f in g.files:
                    quads += read_quads(f, BASE, ox.NamedNode(project.resolve(g.iri, BASE)))
    quads += read_quads(SECOND_PLAN / "reference.ttl", BASE, ox.NamedNode(BASE + "graph/reference/valmont-sur-essai"))
    return quads


def fixture_quads(path: Path, removals, standalone: bool) -> list[ox.Quad]:
    graph = ox.NamedNode(BASE + "graph/test")
    quads = [] if standalone else read_quads(BROKEN / "_base.ttl", BASE, graph)
    for removal in removals:
        before = len(quads)
        quads = [q for q in quads if not (q.subject.value == removal[0] and q.predicate.value == removal[1]
                                          and (len(removal) < 3 or q.object.value == removal[2]))]
        assert len(quads) < before, f"{path.name}: '#! remove: {' '.join(removal)}' removes nothing from the base"
    return quads + read_quads(path, BASE, graph)


def results_of(quads, shapes, context_quads) -> list[tuple[str, str, str, str]]:
    results = validate_batch([("test", quads)], shapes)["test"]
    store = ox.Store()
    store.extend(context_quads)
    store.extend(quads)
    integrity = load_project(ROOT / "essgraph.toml").integrity_queries
    results += run_integrity_checks(store, integrity)
    return [(r.severity, r.focus, r.path, r.message) for r in results]


def matches(actual: tuple[str, str, str, str], expected: tuple[str, str, str, str]) -> bool:
    return actual[:3] == expected[:3] and expected[3] in actual[3]


# -- the tests ---------------------------------------------------------------------------------------------------

def test_base_fixture_is_valid(shapes, context_quads):
    """The base the broken fixtures modify has no violation and no warning: each fixture's results are its own."""
    quads = read_quads(BROKEN / "_base.ttl", BASE, ox.NamedNode(BASE + "graph/test"))
    assert results_of(quads, shapes, context_quads) == []


def test_there_are_many_broken_fixtures():
    assert len(FIXTURES) >= 40


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_broken_fixture_fails_with_its_own_message(path: Path, shapes, context_quads):
    removals, expected, standalone, _rule = manifest(path)
    actual = results_of(fixture_quads(path, removals, standalone), shapes, context_quads)
    unmatched = list(actual)
    for exp in expected:
        hit = next((a for a in unmatched if matches(a, exp)), None)
        assert hit is not None, f"expected {exp} among {actual}"
        unmatched.remove(hit)
    assert unmatched == [], f"results not expected by {path.name}: {unmatched}"


def test_every_fixture_breaks_a_different_rule():
    rules = Counter(manifest(p)[3] for p in FIXTURES)
    assert [r for r, n in rules.items() if n > 1] == []


def test_every_message_is_bilingual():
    """Every constraint of shapes/*.ttl carries sh:message in French and in English."""
    import rdflib
    from rdflib.namespace import SH

    graph = load_shapes(load_project(ROOT / "essgraph.toml").shapes)
    constraint_holders = set()
    for key in (SH.minCount, SH.maxCount, SH.datatype, SH.languageIn, SH.pattern, SH["class"], SH.nodeKind,
                SH.minInclusive, SH.lessThanOrEquals, SH.qualifiedMinCount, SH.uniqueLang, SH["or"], SH.select):
        for holder in graph.subjects(key, None):
            constraint_holders.add(holder)
    # shapes nested inside sh:or / sh:qualifiedValueShape carry the message of the shape that holds them
    nested = set()
    for key in (SH["or"], SH.xone, SH["and"]):
        for lst in graph.objects(None, key):
            nested.update(rdflib.collection.Collection(graph, lst))
    nested.update(graph.objects(None, SH.qualifiedValueShape))
    nested.update(graph.objects(None, SH.target))  # SPARQL-based targets select nodes, they constrain nothing
    missing = []
    for holder in constraint_holders - nested:
        langs = {m.language for m in graph.objects(holder, SH.message)}
        if not {"fr", "en"} <= langs:
            missing.append(holder)
    described = [sorted(f"{p.n3(graph.namespace_manager)} {o}"[:80] for p, o in graph.predicate_objects(h)) for h in missing]
    assert missing == [], f"constraint(s) without a French and an English sh:message: {described}"


# -- the real data -------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def real_results() -> list[dict]:
    """The results of the build's checks on the real project (SHACL per dataset, then the integrity queries)."""
    report = Builder(load_project(ROOT / "essgraph.toml"), BASE, None).run(write=False)
    assert report.counts["actions"] == 30
    return [r.as_dict() for r in report.results]


def test_real_data_conforms(real_results):
    violations = [f"{r['focus']} {r['path']} {r['value']}: {r['message']}" for r in real_results
                  if r["severity"] == "Violation"]
    assert violations == []


# The gaps of the source, read card by card in data/sources/saint-maur-ville-initiatives-solidaires-2021.txt.
# No objective: the "Objectif (s)" cell is empty or absent.
#   1.2 (line 101: the cell holds only the next row's heading "Méthodologie de l'action"),
#   2.7 (lines 321-332: no "Objectif" row), 2.8 (337-347: none), 2.12 (396-408: none), 3.2 (428-440: none).
# No description: the card has a "Contexte" row but no "Description de l'action" row, or an empty one.
#   2.9 (354), 2.10 (370), 2.11 (384), 3.1 (415), 3.3 (447), 3.4 (463): "Contexte" only;
#   4.1 (480: "Description de l'action" row present and empty).
#   (Cards whose heading merges both, "Contexte Description de l'action" or "Contexte de", do have a description.)
# No result indicator: 2.11 (line 392: "A Définir", the indicator is left to be defined).
#   (4.4 does have one: the file's last line, 536, has no final newline: "Nombre de parents participants. Retour
#   des parents.")
EXPECTED_GAPS = {
    ("1.2", "objective"), ("2.7", "objective"), ("2.8", "objective"), ("2.12", "objective"), ("3.2", "objective"),
    ("2.9", "description"), ("2.10", "description"), ("2.11", "description"), ("3.1", "description"),
    ("3.3", "description"), ("3.4", "description"), ("4.1", "description"),
    ("2.11", "indicator"),
}
GAP_PATHS = {PREFIXES["ess"] + "objective": "objective", PREFIXES["dct"] + "description": "description",
             PREFIXES["ess"] + "resultIndicator": "indicator"}


def test_warnings_are_exactly_the_gaps_of_the_source(real_results):
    warnings = [r for r in real_results if r["severity"] == "Warning"]
    found = Counter()
    for r in warnings:
        assert r["focus"].startswith(PLAN + "action/"), r
        assert r["path"] in GAP_PATHS, r
        found[(r["focus"][len(PLAN + "action/"):], GAP_PATHS[r["path"]])] += 1
    assert set(found) == EXPECTED_GAPS
    assert all(n == 1 for n in found.values())


def test_no_info_results(real_results):
    assert [r for r in real_results if r["severity"] == "Info"] == []


def test_gap_source_lines_say_what_the_test_says():
    """The line numbers quoted above really show the gaps (guards against a changed source file)."""
    lines = (ROOT / "data/sources/saint-maur-ville-initiatives-solidaires-2021.txt").read_text(encoding="utf-8")
    lines = lines.splitlines()
    assert re.match(r"<b>Objectif \(s\)</b>\s+Méthodologie de l'action", lines[100])      # 1.2
    assert lines[479].strip() == "<b>Description de l'action</b>"                        # 4.1, empty cell
    assert "A Définir" in lines[391]                                                       # 2.11 indicator
    assert "FAMILLE ET PARENTS" in lines[524] and len(lines) == 536                        # 4.4 ...
    assert lines[535].startswith("<b>Indicateurs de résultat</b>")                         # ... has indicators
    for start, end, card in [(320, 333, "2.7"), (336, 348, "2.8"), (395, 409, "2.12"), (427, 441, "3.2")]:
        block = "\n".join(lines[start:end])
        assert card in block and "Objectif" not in block, card
    for start, end, card in [(350, 364, "2.9"), (366, 378, "2.10"), (380, 393, "2.11"), (411, 424, "3.1"),
                             (443, 457, "3.3"), (459, 473, "3.4")]:
        block = "\n".join(lines[start:end])
        assert card in block and "Contexte" in block and "Description" not in block, card
