"""The VoID statistics made from per-dataset sketches are exactly those of SPARQL counts over the whole graph.

The reference is the computation essgraph used before (support.void_reference: COUNT(DISTINCT ...) queries over the
store's union graph). The published VoID (``catalog/void.nt`` of a build) is compared with it: on the repository's
project and the three-plans project (session builds), on a store made for the corner cases (a triple in two
datasets, blank nodes, literals, links), and after a rebuild in which one plan changed, which must give the same
description as a full build of the same data while reusing the unchanged datasets' sketches and updating the
previous build's figures.
"""

from __future__ import annotations

import shutil

import pyoxigraph as ox
import pytest

from essgraph.build.builds import Build, StoreDir
from essgraph.publish.dumps import read_index
from essgraph.publish.layout import CATALOG_FILES, DUMPS, VOID_SKETCHES
from essgraph.publish.void import void_triples
from essgraph.publish.void_sketch import Sketch, read_sketch, sketch, write_sketch
from essgraph.publish import void_stats
from essgraph.publish.void_stats import combine, union_sizes, updated_sizes
from essgraph.rdf.namespaces import DCT
from essgraph.urls import CATALOG_GRAPH, VOID_GRAPH, WHOLE, Urls
from support import void_reference
from support.void_reference import canonical
from support.projects import build, catalog_project

VOID_NS = "http://rdfs.org/ns/void#"


def data_only(store: ox.Store, base: str) -> ox.Store:
    """A copy of a build's store without its catalog and VoID graphs (the data the statistics are about)."""
    skip = {ox.NamedNode(base + CATALOG_GRAPH), ox.NamedNode(base + VOID_GRAPH)}
    copy = ox.Store()
    copy.extend(q for q in store.quads_for_pattern(None, None, None, None) if q.graph_name not in skip)
    return copy


def published_void(current: Build) -> list[ox.Triple]:
    path = current.path / CATALOG_FILES[VOID_GRAPH]
    return [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES)]


def reference_void(current: Build, store: ox.Store, base: str) -> list[ox.Triple]:
    """What the SPARQL computation gives for a build's data, with the build's dumps and titles."""
    dumps = [f for f in read_index(current.path / DUMPS).values() if f.dataset == WHOLE]
    whole = ox.NamedNode(Urls(base).whole)
    titles = [t.object for t in published_void(current) if t.subject == whole and t.predicate == DCT("title")]
    return list(void_reference.void_triples(data_only(store, base), base, dumps, titles))


def statistic(triples, base: str, name: str) -> int:
    """A figure of the whole graph's dataset."""
    whole = ox.NamedNode(Urls(base).whole)
    [value] = [t.object for t in triples if t.subject == whole and t.predicate == ox.NamedNode(VOID_NS + name)]
    return int(value.value)


@pytest.mark.parametrize("project", ["real", "three-plans"])
def test_the_published_void_is_the_one_sparql_counts_over_the_whole_graph_give(builds, project):
    built = builds[project]
    published = published_void(built.current)
    expected = reference_void(built.current, built.current.open(), built.base)
    assert canonical(published) == canonical(expected)
    assert statistic(published, built.base, "triples") > 1000 and statistic(published, built.base, "distinctObjects") > 100
    assert len(list((built.current.path / VOID_SKETCHES).glob("*.sketch"))) == len(built.current.manifest["datasets"])


BASE = "http://example.org/"
ELI = "https://www.legifrance.gouv.fr/eli/"
CORNER_CASES = f"""
@prefix ess: <https://w3id.org/essgraph/def#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix eli: <http://data.europa.eu/eli/ontology#> .
<{BASE}id/org/shared> a skos:Concept ; rdfs:label "Partagé"@fr .
"""
PLAN_A = CORNER_CASES + f"""
<{BASE}id/plan/a> a ess:Plan ; rdfs:seeAlso <{ELI}loi/2014/7/31/1> , <{ELI}loi/2014/7/31/1> ;
    eli:cites [ rdfs:label "une loi" ] , <http://data.europa.eu/eli/ontology#LegalResource> ;
    ess:value 42 ; rdfs:label "Partagé"@fr ; a "not a class" ; rdfs:comment "deux\\nlignes, \\"citées\\" . <x>" .
[] rdfs:seeAlso <{ELI}loi/2014/7/31/1> .
<{ELI}loi/2014/7/31/1> rdfs:seeAlso <{ELI}loi/2015> .
<http://elsewhere.example/x> a <{BASE}id/org/shared> ; rdfs:seeAlso <http://metadata.un.org/sdg/1> .
"""
PLAN_B = CORNER_CASES + f"""
<{BASE}id/plan/b> a ess:Plan ; rdfs:seeAlso <{ELI}loi/2014/7/31/1> , [ rdfs:label "une loi" ] ;
    ess:value 42, "042"^^<http://www.w3.org/2001/XMLSchema#integer> ; rdfs:label "Partagé"@fr .
"""


def corner_case_store() -> tuple[ox.Store, dict[str, list[str]]]:
    """Two plan datasets sharing triples and terms (one in both graphs of plan A), with blank-node objects and
    subjects, the same literal in both, a literal with escapes and spaces, links to ELI and the UN SDG and a
    subject inside a link target's space."""
    store = ox.Store()
    graphs = {"a": [BASE + "graph/a", BASE + "graph/a/more"], "b": [BASE + "graph/b"]}
    for text, graph in ((PLAN_A, graphs["a"][0]), (CORNER_CASES, graphs["a"][1]), (PLAN_B, graphs["b"][0])):
        store.load(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))
    return store, graphs


def test_sketches_of_datasets_sharing_triples_and_terms_combine_into_the_sparql_figures(tmp_path):
    store, graphs = corner_case_store()
    sketches = []
    for ds_id, iris in graphs.items():  # each sketch through its file, as a rebuild reads it
        write_sketch(tmp_path / f"{ds_id}.sketch", sketch(store, iris, BASE))
        found = read_sketch(tmp_path / f"{ds_id}.sketch")
        assert isinstance(found, Sketch)
        sketches.append(found)
    stats = combine(sketches)
    titles = [ox.Literal("corner cases", language="en")]
    ours = void_triples(stats, BASE, [], titles)
    assert canonical(ours) == canonical(void_reference.void_triples(store, BASE, [], titles))
    # the figures the corner cases are about, worked out by hand
    shared = 2  # the concept's type and label, in both datasets (and twice in A)
    assert stats.triples == sum(len(set(store.quads_for_pattern(None, None, None, ox.NamedNode(g)))) for g in
                                [graphs["a"][0], graphs["b"][0]]) - shared
    assert stats.linksets == {("legifrance-eli", "http://www.w3.org/2000/01/rdf-schema#seeAlso"): 2,
                              ("un-sdg", "http://www.w3.org/2000/01/rdf-schema#seeAlso"): 1}
    assert [r.value for r in stats.roots] == [BASE + "id/plan/a", BASE + "id/plan/b"]
    assert stats.entities == 3  # the concept and the two plans; never a blank node or an IRI elsewhere


PLAN_A_CHANGED = CORNER_CASES + f"""
<{BASE}id/plan/a> a <https://w3id.org/essgraph/def#Plan> ; <http://www.w3.org/2000/01/rdf-schema#label> "Partagé"@fr ;
    <http://www.w3.org/2000/01/rdf-schema#seeAlso> <http://metadata.un.org/sdg/2> ;
    <https://w3id.org/essgraph/def#value> "042"^^<http://www.w3.org/2001/XMLSchema#integer> .
<{BASE}id/plan/b> <http://www.w3.org/2000/01/rdf-schema#label> "Partagé"@fr .
"""


def test_figures_updated_from_the_previous_build_are_those_of_the_union_made_anew():
    store, graphs = corner_case_store()
    store.load(PLAN_A_CHANGED.encode("utf-8"), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(BASE + "graph/a2"))
    a, b = sketch(store, graphs["a"], BASE), sketch(store, graphs["b"], BASE)
    a2 = sketch(store, [BASE + "graph/a2"], BASE)  # plan A changed: triples gone, kept, new, and one of B's
    assert updated_sizes(union_sizes([a, b]), [a], [a2], [b]) == union_sizes([a2, b])
    assert updated_sizes(union_sizes([a, b]), [a], [], [b]) == union_sizes([b])  # plan A removed
    assert updated_sizes(union_sizes([b]), [], [a], [b]) == union_sizes([a, b])  # plan A added
    gone = union_sizes([a, b])
    assert "class http://www.w3.org/2004/02/skos/core#Concept" in gone and "linkset legifrance-eli " + RDFS_SEE_ALSO in gone
    assert "linkset legifrance-eli " + RDFS_SEE_ALSO not in updated_sizes(gone, [a, b], [a2], [])
    assert updated_sizes({"subjects": 1}, [a], [], []) is None  # figures that do not fit the sketches


RDFS_SEE_ALSO = "http://www.w3.org/2000/01/rdf-schema#seeAlso"


def test_a_sketch_of_another_format_or_cut_short_is_not_read(tmp_path):
    store, graphs = corner_case_store()
    path = tmp_path / "a.sketch"
    write_sketch(path, sketch(store, graphs["a"], BASE))
    data = path.read_bytes()
    path.write_bytes(data[:-8])
    assert read_sketch(path) is None
    path.write_bytes(data.replace(b'"format": 1', b'"format": 0', 1))
    assert read_sketch(path) is None
    assert read_sketch(tmp_path / "missing.sketch") is None


PLAN_CHANGE = """
<{base}id/organisation/ville-de-saint-maur-des-fosses> <http://www.w3.org/2000/01/rdf-schema#seeAlso>
    <https://www.legifrance.gouv.fr/eli/loi/2014/7/31/2014-856/jo/texte> , [ <http://www.w3.org/2000/01/rdf-schema#label> "ajout"@fr ] .
"""


def _no_union(sketches):
    raise AssertionError("the rebuild united every sketch again")


def test_a_rebuild_after_one_plan_changed_reuses_the_other_sketches_and_gives_the_full_build_s_void(tmp_path):
    project = catalog_project(tmp_path)
    base = "http://127.0.0.1:9/"
    build(project / "essgraph.toml", base, tmp_path / "store")
    first = StoreDir(tmp_path / "store").require_current()
    reference_graph = ox.NamedNode(base + "graph/reference")
    with (project / "data" / "plans" / "plan.ttl").open("a", encoding="utf-8") as plan:
        plan.write(PLAN_CHANGE.format(base=base))  # a triple the reference graph has, a link, a blank-node object
        for q in first.open().quads_for_pattern(None, None, None, reference_graph):
            if isinstance(q.subject, ox.NamedNode) and not isinstance(q.object, ox.BlankNode):
                plan.write(f"{q.subject} {q.predicate} {q.object} .\n")
                break
    with pytest.MonkeyPatch.context() as patch:  # the rebuild updates the previous figures: no union made anew
        patch.setattr(void_stats, "union_sizes", _no_union)
        build(project / "essgraph.toml", base, tmp_path / "store")
    rebuilt = StoreDir(tmp_path / "store").require_current()
    assert rebuilt.path != first.path
    full_project = tmp_path / "full"
    shutil.copytree(project, full_project)
    build(full_project / "essgraph.toml", base, tmp_path / "full-store")
    full = StoreDir(tmp_path / "full-store").require_current()

    def inode(b: Build, ds_id: str) -> int:
        return (b.path / VOID_SKETCHES / f"{ds_id}.sketch").stat().st_ino

    assert inode(rebuilt, "reference") == inode(first, "reference")  # hard-linked, not made again
    assert inode(rebuilt, "saint-maur-des-fosses-2021") != inode(first, "saint-maur-des-fosses-2021")
    published = published_void(rebuilt)
    assert canonical(published) == canonical(published_void(full))
    assert canonical(published) == canonical(reference_void(rebuilt, rebuilt.open(), base))
    assert statistic(published, base, "triples") > statistic(published_void(first), base, "triples")
