"""The facets of the search, defined once: their URL parameter, their French heading, their order on the page.

A facet value is named in URLs by a short, stable key (``?lever=commande-publique-responsable&year=2021``) made
at build time by :func:`key_of`: a concept's code, a plan's or an organisation's slug, an SDG target's number, a
legal text's official identifier (JORFTEXT, LEGITEXT, CELEX), otherwise the IRI itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from essgraph.rdf.namespaces import ESS_SCHEMES, PREFIXES


@dataclass(frozen=True)
class Facet:
    name: str  # the URL parameter
    label: str  # the heading on the page
    shown: int = 8  # values listed before "more"


FACETS = (
    Facet("type", "Type"),
    Facet("plan", "Plan"),
    Facet("collectivite", "Collectivité"),
    Facet("lever", "Levier d'action"),
    Facet("field", "Champ d'action"),
    Facet("legal", "Base légale"),
    Facet("orgtype", "Type d'organisation"),
    Facet("status", "Statut"),
    Facet("year", "Année du calendrier"),
    Facet("horizon", "Horizon"),
    Facet("sdg", "Cible ODD"),
    Facet("note", "Note de qualité"),
    Facet("has", "Contient"),
    Facet("org", "Organisation impliquée", shown=5),
)
BY_NAME = {f.name: f for f in FACETS}

#: the values of the facets that are not resources of the graph
KINDS = {"action": "Fiche action", "organisation": "Organisation", "plan": "Plan"}
FLAGS = {"budget": "Budget chiffré", "cible": "Indicateur avec cible", "dates": "Calendrier daté"}

#: concept schemes whose concepts are facet values, by facet
SCHEME_OF = {
    "lever": "lever",
    "field": "field",
    "orgtype": "organisation-type",
    "status": "status",
    "horizon": "horizon",
    "note": "anomaly",
}


def key_of(facet: str, iri: str, base: str, identifier: str | None = None) -> str:
    """The URL key of a facet value (see the module's notes)."""
    scheme = SCHEME_OF.get(facet)
    prefixes = [ESS_SCHEMES + scheme + "/"] if scheme else []
    prefixes += {
        "plan": [base + "id/plan/"],
        "collectivite": [base + "id/organisation/"],
        "org": [base + "id/organisation/"],
        "sdg": [PREFIXES["sdg"]],
    }.get(facet, [])
    for prefix in prefixes:
        if iri.startswith(prefix) and len(iri) > len(prefix) and "/" not in iri[len(prefix) :]:
            return iri[len(prefix) :]
    return identifier or iri
