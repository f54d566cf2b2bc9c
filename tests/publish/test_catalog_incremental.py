"""A rebuild after one plan changed makes and checks that plan's catalog entry only, and its catalog and DCAT-AP
results are those a full build gives.

Project: the repository's catalog metadata with Saint-Maur and the two fictional plans of tests/fixtures (Valmont,
Clairval), run by an operator. Valmont's title, planned duration (so the whole graph's period too) and one action's
lever (a keyword) change between the builds. The incremental build's catalog is compared with a full build's of the
same sources: the same triples but for what legitimately differs — the ``dct:issued`` and ``dct:modified`` dates
(an unchanged dataset keeps the dates of its first build, a full build dates everything now), the blank nodes'
labels (compared up to isomorphism), and the byte sizes and SHA-256 of the dumps (each parse labels the data's blank
nodes anew, so two builds of the same sources write dumps of other bytes): those are checked instead against the
bytes each build serves.
"""

from __future__ import annotations

import hashlib
import shutil
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic
from support.projects import FIXTURES, ROOT, build, repository_project_head

import essgraph.publish.catalog as catalog_module
from essgraph.build.builds import StoreDir
from essgraph.publish.dcat_check import check_catalog, dcat_shapes_dir
from essgraph.publish.layout import CATALOG_ENTRIES, CATALOG_FILES, DUMPS
from essgraph.rdf.namespaces import Triples
from essgraph.rdf.rdflib_bridge import to_rdflib_graph
from essgraph.urls import CATALOG_GRAPH

BASE = "http://127.0.0.1:9/"
DCT, SPDX = "http://purl.org/dc/terms/", "http://spdx.org/rdf/terms#"
DCAT = "http://www.w3.org/ns/dcat#"
#: what legitimately differs between an incremental and a full build of the same sources
DIFFERS = {DCT + "issued", DCT + "modified", SPDX + "checksumValue", DCAT + "byteSize"}
OPERATOR = """[project.publisher]
name = "Réseau d'essai des plans ESS (opérateur fictif de test)"
iri = "id/organisation/reseau-d-essai"
type = "NonProfitOrganisation"
homepage = "https://example.org/reseau-d-essai"
"""


def plan(ds_id: str, graphs: list[tuple[str, list[str]]]) -> str:
    text = f'\n[[dataset]]\nid = "{ds_id}"\nkind = "plan"\n'
    for iri, files in graphs:
        text += f'[[dataset.graph]]\niri = "{iri}"\nfiles = {files!r}\n'.replace("'", '"')
    return text


def make_project(dest: Path) -> Path:
    dest.mkdir()
    shutil.copytree(ROOT / "data" / "catalog", dest / "data" / "catalog")
    shutil.copytree(FIXTURES / "second-plan", dest / "valmont")
    third = FIXTURES / "three-plans"
    saint_maur = ROOT / "data" / "plans" / "saint-maur-des-fosses-2021"
    text = repository_project_head("incremental catalog", OPERATOR)
    text += '\n[[dataset]]\nid = "fictional-reference"\nkind = "reference"\n[[dataset.graph]]\n'
    text += f'iri = "graph/reference/fictional"\nfiles = ["valmont/reference.ttl", "{third}/reference.ttl"]\n'
    text += plan("saint-maur-des-fosses-2021", [
        ("graph/plan/saint-maur-des-fosses-2021", [f"{saint_maur}/*.ttl"]),
        ("graph/plan/saint-maur-des-fosses-2021/classification", [f"{saint_maur}/classification/*.ttl"])])
    text += plan("valmont-sur-essai-2024", [
        ("graph/plan/valmont-sur-essai-2024", ["valmont/plan.ttl"]),
        ("graph/plan/valmont-sur-essai-2024/classification", ["valmont/classification.ttl"])])
    text += plan("clairval-2025", [
        ("graph/plan/clairval-2025", [f"{third}/plan.ttl"]),
        ("graph/plan/clairval-2025/classification", [f"{third}/classification.ttl"])])
    (dest / "essgraph.toml").write_text(text, encoding="utf-8")
    return dest / "essgraph.toml"


def change_valmont(project: Path) -> None:
    for name, old, new in [
        ("plan.ttl", '"Valmont-sur-Essai, commune coopérative"@fr', '"Valmont-sur-Essai, commune solidaire"@fr'),
        ("plan.ttl", '"P2Y"^^xsd:duration', '"P5Y"^^xsd:duration'),
        ("classification.ttl", "ess:lever lever:cooperation-et-reseaux", "ess:lever lever:animation-territoriale"),
    ]:
        path = project / "valmont" / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


def catalog_of(store: Path) -> tuple[Path, list[ox.Triple]]:
    build = StoreDir(store).require_current()
    path = Path(build.path)
    return path, [q.triple for q in ox.parse(path=path / CATALOG_FILES[CATALOG_GRAPH],
                                              format=ox.RdfFormat.N_TRIPLES)]


def comparable(triples: list[ox.Triple]) -> rdflib.Graph:
    """The catalog without its dates, byte sizes and checksum values."""
    kept = [t for t in triples if t.predicate.value not in DIFFERS]
    return to_rdflib_graph(ox.Quad(t.subject, t.predicate, t.object) for t in kept)


def results_of(report) -> Counter:
    return Counter((r.severity, r.focus, r.path, r.value, r.message, r.shape)
                   for r in report.results if r.dataset == "catalog")


def inodes(build: Path, ds_id: str) -> list[int]:
    """The files keeping a plan's catalog entry (its triples; its key, summary and results)."""
    return [(build / CATALOG_ENTRIES / f"{ds_id}.{ext}").stat().st_ino for ext in ("nt", "json")]


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """The incremental build (a full build, Valmont changed, a rebuild) and a full build of the changed sources,
    with the plans whose entry each build made."""
    tmp = tmp_path_factory.mktemp("incremental")
    made: list[str] = []
    original = catalog_module.CatalogBuilder.entry

    def entry(self, st):
        made.append(st.dataset.id)
        return original(self, st)

    patch = pytest.MonkeyPatch()
    patch.setattr(catalog_module.CatalogBuilder, "entry", entry)
    try:
        config = make_project(tmp / "project")
        first = build(config, BASE, tmp / "store")
        first_made, made[:] = list(made), []
        first_path = catalog_of(tmp / "store")[0]
        change_valmont(tmp / "project")
        incremental = build(config, BASE, tmp / "store")
        incremental_made, made[:] = list(made), []
        full = build(config, BASE, tmp / "full")
        full_made = list(made)
    finally:
        patch.undo()
    return {"first": (first, first_made, first_path), "incremental": (incremental, incremental_made, tmp / "store"),
            "full": (full, full_made, tmp / "full")}


def test_the_rebuild_makes_the_changed_plans_entry_only(builds):
    _, first_made, first_path = builds["first"]
    _, made, store = builds["incremental"]
    assert sorted(first_made) == ["clairval-2025", "saint-maur-des-fosses-2021", "valmont-sur-essai-2024"]
    assert made == ["valmont-sur-essai-2024"]
    path, _ = catalog_of(store)
    # the unchanged entries (with their results) are the previous build's files, hard-linked
    for ds_id in ("clairval-2025", "saint-maur-des-fosses-2021"):
        assert inodes(path, ds_id) == inodes(first_path, ds_id)
    for new, old in zip(inodes(path, "valmont-sur-essai-2024"), inodes(first_path, "valmont-sur-essai-2024")):
        assert new != old


def test_the_rebuilt_catalog_is_a_full_builds_but_for_dates_and_dump_checksums(builds):
    _, _, store = builds["incremental"]
    _, full_made, full_store = builds["full"]
    assert len(full_made) == 3
    (inc_path, incremental), (full_path, full) = catalog_of(store), catalog_of(full_store)
    assert isomorphic(comparable(incremental), comparable(full))
    titles = {t.object.value for t in incremental if t.predicate.value == DCT + "title"}
    assert "Valmont-sur-Essai, commune solidaire" in titles  # the change is in the catalog
    assert "Valmont-sur-Essai, commune coopérative" not in titles
    for path, triples in ((inc_path, incremental), (full_path, full)):  # sizes, checksums: of the bytes served
        downloads = {t.subject: t.object.value.split("/dumps/", 1)[1] for t in triples
                     if t.predicate.value == DCAT + "downloadURL"}
        checksum_of = {t.subject: t.object for t in triples if t.predicate.value == SPDX + "checksum"}
        values = {t.subject: t.object.value for t in triples if t.predicate.value == SPDX + "checksumValue"}
        sizes = {t.subject: int(t.object.value) for t in triples if t.predicate.value == DCAT + "byteSize"}
        assert len(downloads) > 20
        for dist, name in downloads.items():
            data = (path / DUMPS / name).read_bytes()
            assert values[checksum_of[dist]] == hashlib.sha256(data).hexdigest()
            assert sizes[dist] == len(data)


def test_the_rebuilds_dcat_ap_results_are_those_of_a_check_of_its_whole_catalog(builds):
    incremental, _, store = builds["incremental"]
    full, _, _ = builds["full"]
    _, triples = catalog_of(store)
    catalog = Triples()
    for t in triples:
        catalog.add(t.subject, t.predicate, t.object)
    whole = check_catalog(catalog, dcat_shapes_dir(ROOT))
    assert results_of(incremental) == Counter((r.severity, r.focus, r.path, r.value, r.message, r.shape)
                                              for r in whole.results)
    assert results_of(incremental) == results_of(full)
    assert sum(results_of(full).values()) > 0  # warnings: the comparison is not of two empty sets



def test_a_change_of_the_catalog_metadata_remakes_every_entry(tmp_path, monkeypatch):
    """The whole-graph dataset's keywords are every plan dataset's: an entry made with the old metadata cannot be
    reused."""
    made: list[str] = []
    original = catalog_module.CatalogBuilder.entry
    monkeypatch.setattr(catalog_module.CatalogBuilder, "entry",
                        lambda self, st: made.append(st.dataset.id) or original(self, st))
    config = make_project(tmp_path / "project")
    build(config, BASE, tmp_path / "store")
    made.clear()
    metadata = tmp_path / "project" / "data" / "catalog" / "catalog.ttl"
    text = metadata.read_text(encoding="utf-8")
    assert '"fiche action"@fr ,' in text
    metadata.write_text(text.replace('"fiche action"@fr ,', '"fiche action"@fr , "mot-clé ajouté"@fr ,', 1),
                        encoding="utf-8")
    build(config, BASE, tmp_path / "store")
    assert sorted(made) == ["clairval-2025", "saint-maur-des-fosses-2021", "valmont-sur-essai-2024"]
    _, triples = catalog_of(tmp_path / "store")
    tagged = {t.subject.value.rsplit("/", 1)[-1] for t in triples
              if t.predicate.value == DCAT + "keyword" and t.object.value == "mot-clé ajouté"}
    # the whole graph, each plan dataset, and the SPARQL service (which takes the whole graph's keywords too)
    assert tagged == {"essgraph", "clairval-2025", "saint-maur-des-fosses-2021", "valmont-sur-essai-2024", "sparql"}
