"""The SERVICE decision on the query's parsed form (essgraph.sparql.syntax, essgraph.sparql.guard.refuse_service),
checked against pyoxigraph itself: every bypass of the corpus is a query pyoxigraph really runs (in a process
without network, its SERVICE call fails on the kernel filter: that proves the attempt) and essgraph refuses it; the
look-alikes are answered; and on thousands of mutated queries, essgraph's reading agrees with pyoxigraph's: it never
lets through a text pyoxigraph would send to another host, and reads every text pyoxigraph accepts."""

from __future__ import annotations

import json
import random
import subprocess
import sys

import pytest

from essgraph.errors import QueryRefused
from essgraph.sparql.guard import check_query, refuse_service
from essgraph.sparql.syntax import names_service, read_query
from support.projects import ROOT
from support.sparql_corpus import BYPASSES, LOOKALIKES

SERVICE_URL = "http://127.0.0.1:18080/"  # never reached: the oracle has no network, its calls fail with EPERM
REPOSITORY_QUERIES = sorted(p for folder in ("queries", "shapes/integrity", "tests/fixtures/sparql/queries")
                            for p in (ROOT / folder).glob("*.rq"))
ORACLE = """
import json, sys
import pyoxigraph as ox
from essgraph.sparql import sandbox
assert sandbox.deny_network()
store = ox.Store()
DOUBLE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#double")
for s, o in (("a", ox.Literal(True)), ("b", ox.Literal(False)), ("c", ox.Literal("1e1", datatype=DOUBLE))):
    store.add(ox.Quad(ox.NamedNode("http://example.org/" + s), ox.NamedNode("http://example.org/p"), o,
                      ox.NamedNode("http://example.org/g")))
outcomes = []
for query in json.load(sys.stdin):
    try:
        result = store.query(query, base_iri="http://127.0.0.1:8000/sparql", use_default_graph_as_union=True)
        if not isinstance(result, ox.QueryBoolean):
            for _ in result:
                pass
        outcomes.append("answered")
    except SyntaxError:
        outcomes.append("syntax error")
    except PermissionError:
        outcomes.append("network")
    except Exception as exc:
        outcomes.append(f"failed: {exc}")
print(json.dumps(outcomes))
"""


def pyoxigraph_outcomes(queries: list[str]) -> list[str]:
    """What pyoxigraph alone does with each query, in a process where creating a socket fails (EPERM)."""
    done = subprocess.run([sys.executable, "-c", ORACLE], input=json.dumps(queries), capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def refused(query: str) -> bool:
    try:
        refuse_service(query)
    except QueryRefused as exc:
        assert exc.code == "service_refused" and exc.status == 403
        return True
    return False


def test_every_bypass_is_a_real_service_call_and_is_refused():
    queries = {name: template.format(u=SERVICE_URL) for name, template in BYPASSES.items()}
    outcomes = dict(zip(queries, pyoxigraph_outcomes(list(queries.values()))))
    for name, query in queries.items():
        expected = "answered" if "SILENT" in query else "network"  # SILENT swallows the failed call
        assert outcomes[name] == expected, f"{name}: pyoxigraph does not call the service ({outcomes[name]})"
        reading = read_query(query)
        assert reading.ok and reading.services, name
        assert refused(query), name


def test_the_issues_bypass_fools_the_tokens_but_not_the_parsed_form():
    query = BYPASSES["less-than-then-iri-lookalike"].format(u=SERVICE_URL)
    check_query(query)  # the cheap early check sees an IRI <?b)SERVICE#>: it is not the decision
    with pytest.raises(QueryRefused) as caught:
        refuse_service(query)
    assert "SERVICE (federated query) at line 1, column 40" in caught.value.message


@pytest.mark.parametrize("query", LOOKALIKES)
def test_the_word_service_outside_a_keyword_is_read_as_pyoxigraph_reads_it(query):
    assert pyoxigraph_outcomes([query]) == ["answered"]
    assert read_query(query) == read_query(query).__class__(True)
    assert not refused(query)


@pytest.mark.parametrize("path", REPOSITORY_QUERIES, ids=[f"{p.parent.name}/{p.name}" for p in REPOSITORY_QUERIES])
def test_the_repositorys_queries_are_read_to_their_end(path):
    reading = read_query(path.read_text(encoding="utf-8"))
    assert reading.ok and reading.services == ()


def test_a_text_that_cannot_be_read_is_refused_only_when_it_names_service():
    assert not read_query("SELECT * WHERE { ?s ?p ?o").ok
    assert not refused("SELECT * WHERE { ?s ?p ?o")  # pyoxigraph reports the syntax error itself
    with pytest.raises(QueryRefused) as caught:
        refuse_service("SELECT * WHERE {\n  ?service ?p ?o")
    assert "cannot be read past line 2, column 17" in caught.value.message


def test_deep_nesting_is_read_and_a_costly_text_gives_up_instead_of_hanging():
    deep = "SELECT * WHERE { FILTER(" + "(" * 1000 + "1" + ")" * 1000 + ") }"
    assert read_query(deep).ok
    costly = "SELECT * WHERE { FILTER(" + "REGEX(" * 40 + "1" + ",2)" * 40 + ") }"  # two readings per level
    reading = read_query(costly, budget_per_char=20)
    assert not reading.ok
    assert names_service(costly + "Service") and not names_service(costly)


TOKENS = ["SERVICE", "SERVICE <{u}>{{}}", " SERVICE <{u}> {{ }} ", "<", ">", "#", "\n", '"', "'", "?b", ")", "(", "{",
          "}", ".", ";", ",", "true", "a", ":", "<<", ">>", "<<(", ")>>", "~", "{|", "|}", "^", "/", "|", "*", "+",
          "-", "!", "=", "SILENT", "\\u0041", " ", "FILTER(?s<?b)", "_:b", "@en", "^^", "1e1", "UNION", "OPTIONAL",
          "$x", "service", "<?b)", "#>\n", "x:", "ex:a", "'''", '"""', "\\", "%41", "NOT", "IN", "EXISTS"]


def _mutants(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    queries = [p.read_text(encoding="utf-8") for p in REPOSITORY_QUERIES] + LOOKALIKES
    bypasses = [t.format(u=SERVICE_URL) for t in BYPASSES.values()]
    tokens = [t.replace("{u}", SERVICE_URL).replace("{{", "{").replace("}}", "}") if "{u}" in t else t for t in TOKENS]
    out = []
    for _ in range(count):
        query = rng.choice(bypasses if rng.random() < 0.5 else queries)
        for _ in range(rng.randint(1, 2)):
            at = rng.randrange(len(query) + 1)
            if rng.random() < 0.65:
                query = query[:at] + rng.choice(tokens) + query[at:]
            else:
                query = query[:at] + query[at + rng.randint(1, 6):]
        out.append(query)
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_on_mutated_queries_essgraph_reads_what_pyoxigraph_reads(seed):
    """Soundness: every text pyoxigraph sends to another host is refused. Fidelity: every text pyoxigraph accepts
    is read to its end. (essgraph may read texts that pyoxigraph then rejects for a semantic rule — an unbound
    projected variable, a duplicated one —: those never run anyway.)"""
    mutants = _mutants(seed, 3000)
    outcomes = pyoxigraph_outcomes(mutants)
    calls = [q for q, o in zip(mutants, outcomes) if o == "network"]
    accepted = [q for q, o in zip(mutants, outcomes) if o != "syntax error"]
    assert len(calls) > 50 and len(accepted) > 500  # the mutants do exercise both sides
    assert [q for q in calls if not refused(q)] == []
    assert [q for q in accepted if not read_query(q).ok] == []
