"""The dumps: every distribution of the catalog answers, its bytes parse and match the declared size and checksum."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io

import pyoxigraph as ox
import pytest
import rdflib

from essgraph.publish.actions_csv import BUDGET_COLUMNS, CSV_HEADER
from essgraph.publish.dumps import read_index
from essgraph.rdf.formats import RDF_FORMATS as RDF_DUMP_FORMATS
from support.dumps import DCAT, OX_FORMATS, distributions

def test_every_dataset_has_a_distribution_per_format(catalog_app):
    found = distributions(catalog_app)
    # the whole graph: every RDF format plain and gzipped, and the CSV; the plan: every RDF format and the CSV
    assert len(found) == (2 * len(RDF_DUMP_FORMATS) + 1) + (len(RDF_DUMP_FORMATS) + 1)
    assert {d["media"] for d in found} == set(OX_FORMATS) | {"text/csv"}


def test_every_distribution_answers_parses_and_matches_size_and_checksum(catalog_app):
    for dist in distributions(catalog_app):
        assert dist["url"] == dist["access"]
        response = catalog_app.get(dist["url"])
        assert response.status_code == 200, dist["url"]
        body = response.content
        assert dist["size"].datatype == rdflib.XSD.nonNegativeInteger
        assert int(dist["size"]) == len(body) == int(response.headers["content-length"])
        assert dist["algorithm"].endswith("#checksumAlgorithm_sha256")
        assert dist["sha256"] == hashlib.sha256(body).hexdigest()
        assert response.headers["etag"] == f'"{dist["sha256"]}"'
        if dist["gzip"]:
            assert response.headers["content-type"] == "application/gzip"
            assert dist["url"].endswith(".gz")
            body = gzip.decompress(body)
        else:
            assert response.headers["content-type"].split(";")[0] == dist["media"]
        if dist["media"] == "text/csv":
            assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark
            rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
            assert rows and list(rows[0]) == CSV_HEADER
        else:
            quads = list(ox.parse(body, format=OX_FORMATS[dist["media"]]))
            assert quads, dist["url"]


def test_every_dataset_has_the_sparql_endpoint_as_a_distribution_with_its_access_service(catalog_app):
    catalog = rdflib.Graph().parse(data=catalog_app.get("/catalog.ttl").content, format="turtle")
    base = catalog_app.base
    for dataset in catalog.subjects(rdflib.RDF.type, DCAT.Dataset):
        services = [(d, s) for d in catalog.objects(dataset, DCAT.distribution)
                    for s in catalog.objects(d, DCAT.accessService)]
        assert [(str(d), str(s)) for d, s in services] == [(f"{dataset}/distribution/sparql",
                                                            base + "id/service/sparql")]
        assert catalog.value(services[0][0], DCAT.accessURL) == rdflib.URIRef(base + "sparql")
        assert catalog.value(services[0][0], DCAT.downloadURL) is None


def test_dumps_hold_the_data_graphs_not_the_catalog(catalog_app):
    quads = list(ox.parse(catalog_app.get("/dumps/essgraph.nq").content, format=ox.RdfFormat.N_QUADS))
    graphs = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    assert catalog_app.base + "graph/plan/saint-maur-des-fosses-2021" in graphs
    assert catalog_app.base + "graph/reference" in graphs
    assert not {catalog_app.base + "graph/catalog", catalog_app.base + "graph/void"} & graphs
    assert not [q for q in quads if q.object.value == "http://www.w3.org/ns/dcat#Catalog"]


def test_plan_dumps_hold_only_that_plan(catalog_app):
    quads = list(ox.parse(catalog_app.get("/dumps/datasets/saint-maur-des-fosses-2021.trig").content,
                          format=ox.RdfFormat.TRIG))
    graphs = {q.graph_name.value for q in quads}
    assert graphs == {catalog_app.base + "graph/plan/saint-maur-des-fosses-2021",
                      catalog_app.base + "graph/plan/saint-maur-des-fosses-2021/classification"}


def test_the_actions_csv_has_one_row_per_action_with_its_main_fields(catalog_app):
    body = catalog_app.get("/dumps/essgraph-actions.csv").content
    assert body.startswith("\ufeff".encode("utf-8"))  # the byte-order mark spreadsheet software reads UTF-8 by
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert [r["card_number"] for r in rows] == ["1.1", "1.4"]
    food = rows[1]
    assert food["action"] == catalog_app.base + "id/plan/saint-maur-des-fosses-2021/action/1.4"
    assert food["plan"] == catalog_app.base + "id/plan/saint-maur-des-fosses-2021"
    assert food["title"] == "LOGISTIQUE DE LA SOLIDARITE ALIMENTAIRE"
    assert food["axis"] == "Renforcer l'ESS dans l'économie locale"
    assert food["section"] == "Soutenir les acteurs de l'ESS"
    assert food["objectives"] == "Rendre l'aide alimentaire plus efficiente | Soulager les bénévoles"  # by position
    assert (food["start_date"], food["end_date"]) == ("2021-10-01", "2021-12-31")
    assert food["legal_bases"] == "https://www.legifrance.gouv.fr/eli/loi/2016/2/11/AGRX1531165L/jo/texte"
    assert food["levers"] == "Mise à disposition de moyens" and food["fields"] == "Alimentation"
    assert food["sdg_targets"] == "http://metadata.un.org/sdg/12.3"
    assert rows[0]["organisations"] == "Ville de Saint-Maur-des-Fossés"


def test_the_actions_csv_gives_the_budgets_as_numbers_with_their_units(builds):
    """The real plan: a sum (1.3), an amount per post (4.1), a monthly range (4.2); no budget elsewhere."""
    path = builds["real"].current.path / "dumps" / "essgraph-actions.csv"
    rows = {r["card_number"]: r for r in csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"),
                                                                     newline=""))}
    budget = lambda n: tuple(rows[n][c] for c in BUDGET_COLUMNS)  # noqa: E731
    assert budget("1.3") == ("650", "", "", "EUR", "", "")
    assert budget("4.1") == ("50000", "", "", "EUR", "", "poste")
    assert budget("4.2") == ("", "1300", "2100", "EUR", "month", "")
    assert budget("2.2") == ("", "", "", "", "", "")  # the world's food waste is context, not the action's means
    with_budget = {n for n in rows if rows[n]["budget_currency"]}
    assert with_budget == {"1.3", "4.1", "4.2"}
    for n in with_budget:
        for column in ("budget_value", "budget_min", "budget_max"):
            assert rows[n][column] == "" or float(rows[n][column]) > 0


def test_head_etag_and_304_on_dumps(catalog_app):
    url = catalog_app.url + "/dumps/essgraph.ttl.gz"
    get, head = catalog_app.get(url), catalog_app.head(url)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == get.headers["content-length"]
    assert head.headers["etag"] == get.headers["etag"]
    assert catalog_app.get(url, headers={"If-None-Match": get.headers["etag"]}).status_code == 304


@pytest.mark.parametrize("name", ["nothing.ttl", "../manifest.json", "%2e%2e/manifest.json", "index.json",
                                  "datasets/../../manifest.json"])
def test_only_listed_dumps_are_served(catalog_app, name):
    response = catalog_app.get(f"/dumps/{name}")
    assert response.status_code == 404


def test_the_index_lists_every_file_of_the_dumps_folder(builds):
    folder = builds["catalog"].current.path / "dumps"
    index = read_index(folder)
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != "index.json"}
    assert set(index) == on_disk
    for entry in index.values():
        assert (folder / entry.name).stat().st_size == entry.size
