"""Every IRI of the real project (essgraph.toml) dereferences in every format on a real server.

Skipped, with the build's error as the reason, while the project's data does not build (it is written in
parallel); it must pass once it builds.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import rdflib

from pages_live import REAL_PROJECT, LiveServer
from test_deref_fixture import all_iris, check_one, page_of
from essgraph.rdf.namespaces import ESS


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """The repository's own project, built and served (its data must build: no skip)."""
    server = LiveServer(REAL_PROJECT, tmp_path_factory.mktemp("real"))
    yield server
    server.close()


@pytest.fixture(scope="module")
def client(live):
    with httpx.Client(timeout=60, trust_env=False) as c:
        yield c


@pytest.mark.slow
def test_every_iri_of_the_real_project_dereferences_in_every_format(live, client):
    iris = all_iris(live)
    assert any(i.startswith(live.base + "id/plan/") for i in iris)
    with ThreadPoolExecutor(4) as pool:
        problems = [p for found in pool.map(lambda i: check_one(client, live, i, explicit=False), iris)
                    for p in found]
    assert not problems, f"{len(problems)} problems, first ones:\n" + "\n".join(problems[:40])


def test_the_context_has_a_readable_key_for_every_ess_term(live, client):
    keys = client.get(live.base + "context.jsonld").json()["@context"]
    ontology = rdflib.Graph().parse(data=client.get(live.base + "def.ttl").content, format="turtle")
    terms = {str(s)[len(ESS):] for s in ontology.subjects(rdflib.RDF.type, None) if str(s).startswith(ESS)}
    missing = sorted(terms - set(keys))
    assert not missing, f"add these ess: terms to src/essgraph/web/static/site/context.jsonld: {missing}"


def test_unknown_iris_and_formats(live, client):
    assert client.get(live.base + "id/plan/no-such-plan", headers={"Accept": "text/turtle"}).status_code == 404
    plan = next(i for i in all_iris(live) if i.startswith(live.base + "id/plan/"))
    assert client.get(page_of(live, plan), headers={"Accept": "image/png"}).status_code == 406
