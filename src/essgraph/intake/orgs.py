"""Organisations and places of a plan: matched to the reference data, or minted once.

An organisation is looked up by its explicit identifier (template column ``organisationId``), then by SIREN, then by
its normalised name. A unit of the collectivité (a city service, the council) is only matched among the units of
that collectivité — every city has a "Conseil municipal" —, and an organisation that is not a unit never matches
another collectivité's unit. What matches nothing is minted once per plan: ``id/organisation/{slug}``, units
prefixed with their territory (``id/organisation/{territory}-{slug}``), described in the plan's own
``organisations.ttl`` with the name as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from essgraph.intake.graph import Graph, concept, fr, literal, term
from essgraph.intake.model import Org
from essgraph.intake.names import normalised, slug
from essgraph.intake.problems import WARNING, Problem, Where
from essgraph.intake.reference import Reference

ORG_TYPES_OF_UNITS = ("service-municipal", "instance-municipale")


@dataclass
class Resolver:
    ref: Reference
    territory: str
    graph: Graph = field(default_factory=Graph)  # what is minted: organisations.ttl
    problems: list[Problem] = field(default_factory=list)
    collectivite: str = ""
    minted: dict[tuple, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # IRI -> name, for every organisation resolved

    def organisation(self, org: Org, where: Where) -> str:
        unit = org.unit or org.type in ORG_TYPES_OF_UNITS
        if org.ident:
            found = "id/organisation/" + org.ident
            if found in self.ref.org_labels:
                return self._seen(found, org)
        candidates = self.ref.organisation(siren=org.siren) if org.siren else set()
        if not candidates:
            candidates = self._by_name(org.name, unit)
        if len(candidates) == 1:
            return self._seen(next(iter(candidates)), org)
        if len(candidates) > 1:
            self.problems.append(
                Problem(
                    where,
                    f"plusieurs organisations des données de référence portent ce nom ({', '.join(sorted(candidates))}) : "
                    "une nouvelle est créée ; donnez son SIREN ou son identifiant pour désigner l'une d'elles",
                    f"several organisations of the reference data have this name ({', '.join(sorted(candidates))}): a new "
                    "one is made; give its SIREN or identifier to name one of them",
                    value=org.name,
                    severity=WARNING,
                )
            )
        return self._mint(org, unit)

    def _by_name(self, name: str, unit: bool) -> set[str]:
        found = self.ref.organisation(name=name)
        units = self.ref.org_units
        if unit:
            return {o for o in found if units.get(o) == self.collectivite}
        return {o for o in found if o not in units or units[o] == self.collectivite}

    def _seen(self, found: str, org: Org) -> str:
        self.names.setdefault(found, self.ref.org_labels.get(found, org.name))
        return found

    def _mint(self, org: Org, unit: bool) -> str:
        keys = [("unit" if unit else "org", normalised(org.name))]
        if org.siren:
            keys.insert(0, ("siren", org.siren))
        for key in keys:
            if key in self.minted:
                return self.minted[key]
        base = org.ident or slug(org.name) or "organisation"
        if unit and not org.ident:
            base = f"{slug(self.territory)}-{base}"
        found, n = "id/organisation/" + base, 1
        while found in self.ref.org_labels or found in self.minted.values():
            n += 1
            found = f"id/organisation/{base}-{n}"
        for key in keys:
            self.minted[key] = found
        g = self.graph
        g.add(found, "rdf:type", term("org:OrganizationalUnit" if unit else "org:Organization"))
        g.add(found, "skos:prefLabel", fr(org.name))
        if unit and self.collectivite:
            g.add(found, "org:unitOf", self.collectivite)
        if org.type:
            g.add(found, "ess:organisationType", concept("organisation-type", org.type))
        elif unit:
            g.add(found, "ess:organisationType", concept("organisation-type", "service-municipal"))
        if org.siren:
            g.add(found, "ess:siren", literal(org.siren, "string"))
        self.names[found] = org.name
        return found

    def place(self, name: str, code: str) -> str:
        found = self.ref.place(name=name, code=code)
        if len(found) == 1:
            return next(iter(found))
        base = "id/place/" + (slug(name) or "territoire")
        minted, n = base, 1
        while minted in self.ref.place_labels:
            n += 1
            minted = f"{base}-{n}"
        g = self.graph
        for cls in ("ess:Place", "schema:Place", "dct:Location"):
            g.add(minted, "rdf:type", term(cls))
        g.add(minted, "skos:prefLabel", fr(name))
        if code:
            g.add(minted, "dct:identifier", literal(code, "string"))
        return minted
