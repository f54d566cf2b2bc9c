"""Every IRI of the real project (essgraph.toml) dereferences in every format (in-process).

Every IRI is fetched in the four RDF formats and as HTML; every answer is parsed by pyoxigraph, must state
everything the data states about the IRI, and the four graphs must be the same; rdflib reads a sample of them and must agree (every kind of page is cross-checked on the fixture
project, tests/web/test_deref_fixture.py). The project's data must build: no skip.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import rdflib

from essgraph.rdf.namespaces import ESS
from support.deref import all_iris, check_one, page_of, sample
from support.rdf import Contexts

PROJECT = "real"   # the repository's own project, built once per session (its data must build: no skip)


@pytest.mark.slow
def test_every_iri_of_the_real_project_dereferences_in_every_format(built, live, client):
    iris = all_iris(built)
    assert any(i.startswith(live.base + "id/plan/") for i in iris)
    checked = sample(live.base, iris, 25, every_kind=False)   # every kind is cross-checked on the fixture project
    contexts = Contexts(client)
    with ThreadPoolExecutor(2) as pool:
        problems = [p for found in pool.map(lambda i: check_one(client, live.base, i, built.memory, explicit=False,
                                                                cross_check=i in checked, contexts=contexts), iris)
                    for p in found]
    assert not problems, f"{len(problems)} problems, first ones:\n" + "\n".join(problems[:40])


def test_the_context_has_a_readable_key_for_every_ess_term(live, client):
    keys = client.get(live.base + "context.jsonld").json()["@context"]
    ontology = rdflib.Graph().parse(data=client.get(live.base + "def.ttl").content, format="turtle")
    terms = {str(s)[len(ESS):] for s in ontology.subjects(rdflib.RDF.type, None) if str(s).startswith(ESS)}
    missing = sorted(terms - set(keys))
    assert not missing, f"add these ess: terms to src/essgraph/web/static/site/context.jsonld: {missing}"


def test_unknown_iris_and_formats(built, live, client):
    assert client.get(live.base + "id/plan/no-such-plan", headers={"Accept": "text/turtle"}).status_code == 404
    plan = next(i for i in all_iris(built) if i.startswith(live.base + "id/plan/"))
    assert client.get(page_of(live.base, plan), headers={"Accept": "image/png"}).status_code == 406
