"""The W3C SPARQL 1.1 Protocol test manifest (tests/fixtures/sparql/w3c/, copied verbatim), run against the app
in-process: every request of every test is sent as the manifest writes it (``/sparql/`` becomes ``/sparql``).

The endpoint is read-only by design, so the manifest's update tests are inverted: each update request must be
refused with a 4xx, and the follow-up query that checks the update's effect must see nothing changed."""

from __future__ import annotations

import pytest
import rdflib
from rdflib import RDF, Namespace
from rdflib.collection import Collection

from support.projects import FIXTURES

W3C = FIXTURES / "sparql" / "w3c"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
FORMATS = {
    "boolean": ("application/sparql-results+json", "application/sparql-results+xml"),
    "tabular": ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values"),
    "RDF": ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"),
}


def _manifest() -> list[tuple[str, str, list[dict]]]:
    graph = rdflib.Graph().parse(W3C / "manifest.ttl", format="turtle", publicID="http://example.org/manifest")
    tests = []
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    for test in Collection(graph, graph.value(manifest, MF.entries)):
        action = graph.value(test, MF.action)
        requests = []
        for req in Collection(graph, graph.value(action, HT.requests)):
            body = graph.value(req, HT.body)
            headers = {}
            header_list = graph.value(req, HT.headers)
            if header_list is not None:
                for h in Collection(graph, header_list):
                    headers[str(graph.value(h, HT.fieldName))] = str(graph.value(h, HT.fieldValue))
            resp = graph.value(req, HT.resp)
            boolean = graph.value(resp, MF.expectedBoolean)
            fmt = graph.value(resp, MF.expectedFormat)
            requests.append({
                "method": str(graph.value(req, HT.methodName)),
                "path": str(graph.value(req, HT.absolutePath)).replace("/sparql/", "/sparql", 1),
                "headers": headers,
                "body": None if body is None else (str(graph.value(body, CNT.chars)),
                                                   str(graph.value(body, CNT.characterEncoding))),
                "status": {str(s).rsplit("#StatusCode", 1)[1][0] for s in graph.objects(resp, MF.expectedStatus)},
                "boolean": None if boolean is None else boolean.toPython(),
                "format": None if fmt is None else str(fmt),
            })
        tests.append((str(test).rsplit("#", 1)[1], str(graph.value(test, MF.name)), requests))
    return tests


TESTS = _manifest()


def _is_update(req: dict) -> bool:
    body = req["body"][0] if req["body"] else ""
    return (req["headers"].get("content-type", "").startswith("application/sparql-update")
            or body.startswith("update=") or "update=" in req["path"] or "using-graph-uri" in req["path"]
            or "using-named-graph-uri" in req["path"] or (req["method"] == "POST" and "INSERT" in body))


def test_the_manifest_has_all_its_tests():
    assert len(TESTS) == 34


@pytest.fixture(scope="module")
def client(builds):
    with builds["sparql"].serve().client() as c:
        yield c


@pytest.mark.parametrize("name,label,requests", TESTS, ids=[t[0] for t in TESTS])
def test_w3c_protocol(client, name, label, requests):
    refused_update = False
    for req in requests:
        content = None
        if req["body"]:
            chars, encoding = req["body"]
            content = chars.encode(encoding.lower())
        r = client.request(req["method"], req["path"], headers=req["headers"], content=content)
        if _is_update(req):
            assert 400 <= r.status_code < 500, f"{label}: an update must be refused, got {r.status_code} {r.text}"
            refused_update = True
            continue
        assert str(r.status_code)[0] in req["status"], f"{label}: {r.status_code} {r.text}"
        if r.status_code >= 300 or req["format"] is None:
            continue
        media = r.headers["content-type"].split(";")[0]
        assert media in FORMATS[req["format"]], f"{label}: {media}"
        if req["format"] == "RDF":
            rdflib.Graph().parse(data=r.content, format={"text/turtle": "turtle", "application/n-triples": "nt",
                                                         "application/ld+json": "json-ld",
                                                         "application/rdf+xml": "xml"}[media])
        if req["boolean"] is not None:
            answer = r.json()["boolean"] if media.endswith("json") else "<boolean>true</boolean>" in r.text
            # after a refused update, its effect must be absent: the manifest's expected answer is inverted
            assert answer is (not req["boolean"] if refused_update else req["boolean"]), label
