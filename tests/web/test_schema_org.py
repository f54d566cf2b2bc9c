"""schema.org JSON-LD of the dataset pages (``Dataset``: licence, distributions, dates, creator) and of the catalog's
downloads page (``DataCatalog``), on the catalog fixture project, checked against the catalog's own triples."""

from __future__ import annotations

import json
from datetime import datetime

import rdflib

from support.html import Page

PROJECT = "catalog"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")


def catalog_graph(client) -> rdflib.Graph:
    return rdflib.Graph().parse(data=client.get("/catalog.ttl").text, format="turtle")


def test_a_dataset_page_describes_a_schema_org_dataset(client, live):
    graph = catalog_graph(client)
    dataset = rdflib.URIRef(live.base + "id/dataset/saint-maur-des-fosses-2021")
    page = client.get(str(dataset), headers={"Accept": BROWSER})
    entity = json.loads(Page(page.text).scripts[0])["mainEntity"]
    assert entity["@type"] == "Dataset" and entity["@id"] == str(dataset)
    assert entity["name"] in {str(t) for t in graph.objects(dataset, DCT.title)}
    licences = {str(o) for d in graph.objects(dataset, DCAT.distribution) for o in graph.objects(d, DCT.license)}
    assert entity["license"] in licences
    downloads = {str(url) for d in graph.objects(dataset, DCAT.distribution)  # not the SPARQL endpoint: no download
                 if (url := graph.value(d, DCAT.downloadURL)) is not None}
    assert {d["contentUrl"] for d in entity["distribution"]} == downloads
    assert all(d["@type"] == "DataDownload" and "/" in d["encodingFormat"] for d in entity["distribution"])
    when = lambda text: datetime.fromisoformat(text.replace("Z", "+00:00"))  # noqa: E731
    assert when(entity["datePublished"]) == graph.value(dataset, DCT.issued).toPython()
    assert when(entity["dateModified"]) == graph.value(dataset, DCT.modified).toPython()
    assert entity["creator"][0]["name"] == "Ville de Saint-Maur-des-Fossés"
    assert entity["isAccessibleForFree"] is True and entity["keywords"]


def test_the_downloads_page_is_a_data_catalog(client, live):
    page = client.get("/catalog", headers={"Accept": BROWSER})
    data = json.loads(Page(page.text).scripts[0])
    assert data["@type"] == "DataCatalog" and data["url"] == live.base + "catalog"
    graph = catalog_graph(client)
    assert {d["@id"] for d in data["dataset"]} == {str(d) for d in graph.objects(None, DCAT.dataset)}
    assert "Télécharger" in page.text or "Fichiers" in page.text
