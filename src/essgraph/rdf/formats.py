"""Content negotiation: one table of media types, one pure function that honours q-values.

``negotiate(accept, offers)`` returns the offer the client prefers, or None when nothing fits (answer 406; never
fall back silently). Ties between equally acceptable offers go to the server's order of ``offers``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MediaType:
    name: str          # short name used in ?format= and file extensions' table
    media_type: str    # the canonical IANA media type we answer with
    extension: str     # file extension for URLs like /catalog.ttl
    aliases: tuple[str, ...] = ()   # other media types clients send for the same thing

    @property
    def content_type(self) -> str:
        textual = self.media_type.startswith("text/") or self.media_type.endswith(("json", "xml"))
        return f"{self.media_type}; charset=utf-8" if textual else self.media_type


# RDF graphs
TURTLE = MediaType("turtle", "text/turtle", "ttl", ("application/x-turtle",))
NTRIPLES = MediaType("ntriples", "application/n-triples", "nt", ("text/plain",))
JSONLD = MediaType("jsonld", "application/ld+json", "jsonld", ())
RDFXML = MediaType("rdfxml", "application/rdf+xml", "rdf", ())
NQUADS = MediaType("nquads", "application/n-quads", "nq", ())
TRIG = MediaType("trig", "application/trig", "trig", ())
# SPARQL results
SPARQL_JSON = MediaType("json", "application/sparql-results+json", "srj", ("application/json",))
SPARQL_XML = MediaType("xml", "application/sparql-results+xml", "srx", ("application/xml",))
CSV = MediaType("csv", "text/csv", "csv", ())
TSV = MediaType("tsv", "text/tab-separated-values", "tsv", ())
# people
HTML = MediaType("html", "text/html", "html", ("application/xhtml+xml",))
JSON = MediaType("json", "application/json", "json", ())

RDF_GRAPH_TYPES = (TURTLE, JSONLD, NTRIPLES, RDFXML)
RDF_DATASET_TYPES = (TRIG, NQUADS, JSONLD)
RESULT_TYPES = (SPARQL_JSON, SPARQL_XML, CSV, TSV)


@dataclass(frozen=True)
class _Range:
    type: str
    subtype: str
    q: float
    specificity: int
    order: int


def parse_accept(header: str | None) -> list[_Range]:
    """Media ranges of an Accept header; a malformed part is skipped, a missing header accepts everything."""
    if not header or not header.strip():
        return [_Range("*", "*", 1.0, 0, 0)]
    ranges = []
    for order, part in enumerate(header.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        full = pieces[0].lower()
        if "/" not in full:
            continue
        type_, subtype = full.split("/", 1)
        q = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value.strip())))
                except ValueError:
                    q = 0.0
        specificity = 0 if type_ == "*" else (1 if subtype == "*" else 2)
        ranges.append(_Range(type_, subtype, q, specificity, order))
    return ranges


def _quality(offer: MediaType, ranges: list[_Range]) -> float:
    """The q of the most specific range matching the offer (RFC 9110 §12.5.1); 0 when none matches."""
    best: _Range | None = None
    for candidate in (offer.media_type, *offer.aliases):
        type_, subtype = candidate.split("/", 1)
        for r in ranges:
            matches = (r.type == "*" or (r.type == type_ and (r.subtype == "*" or r.subtype == subtype)))
            if matches and (best is None or r.specificity > best.specificity):
                best = r
    return best.q if best else 0.0


def negotiate(accept: str | None, offers: tuple[MediaType, ...]) -> MediaType | None:
    ranges = parse_accept(accept)
    scored = [(_quality(o, ranges), -i, o) for i, o in enumerate(offers)]
    q, _, offer = max(scored, key=lambda t: (t[0], t[1]))
    return offer if q > 0 else None


def by_name(name: str, offers: tuple[MediaType, ...]) -> MediaType | None:
    """An explicit format switch (``?format=turtle``, ``.ttl``, or a media type); None when unknown."""
    name = name.strip().lower()
    for o in offers:
        if name in (o.name, o.extension, o.media_type, *o.aliases):
            return o
    return None
