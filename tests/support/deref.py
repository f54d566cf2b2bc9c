"""Dereferencing one IRI as a Linked Data client does: in every RDF format and as HTML, with the HTTP around it
(Vary, ETag, Last-Modified, Link alternates, the format URLs); returns what is wrong, so that a test over
thousands of IRIs reports every problem at once.

Every answer is parsed by pyoxigraph; each must hold every triple the published data has about the IRI (read from
the store, not from another answer), and the four RDF answers must be the same graph (compared by
canonicalization, blank nodes included); with ``cross_check`` rdflib reads them too and must agree (an independent
parser, run on a sample because it is slow: see ``sample``).
"""

from __future__ import annotations

from collections import Counter

import httpx
import pyoxigraph as ox

from essgraph.rdf.namespaces import ESS, ESS_SCHEMES
from support.rdf import Contexts, parse, rdflib_agrees, same_graph

RDF_FORMATS = {  # Accept -> extension of its format URL
    "text/turtle": "ttl",
    "application/ld+json": "jsonld",
    "application/n-triples": "nt",
    "application/rdf+xml": "rdf",
}


def page_of(base: str, iri: str) -> str:
    """Where the server answers for an IRI (the vocabulary's IRIs are served under /def)."""
    if iri == ESS.rstrip("#"):
        return base + "def"
    if iri.startswith(ESS):
        return base + "def/term/" + iri[len(ESS):]
    if iri.startswith(ESS_SCHEMES):
        return base + "def/" + iri[len(ESS_SCHEMES):]
    return iri


def all_iris(built) -> list[str]:
    """Every IRI a build publishes a page for: subjects under the base, the vocabulary, its terms and concepts."""
    mine = built.subjects_under((built.base + "id/", built.base + "graph/", ESS, ESS_SCHEMES))
    return mine + [ESS.rstrip("#")]


def kind_of(base: str, iri: str) -> str:
    """The kind of page an IRI has: its path with the identifiers left out ('id/plan/*/action/*', 'def/term/*')."""
    segments = page_of(base, iri)[len(base):].split("/")
    return "/".join(s if i == 0 or i % 2 else "*" for i, s in enumerate(segments))


def sample(base: str, iris: list[str], size: int, every_kind: bool = True) -> set[str]:
    """About ``size`` IRIs spread evenly over the list and, with ``every_kind``, the first of each kind, so that
    every kind of page is in the sample."""
    picked = set(iris[::max(1, len(iris) // size)])
    kinds: dict[str, str] = {}
    for iri in iris if every_kind else ():
        kinds.setdefault(kind_of(base, iri), iri)
    return picked | set(kinds.values())


def own_statements(dataset, iri: str) -> tuple[set, Counter]:
    """What ``dataset`` (a store or a parsed answer) says with ``iri`` as subject, in any graph: its (predicate,
    object) pairs, blank-node objects left out, and the number of blank-node objects of each predicate."""
    named, blanks = set(), set()
    subject = ox.NamedNode(iri)
    found = dataset.quads_for_pattern(subject, None, None, None) if isinstance(dataset, ox.Store) \
        else dataset.quads_for_subject(subject)
    for quad in found:  # each statement once, whatever the graphs holding it
        (blanks if isinstance(quad.object, ox.BlankNode) else named).add((quad.predicate, quad.object))
    return named, Counter(predicate for predicate, _ in blanks)


def missing(answer: ox.Dataset, expected: tuple[set, Counter], iri: str) -> list[str]:
    """The statements of ``expected`` that an answer does not make about ``iri``."""
    named, blank = own_statements(answer, iri)
    gaps = [f"{p.value} {o}" for p, o in expected[0] - named]
    gaps += [f"{p.value} (blank nodes: {blank[p]} of {n})" for p, n in expected[1].items() if blank[p] < n]
    return sorted(gaps)


def check_one(client: httpx.Client, base: str, iri: str, store: ox.Store, explicit: bool = True,
              cross_check: bool = False, contexts: Contexts | None = None) -> list[str]:
    """Fetch one IRI in every format (and, with ``explicit``, by its format URLs too) and compare each answer with
    what ``store`` (the published data) says of it; return what is wrong."""
    problems = []
    url = page_of(base, iri)
    expected = own_statements(store, iri)
    contexts = contexts or Contexts(client)
    bodies, graphs = {}, {}
    for accept, ext in RDF_FORMATS.items():
        response = client.get(url, headers={"Accept": accept})
        if response.status_code != 200:
            problems.append(f"{url} as {accept}: {response.status_code}")
            continue
        if not response.headers["content-type"].startswith(accept):
            problems.append(f"{url} as {accept}: content-type {response.headers['content-type']}")
        if "Accept" not in response.headers.get("vary", ""):
            problems.append(f"{url} as {accept}: no Vary: Accept")
        if not response.headers.get("etag") or not response.headers.get("last-modified"):
            problems.append(f"{url} as {accept}: no ETag or Last-Modified")
        link = response.headers.get("link", "")
        for other, other_ext in RDF_FORMATS.items():
            if other != accept and f'<{url}.{other_ext}>; rel="alternate"; type="{other}"' not in link:
                problems.append(f"{url} as {accept}: Link misses the {other} alternate")
        if f'<{url}.html>; rel="alternate"; type="text/html"' not in link or 'rel="describedby"' not in link:
            problems.append(f"{url} as {accept}: Link misses the HTML alternate or describedby")
        try:
            graphs[accept] = parse(response.content, accept, url, contexts)
        except (SyntaxError, ValueError) as exc:   # report every parse failure, not only the first
            problems.append(f"{url} as {accept}: does not parse ({exc})")
            continue
        bodies[accept] = response.content
        gaps = missing(graphs[accept], expected, iri)
        if gaps or not (expected[0] or expected[1] or next(iter(graphs[accept].quads_for_subject(
                ox.NamedNode(iri))), None)):
            problems.append(f"{url} as {accept}: misses {len(gaps)} of the data's statements about it, "
                            f"or has none ({gaps[:3]})")
        if explicit:
            switched = client.get(f"{url}.{ext}")
            if switched.status_code != 200 or switched.content != response.content:
                problems.append(f"{url}.{ext}: {switched.status_code}, not the same body as with Accept")
    reference = graphs.get("text/turtle")
    for accept, graph in graphs.items():
        if reference is not None and accept != "text/turtle" and not same_graph(reference, graph):
            problems.append(f"{url}: {accept} is not the same graph as Turtle "
                            f"({len(graph)} vs {len(reference)} triples)")
    if cross_check and len(bodies) == len(RDF_FORMATS):
        problems += [f"{url}: {p}" for p in rdflib_agrees(bodies, url, contexts)]
    html = client.get(url, headers={"Accept": "text/html"})
    if html.status_code != 200 or not html.headers["content-type"].startswith("text/html"):
        problems.append(f"{url} as HTML: {html.status_code} {html.headers.get('content-type')}")
    elif "<h1" not in html.text:
        problems.append(f"{url} as HTML: no heading")
    return problems
