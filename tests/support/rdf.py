"""Reading RDF answers in the tests: parsing by pyoxigraph (fast, every answer), comparison of graphs by RDF
canonicalization (isomorphism, blank nodes included), and rdflib as the independent second reader on a sample.

JSON-LD answers name their context by URL (``{base}context.jsonld``); ``Contexts`` fetches it once through the
test's client and puts it inline, as a JSON-LD processor's document loader would: nothing is fetched over a network.
"""

from __future__ import annotations

import json

import httpx
import pyoxigraph as ox
import rdflib
from rdflib.compare import isomorphic

# rdflib's name of each RDF media type (rdflib is the cross-check; pyoxigraph knows its formats by media type)
RDFLIB_FORMATS = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt",
                  "application/rdf+xml": "xml", "application/n-quads": "nquads", "application/trig": "trig"}


def media_of(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0].strip()


class Contexts:
    """The JSON-LD contexts a client can fetch, each fetched once; ``inline(body)`` replaces context URLs by them."""

    def __init__(self, client: httpx.Client):
        self.client = client
        self.known: dict[str, object] = {}

    def _context(self, url: str):
        if url not in self.known:
            response = self.client.get(url)
            response.raise_for_status()
            self.known[url] = response.json()["@context"]
        return self.known[url]

    def inline(self, body: bytes) -> bytes:
        doc = json.loads(body)
        for node in doc if isinstance(doc, list) else [doc]:
            context = node.get("@context") if isinstance(node, dict) else None
            if isinstance(context, str):
                node["@context"] = self._context(context)
            elif isinstance(context, list):
                node["@context"] = [self._context(c) if isinstance(c, str) else c for c in context]
        return json.dumps(doc).encode()


def parse(body: bytes, media: str, base: str | None = None, contexts: Contexts | None = None) -> ox.Dataset:
    """The quads of an answer, read by pyoxigraph (raises SyntaxError with the position on bad input)."""
    if media == "application/ld+json" and contexts is not None:
        body = contexts.inline(body)
    return ox.Dataset(ox.parse(body, format=ox.RdfFormat.from_media_type(media), base_iri=base))


def canonical(dataset: ox.Dataset) -> ox.Dataset:
    """A copy with canonical blank node labels (RDFC-1.0): two datasets are isomorphic when their copies are equal."""
    copy = ox.Dataset(dataset)
    copy.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return copy


def same_graph(one: ox.Dataset, other: ox.Dataset) -> bool:
    """Isomorphism of two parsed answers (blank nodes matched by canonicalization)."""
    return len(one) == len(other) and canonical(one) == canonical(other)


def rdflib_graph(body: bytes, media: str, base: str | None = None, contexts: Contexts | None = None) -> rdflib.Graph:
    """The same answer read by rdflib, an independent parser."""
    if media == "application/ld+json" and contexts is not None:
        body = contexts.inline(body)
    return rdflib.Graph().parse(data=body, format=RDFLIB_FORMATS[media], publicID=base)


def rdflib_agrees(answers: dict[str, bytes], base: str | None = None, contexts: Contexts | None = None) -> list[str]:
    """rdflib reads every answer (media type -> body) as the same graph as the first: what differs, if anything."""
    graphs = {media: rdflib_graph(body, media, base, contexts) for media, body in answers.items()}
    first, reference = next(iter(graphs.items()))
    return [f"{media} is not the same graph as {first} for rdflib ({len(graph)} vs {len(reference)} triples)"
            for media, graph in graphs.items() if not isomorphic(graph, reference)]
