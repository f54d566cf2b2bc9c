"""HTTP rules shared by every route: content negotiation (q-values, 406 when nothing fits).

``negotiate(accept, offers)`` returns the offer the client prefers, or None when nothing fits (answer 406; never
fall back silently). Ties between equally acceptable offers go to the server's order of ``offers``.
"""

from __future__ import annotations

from dataclasses import dataclass

from essgraph.rdf.formats import Format


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


def _quality(offer: Format, ranges: list[_Range]) -> float:
    """The q of the most specific range matching the offer (RFC 9110 §12.5.1); 0 when none matches."""
    best: _Range | None = None
    for candidate in (offer.media_type, *(a for a in offer.aliases if "/" in a)):
        type_, subtype = candidate.split("/", 1)
        for r in ranges:
            matches = (r.type == "*" or (r.type == type_ and (r.subtype == "*" or r.subtype == subtype)))
            if matches and (best is None or r.specificity > best.specificity):
                best = r
    return best.q if best else 0.0


def negotiate(accept: str | None, offers: tuple[Format, ...]) -> Format | None:
    ranges = parse_accept(accept)
    scored = [(_quality(o, ranges), -i, o) for i, o in enumerate(offers)]
    q, _, offer = max(scored, key=lambda t: (t[0], t[1]))
    return offer if q > 0 else None
