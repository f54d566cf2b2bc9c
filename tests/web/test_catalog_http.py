"""/catalog over HTTP (in-process): content negotiation, extensions, HEAD, caching, Hydra paging, VoID, and a
udata-style harvest."""

from __future__ import annotations

import httpx
import pytest
import rdflib
from rdflib.namespace import RDF, SKOS

from support.rdf import RDFLIB_FORMATS

HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")  # a plain Namespace: pytest probes module attributes
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")


def parse(response: httpx.Response) -> rdflib.Graph:
    media = response.headers["content-type"].split(";")[0]
    return rdflib.Graph().parse(data=response.content, format=RDFLIB_FORMATS[media])


@pytest.mark.parametrize("accept, media", [
    (None, "text/turtle"),
    ("*/*", "text/turtle"),
    ("text/turtle", "text/turtle"),
    ("application/ld+json", "application/ld+json"),
    ("application/json;q=0.5, application/rdf+xml", "application/rdf+xml"),
    ("application/n-triples;q=0.9, text/turtle;q=0.4", "application/n-triples"),
    ("text/html;q=0.5, */*;q=0.8", "text/turtle"),
])
def test_catalog_negotiates_and_varies_on_accept(catalog_app, accept, media):
    headers = {"Accept": accept} if accept else {}
    response = catalog_app.get("/catalog", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    assert response.headers["vary"] == "Accept"
    assert (None, RDF.type, DCAT.Catalog) in parse(response)


@pytest.mark.parametrize("accept", ["text/html, application/xhtml+xml;q=0.9, */*;q=0.8", "text/html"])
def test_browsers_get_the_downloads_page(catalog_app, accept):
    """People get the catalog as a page: every dataset with its files to download, and the RDF forms linked."""
    response = catalog_app.get("/catalog", headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert response.headers["vary"] == "Accept"
    page = response.text
    graph = parse(catalog_app.get("/catalog.ttl"))
    for url in graph.objects(None, DCAT.downloadURL):
        assert f'href="{url}"' in page, url
    for ext in ("ttl", "jsonld", "nt", "rdf"):
        assert f'href="{catalog_app.url}/catalog.{ext}"' in page
    assert catalog_app.get("/catalog.html").text == page


def test_catalog_answers_406_when_nothing_fits(catalog_app):
    response = catalog_app.get("/catalog", headers={"Accept": "image/png, application/pdf"})
    assert response.status_code == 406
    assert response.headers["vary"] == "Accept"
    assert response.json()["error"]["code"] == "not_acceptable"


@pytest.mark.parametrize("ext, media", [("ttl", "text/turtle"), ("jsonld", "application/ld+json"),
                                        ("rdf", "application/rdf+xml"), ("nt", "application/n-triples")])
def test_catalog_by_extension_ignores_accept(catalog_app, ext, media):
    response = catalog_app.get(f"/catalog.{ext}", headers={"Accept": "image/png"})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    assert len(parse(response)) > 100


def test_unknown_extension_is_404(catalog_app):
    assert catalog_app.get("/catalog.xlsx").status_code == 404


@pytest.mark.parametrize("path", ["/catalog", "/catalog.jsonld", "/.well-known/void"])
def test_head_has_the_headers_of_get_and_no_body(catalog_app, path):
    get, head = catalog_app.get(path), catalog_app.head(path)
    assert head.status_code == 200 and head.content == b""
    for name in ("content-type", "content-length", "etag", "last-modified"):
        assert head.headers[name] == get.headers[name]


def test_etag_gives_304(catalog_app):
    first = catalog_app.get("/catalog.ttl")
    again = catalog_app.get("/catalog.ttl", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_catalog_links_its_alternates_and_void(catalog_app):
    links = catalog_app.get("/catalog").headers["link"]
    for ext in ("ttl", "jsonld", "rdf"):
        assert f"<{catalog_app.base}catalog.{ext}>; rel=\"alternate\"" in links
    assert f"<{catalog_app.base}.well-known/void>" in links


def test_paging_with_hydra_when_datasets_exceed_a_page(catalog_app_paged):
    first = parse(catalog_app_paged.get("/catalog.ttl"))
    view = first.value(predicate=RDF.type, object=HYDRA.PartialCollectionView)
    assert str(view) == catalog_app_paged.base + "catalog.ttl?page=1"
    assert str(first.value(view, HYDRA.next)) == catalog_app_paged.base + "catalog.ttl?page=2"
    assert first.value(view, HYDRA.previous) is None
    catalog = first.value(predicate=RDF.type, object=DCAT.Catalog)
    assert int(first.value(catalog, HYDRA.totalItems)) == 2
    second = parse(catalog_app_paged.get(str(first.value(view, HYDRA.next))))
    view2 = second.value(predicate=RDF.type, object=HYDRA.PartialCollectionView)
    assert second.value(view2, HYDRA.next) is None
    assert str(second.value(view2, HYDRA.previous)) == catalog_app_paged.base + "catalog.ttl?page=1"
    on_first = set(first.subjects(RDF.type, DCAT.Dataset))
    on_second = set(second.subjects(RDF.type, DCAT.Dataset))
    assert len(on_first) == len(on_second) == 1 and on_first != on_second
    # each page lists only its own datasets, distributions and service links
    for page, datasets in ((first, on_first), (second, on_second)):
        assert set(page.objects(None, DCAT.dataset)) == datasets
        assert set(page.objects(None, DCAT.servesDataset)) == datasets
        owners = {d for d in page.subjects(DCAT.distribution, None)}
        assert owners == datasets


def test_pages_beyond_the_last_and_malformed_pages(catalog_app_paged):
    assert catalog_app_paged.get("/catalog?page=3").status_code == 404
    assert catalog_app_paged.get("/catalog?page=0").status_code == 400
    assert catalog_app_paged.get("/catalog?page=two").status_code == 400


def test_single_page_catalog_has_no_hydra_view(catalog_app):
    graph = parse(catalog_app.get("/catalog"))
    assert graph.value(predicate=RDF.type, object=HYDRA.PartialCollectionView) is None


def test_void_describes_the_graph(catalog_app):
    response = catalog_app.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.headers["vary"] == "Accept"
    void = parse(response)
    ds = rdflib.URIRef(catalog_app.base + "id/dataset/essgraph")
    assert (ds, RDF.type, VOID.Dataset) in void
    nt = rdflib.Graph().parse(data=catalog_app.get("/dumps/essgraph.nt").content, format="nt")
    assert int(void.value(ds, VOID.triples)) == len(nt)
    assert int(void.value(ds, VOID.entities)) == len({s for s in nt.subjects() if str(s).startswith(catalog_app.base + "id/")})
    assert str(void.value(ds, VOID.sparqlEndpoint)) == catalog_app.base + "sparql"
    dumps = {str(o) for o in void.objects(ds, VOID.dataDump)}
    assert catalog_app.base + "dumps/essgraph.ttl.gz" in dumps and catalog_app.base + "dumps/essgraph.nt" in dumps
    classes = {str(void.value(p, VOID["class"])): int(void.value(p, VOID.entities))
               for p in void.objects(ds, VOID.classPartition)}
    assert classes["https://w3id.org/essgraph/def#Action"] == 2
    properties = {str(void.value(p, VOID.property)) for p in void.objects(ds, VOID.propertyPartition)}
    assert "https://w3id.org/essgraph/def#legalBasis" in properties
    assert rdflib.URIRef("https://w3id.org/essgraph/def#") in set(void.objects(ds, VOID.vocabulary))
    targets = {str(void.value(t, VOID.uriSpace)): int(void.value(ls, VOID.triples))
               for ls in void.subjects(RDF.type, VOID.Linkset) for t in void.objects(ls, VOID.objectsTarget)}
    assert targets == {"https://www.legifrance.gouv.fr/eli/": 1, "http://metadata.un.org/sdg/": 1}
    assert (rdflib.URIRef(catalog_app.base + "catalog"), rdflib.RDFS.seeAlso,
            rdflib.URIRef(catalog_app.base + ".well-known/void")) in parse(catalog_app.get("/catalog"))


def test_void_answers_406_when_nothing_fits(catalog_app):
    assert catalog_app.get("/.well-known/void", headers={"Accept": "image/png"}).status_code == 406


# -- a harvest written the way udata (data.gouv.fr) harvests a DCAT catalog -----------------------------------------

LOV2 = {"id": "lov2", "title": "Licence Ouverte / Open Licence version 2.0",
        "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
        "alternate_urls": ["https://www.etalab.gouv.fr/wp-content/uploads/2017/04/ETALAB-Licence-Ouverte-v2.0.pdf"]}
ACCEPTED_MIME_TYPES = {"application/rdf+xml": "xml", "application/xml": "xml", "text/turtle": "turtle",
                       "application/x-turtle": "turtle", "application/n-triples": "nt",
                       "application/ld+json": "json-ld", "application/json": "json-ld", "application/trig": "trig"}


def _guess_license(values: list[str]) -> str | None:
    for value in values:
        text = value.strip().lower().rstrip("/")
        if text in (LOV2["id"], LOV2["title"].lower(), LOV2["url"], *LOV2["alternate_urls"]):
            return LOV2["id"]
    return None


def harvest(client, source: str) -> dict:
    """The format from the URL's extension, else from a HEAD; then every page, following hydra:next."""
    fmt = rdflib.util.guess_format(source)
    if not fmt:
        head = client.head(source)
        head.raise_for_status()
        fmt = ACCEPTED_MIME_TYPES[head.headers["content-type"].split(";")[0]]
    datasets, url, pages = {}, source, 0
    while url:
        response = client.get(url)
        response.raise_for_status()
        page = rdflib.Graph().parse(data=response.text, format=fmt)
        pages += 1
        view = page.value(predicate=RDF.type, object=HYDRA.PartialCollectionView)
        url = str(page.value(view, HYDRA.next)) if view is not None and page.value(view, HYDRA.next) else None
        for node in page.subjects(RDF.type, DCAT.Dataset):
            title = page.value(node, DCT.title)
            links = list(page.subject_predicates(node))
            if title is None and len(links) == 1 and links[0][1] in (DCAT.servesDataset, DCT.hasPart):
                continue  # a dataset only mentioned by a data service: described elsewhere
            remote_id = page.value(node, DCT.identifier)
            assert remote_id is not None and title is not None, f"{node}: identifier and title are required"
            resources = []
            for dist in page.objects(node, DCAT.distribution):
                url_ = page.value(dist, DCAT.downloadURL) or page.value(dist, DCAT.accessURL)
                resources.append({"url": str(url_), "title": str(page.value(dist, DCT.title)),
                                  "mime": str(page.value(dist, DCAT.mediaType)).split("media-types/")[-1],
                                  "format": str(page.value(dist, DCT.format)).rsplit("/", 1)[-1].lower(),
                                  "filesize": int(page.value(dist, DCAT.byteSize) or -1),  # none: not a file
                                  "api": page.value(dist, DCAT.accessService) is not None,
                                  "license": [str(x) for x in page.objects(dist, DCT.license)]})
            themes = [str(label) for t in page.objects(node, DCAT.theme) for label in page.objects(t, SKOS.prefLabel)
                      if label.language == "fr"]
            datasets[str(remote_id)] = {"title": str(title), "resources": resources, "themes": themes,
                                        "license": _guess_license([r for res in resources for r in res["license"]])}
    return {"format": fmt, "pages": pages, "datasets": datasets}


@pytest.mark.parametrize("path, fmt", [("/catalog", "turtle"), ("/catalog.ttl", "turtle"),
                                       ("/catalog.jsonld", "json-ld"), ("/catalog.rdf", "xml")])
def test_a_udata_style_harvest_finds_every_dataset_and_distribution(catalog_app_paged, path, fmt):
    result = harvest(catalog_app_paged, catalog_app_paged.url + path)
    assert result["format"] == fmt and result["pages"] == 2
    base = catalog_app_paged.base
    assert set(result["datasets"]) == {base + "id/dataset/essgraph", base + "id/dataset/saint-maur-des-fosses-2021"}
    for iri, ds in result["datasets"].items():
        # 6 RDF formats and the CSV; gzipped variants too for the whole graph; the SPARQL endpoint (an API)
        files = [r for r in ds["resources"] if not r["api"]]
        assert len(files) == (13 if iri.endswith("/essgraph") else 7)
        assert [r["url"] for r in ds["resources"] if r["api"]] == [base + "sparql"]
        assert ds["license"] == "lov2"
        assert "Population et société" in ds["themes"]
        for resource in files:
            assert resource["url"].startswith(base + "dumps/")
            response = catalog_app_paged.head(resource["url"])
            assert response.status_code == 200
            assert int(response.headers["content-length"]) == resource["filesize"]


def test_the_real_project_is_harvestable(builds):
    server = builds["real"].serve()
    result = harvest(server, server.url + "/catalog")
    assert server.base + "id/dataset/saint-maur-des-fosses-2021" in result["datasets"]


def test_the_services_iri_describes_it_and_answers_queries_like_the_endpoint(catalog_app):
    """Clients that send queries to any IRI ending in /sparql (Comunica's link traversal) get answers, not a 405."""
    described = catalog_app.get("/id/service/sparql", headers={"Accept": "text/turtle"})
    assert described.status_code == 200 and described.headers["content-type"].startswith("text/turtle")
    assert "http://www.w3.org/ns/dcat#DataService" in described.text or "dcat:DataService" in described.text
    by_get = catalog_app.get("/id/service/sparql", params={"query": "ASK {}"}, headers={"Accept": "application/json"})
    assert by_get.status_code == 200 and by_get.json()["boolean"] is True
    by_post = catalog_app.post("/id/service/sparql", data={"query": "SELECT (1 AS ?one) {}"},
                          headers={"Accept": "application/sparql-results+json"})
    assert by_post.status_code == 200 and by_post.json()["results"]["bindings"][0]["one"]["value"] == "1"
    update = catalog_app.post("/id/service/sparql", data={"update": "CLEAR ALL"})
    assert update.status_code == 403 and update.json()["error"]["code"] == "read_only"
