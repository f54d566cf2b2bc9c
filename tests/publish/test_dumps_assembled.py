"""The whole graph's dumps joined from per-dataset pieces: after a full build and after a rebuild in which one plan
changed, one went and one came, every dump's bytes are what the catalog and the index declare, every whole RDF
dump (plain and gzipped) holds exactly the store's data, the whole CSV is the plans' CSVs joined and what the
store gives, and the unchanged datasets' pieces are the previous build's files (hard links), not copies.

Project: the three-plan catalog project (support.projects.three_plan_project) plus two reference datasets whose
files use the same blank node label ``_:b0`` (TriG and Turtle files): joined pieces must keep them apart.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from essgraph.build.builds import StoreDir
from essgraph.build.pipeline import Builder
from essgraph.project import load_project
from essgraph.publish.actions_csv import CSV_HEAD, action_rows, csv_bytes
from essgraph.publish.dumps import read_index
from essgraph.rdf import formats
from support.dumps import distributions
from support.rdf import RDFLIB_FORMATS
from support.projects import THIRD_PLAN, Built, three_plan_project, town_plan

BASE = "http://127.0.0.1:9/"
NOT_DATA = {BASE + "graph/catalog", BASE + "graph/void"}
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
NOTES = f"""
[[dataset]]
id = "notes-a"
kind = "reference"
[[dataset.graph]]
iri = "graph/notes/a"
files = ["notes/a.trig"]

[[dataset]]
id = "notes-b"
kind = "reference"
[[dataset.graph]]
iri = "graph/notes/b"
files = ["notes/b.trig", "notes/b.ttl"]
"""
ADDED = """
[[dataset]]
id = "val-de-test-2026"
kind = "plan"
[[dataset.graph]]
iri = "graph/plan/val-de-test-2026"
files = ["fourth/plan.ttl", "fourth/classification.ttl", "fourth/reference.ttl"]
"""
KEPT = "saint-maur-des-fosses-2021"  # the plan that does not change
CHANGED = "valmont-sur-essai-2024"


def project(tmp: Path) -> Path:
    """The project (see the module's docstring), built once into ``tmp``/store; returns its project file."""
    config = three_plan_project(tmp)
    notes = config.parent / "notes"
    notes.mkdir()
    (notes / "a.trig").write_text(f'_:b0 <{RDFS}label> "A" . <id/note/a> <{RDFS}seeAlso> _:b0 .\n')
    (notes / "b.trig").write_text(f'_:b0 <{RDFS}label> "B" . <id/note/b> <{RDFS}seeAlso> _:b0 .\n')
    (notes / "b.ttl").write_text(f'_:b0 <{RDFS}label> "C" .\n')
    config.write_text(config.read_text(encoding="utf-8") + NOTES, encoding="utf-8")
    Builder(load_project(config), BASE, tmp / "store").run(write=True)
    return config


@pytest.fixture(scope="module")
def full(tmp_path_factory) -> tuple[Path, Path]:
    """(project file, build) of a full build."""
    tmp = tmp_path_factory.mktemp("full")
    config = project(tmp)
    return config, StoreDir(tmp / "store").require_current().path


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> tuple[Path, Path, Path]:
    """(project file, first build, second build): the second after one plan changed, one removed, one added."""
    tmp = tmp_path_factory.mktemp("rebuilt")
    config = project(tmp)
    store = tmp / "store"
    first = StoreDir(store).require_current().path  # kept: a store folder keeps the build before the current
    plan = config.parent / "valmont" / "plan.ttl"
    plan.write_text(plan.read_text(encoding="utf-8").replace("Valmont-sur-Essai", "Valmont-sur-Essai (révisé)"))
    town_plan(config.parent / "fourth", "val-de-test", "2026", "Val-de-Test")
    text = config.read_text(encoding="utf-8")
    assert THIRD_PLAN in text
    config.write_text(text.replace(THIRD_PLAN, "") + ADDED, encoding="utf-8")
    report = Builder(load_project(config), BASE, store).run(write=True)
    assert report.reused > 0
    return config, first, StoreDir(store).require_current().path


def data_quads(build: Path) -> set[ox.Quad]:
    store = ox.Store.read_only(str(build / "oxigraph"))
    return {q for q in store if q.graph_name.value not in NOT_DATA}


def check_served_dumps(config: Path, build: Path) -> None:
    """Every file distribution of the catalog served from ``build`` (its store's current build): its bytes match
    the catalog's and the index's size and SHA-256; every whole RDF dump, plain and gzipped, parses to the store's
    data."""
    store = build.parent.parent
    assert StoreDir(store).require_current().path == build
    built = Built("assembled", config, store, BASE, 9, store.parent)
    try:
        server = built.serve()
        index = read_index(build / "dumps")
        quads = data_quads(build)
        triples = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
        found = distributions(server)
        wholes = [d for d in found if "/dumps/essgraph." in d["url"]]
        assert len(wholes) == 2 * len(formats.RDF_FORMATS)
        for dist in found:
            body = server.get(dist["url"]).content
            entry = index[dist["url"].split("/dumps/", 1)[1]]
            assert int(dist["size"]) == entry.size == len(body), dist["url"]
            assert dist["sha256"] == entry.sha256 == hashlib.sha256(body).hexdigest(), dist["url"]
        for dist in wholes:
            body = server.get(dist["url"]).content
            fmt = formats.by_name(dist["media"], formats.RDF_FORMATS)
            assert fmt is not None
            if dist["gzip"]:
                body = gzip.decompress(body)
            parsed = list(ox.parse(body, format=fmt.rdf))
            if fmt.keeps_graphs:
                assert set(parsed) == quads, dist["url"]
            else:
                assert {ox.Triple(q.subject, q.predicate, q.object) for q in parsed} == triples, dist["url"]
    finally:
        built.close()


def test_after_a_full_build_every_dump_matches_the_catalog_and_holds_the_store(full):
    check_served_dumps(*full)


def test_after_a_rebuild_every_dump_matches_the_catalog_and_holds_the_store(rebuilt):
    config, _first, second = rebuilt
    check_served_dumps(config, second)


def test_the_whole_csv_is_the_plans_csvs_joined_and_what_the_store_gives(full, rebuilt):
    for build in (full[1], rebuilt[2]):
        index = read_index(build / "dumps")
        whole = (build / "dumps" / "essgraph-actions.csv").read_bytes()
        store = ox.Store.read_only(str(build / "oxigraph"))
        assert whole == csv_bytes(action_rows(store))
        pieces = sorted((e for e in index.values() if e.format == "csv" and e.dataset != "essgraph"),
                        key=lambda e: e.dataset)   # the plans' IRIs sort as their dataset ids here
        joined = CSV_HEAD + b"".join((build / "dumps" / e.name).read_bytes()[len(CSV_HEAD):] for e in pieces)
        assert whole == joined
        assert whole.count(b"\r\n") > len(pieces) + 1  # rows, not only headers


def test_blank_nodes_of_two_datasets_with_one_label_stay_apart(rebuilt):
    nquads = (rebuilt[2] / "dumps" / "essgraph.nq").read_bytes()
    labelled = {}
    for q in ox.parse(nquads, format=ox.RdfFormat.N_QUADS):
        if q.predicate.value == RDFS + "label" and isinstance(q.subject, ox.BlankNode):
            labelled[q.object.value] = q.subject
    assert set(labelled) == {"A", "B", "C"}
    assert len(set(labelled.values())) == 3


def test_a_rebuild_links_the_unchanged_datasets_pieces_and_remakes_the_changed_ones(rebuilt):
    _config, first, second = rebuilt
    same = lambda name: os.stat(first / name).st_ino == os.stat(second / name).st_ino  # noqa: E731
    for fmt in formats.RDF_FORMATS:
        ext = fmt.extension
        assert same(f"dumps/datasets/{KEPT}.{ext}") and same(f"parts/{KEPT}.{ext}.body.gz"), ext
        assert same(f"parts/reference.{ext}") and same(f"parts/notes-a.{ext}.body.gz"), ext
        assert not same(f"dumps/datasets/{CHANGED}.{ext}"), ext
        assert not same(f"parts/{CHANGED}.{ext}.body.gz"), ext
    assert same(f"dumps/datasets/{KEPT}-actions.csv")  # no vocabulary or reference dataset changed
    assert "révisé".encode() in (second / f"dumps/datasets/{CHANGED}.ttl").read_bytes()
    index = read_index(second / "dumps")
    assert {e.dataset for e in index.values()} == {"essgraph", KEPT, CHANGED, "val-de-test-2026"}
    assert not list((second / "dumps" / "datasets").glob("val-d-essai-2025*"))
    assert not list((second / "parts").glob("val-d-essai-2025*"))



@pytest.mark.parametrize("fmt", formats.RDF_FORMATS, ids=lambda f: f.name)
def test_rdflib_reads_each_joined_whole_dump_as_pyoxigraph_does(full, fmt):
    """A second, independent reader: the joined document is one well-formed document (one prefix block, one
    rdf:RDF element, one JSON array), not only something pyoxigraph tolerates."""
    _config, build = full
    body = gzip.decompress((build / "dumps" / f"essgraph.{fmt.extension}.gz").read_bytes())
    assert body == (build / "dumps" / f"essgraph.{fmt.extension}").read_bytes()
    dataset = rdflib.Dataset()
    dataset.parse(data=body, format=RDFLIB_FORMATS[fmt.media_type])
    read = {(s, p, o) for s, p, o, _g in dataset.quads((None, None, None, None))}
    assert len(read) == len({q.triple for q in ox.parse(body, format=fmt.rdf)})
