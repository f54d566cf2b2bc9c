"""The URL module (essgraph.urls): every public path and IRI rule in one place, the routes taken from it."""

from __future__ import annotations

from essgraph import urls
from essgraph.rdf.namespaces import ESS, ESS_SCHEMES
from essgraph.web.routers import catalog, health, pages, sparql

BASE = "https://data.example.org/essgraph/"
SITE = urls.Urls(BASE)


def test_iris_of_the_build_are_minted_under_the_base():
    assert SITE.whole == BASE + "id/dataset/essgraph"
    assert SITE.dataset("ville-2024") == BASE + "id/dataset/ville-2024"
    assert SITE.void == BASE + ".well-known/void"
    assert SITE.dump("datasets/a.ttl") == BASE + "dumps/datasets/a.ttl"
    assert SITE.service == BASE + "id/service/sparql"
    assert SITE.service_description("service") == BASE + "sparql#service"
    assert SITE(urls.CATALOG_GRAPH) == BASE + "graph/catalog"
    assert urls.distribution(SITE.whole, "ttl", True) == SITE.whole + "/distribution/ttl-gz"
    assert urls.part(SITE.whole, "linkset", "un-sdg", "sdgTarget") == SITE.whole + "/linkset/un-sdg/sdgTarget"


def test_the_vocabulary_dereferences_on_this_server():
    assert SITE.href(ESS.rstrip("#")) == BASE + "def"
    assert SITE.href(ESS + "Action") == BASE + "def/term/Action"
    assert SITE.href(ESS_SCHEMES + "lever/commande-publique") == BASE + "def/lever/commande-publique"
    assert SITE.href(BASE + "id/plan/x") == BASE + "id/plan/x"
    assert SITE.href("http://metadata.un.org/sdg/12.3") == "http://metadata.un.org/sdg/12.3"
    assert SITE.is_local(ESS + "Action") and not SITE.is_local("http://metadata.un.org/sdg/12.3")


def test_links_of_pages_and_catalog():
    assert SITE.catalog_page(urls.CATALOG, 2) == BASE + "catalog?page=2"
    assert urls.with_extension(BASE + "id/plan/x/action/1.4", "ttl") == BASE + "id/plan/x/action/1.4.ttl"
    assert SITE.sparql_describe(BASE + "id/a") == BASE + "sparql?query=DESCRIBE%20%3C" + \
        "https%3A%2F%2Fdata.example.org%2Fessgraph%2Fid%2Fa%3E"


def test_every_route_is_a_path_of_the_url_module():
    public = {urls.route(p) for p in (urls.ID, urls.GRAPH, urls.DEF, urls.DEF_TERM, urls.CATALOG, urls.VOID,
                                      urls.DUMPS, urls.SPARQL, urls.SPARQL_STATIC, urls.QUERIES, urls.CONTEXT,
                                      urls.HEALTH, urls.READY)}
    routes = [route.path for module in (catalog, health, pages, sparql) for route in module.router.routes]
    assert routes
    for path in routes:
        assert path == "/" or any(path == p or path.startswith((p + "/", p + ".")) for p in public), path
