"""A published plan written back into the template: the rows of every table, read from the store of a build.

What the template carries is what :mod:`.template` reads: a plan exported here and imported again gives back
every one of those facts (tests/intake/test_round_trip.py compares the two graphs on them). What it does not carry
stays only in the RDF: means other than budget lines, quantities, places, funding programmes, links between
actions, data-quality notes other than the missing objective / description / indicator ones, the notice's
rationale, rapporteur and decision wording, calendars given by month, relative to another event or as several days.
A budget line is a financial means with one amount (no range) whose period, if any, is per month or per year.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from essgraph.errors import ConfigError
from essgraph.intake.reference import Reference
from essgraph.intake.template import DEFAULT_BUDGET_LABEL
from essgraph.rdf.namespaces import ESS_SCHEMES, sparql_prefixes

PREFIXES = sparql_prefixes("ess", "rdf", "rdfs", "skos", "dct", "foaf", "prov", "time", "schema", "oa")
PERIODS = {"MON": "par-mois", "ANN": "par-an"}
PLAN_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


class Exporter:
    def __init__(self, store: ox.Store, base_iri: str, ref: Reference, plan_id: str):
        self.store, self.base, self.ref = store, base_iri, ref
        if not PLAN_ID.match(plan_id):
            raise ConfigError(f"{plan_id!r} is not a plan identifier", hint="a lowercase identifier like my-city-2024")
        self.plan = ox.NamedNode(f"{base_iri}id/plan/{plan_id}")
        if not self.ask("ASK { $plan a ess:Plan }"):
            plans = [r["p"].value for r in self.select("SELECT ?p WHERE { ?p a ess:Plan } ORDER BY ?p", plan=False)]
            known = ", ".join(p.rsplit("/", 1)[-1] for p in plans) or "none"
            raise ConfigError(
                f"no plan {plan_id!r} in the published build (base {base_iri})", hint=f"plans published: {known}"
            )
        self.codes: dict[str, str] = {}

    # -- queries ------------------------------------------------------------------------------------------------

    def select(self, query: str, plan: bool = True, **terms) -> list:
        """Rows of ``query`` with ``$plan`` and ``$name`` bound to IRIs (the N-Triples form of a checked IRI cannot
        break out of the query; a blank node has no such form: nothing is found for it)."""
        if plan:
            terms["plan"] = self.plan
        for name, value in terms.items():
            if not isinstance(value, ox.NamedNode):
                return []
            query = query.replace(f"${name}", str(value))
        return list(self.store.query(PREFIXES + query, use_default_graph_as_union=True))

    def ask(self, query: str) -> bool:
        return bool(
            self.store.query(PREFIXES + query.replace("$plan", str(self.plan)), use_default_graph_as_union=True)
        )

    def one(self, node, prop: str, lang: str | None = "fr") -> str:
        rows = self.select(f"SELECT ?v WHERE {{ $s {prop} ?v }} ORDER BY ?v", s=node)
        values = [r["v"] for r in rows if lang is None or getattr(r["v"], "language", None) in (lang, None)]
        return values[0].value if values else ""

    def all(self, node, prop: str) -> list:
        return [r["v"] for r in self.select(f"SELECT ?v WHERE {{ $s {prop} ?v }} ORDER BY ?v", s=node)]

    def code(self, concept, scheme: str) -> str:
        prefix = f"{ESS_SCHEMES}{scheme}/"
        return concept.value[len(prefix) :] if concept.value.startswith(prefix) else ""

    def local(self, node, under: str) -> str:
        prefix = self.base + under
        return node.value[len(prefix) :] if isinstance(node, ox.NamedNode) and node.value.startswith(prefix) else ""

    # -- tables -------------------------------------------------------------------------------------------------

    def tables(self) -> dict[str, list[dict]]:
        axes, section_codes = self.axes()
        actions = self.actions(section_codes)
        out = {"plan": [self.plan_row()], "axes": axes, "actions": [a for a, _ in actions]}
        for name in ("partenaires", "budgets", "indicateurs", "bases_legales"):
            out[name] = [row for _, parts in actions for row in parts.get(name, [])]
        return out

    def plan_row(self) -> dict:
        p, one = self.plan, self.one
        coll = next(iter(self.all(p, "ess:collectivite")), None)
        place = next(iter(self.all(p, "dct:spatial")), None)
        deliberation = next(iter(self.all(p, "ess:adoptedBy")), None)
        doc = next(iter(self.all(p, "dct:source")), None)
        row = {
            "id": self.local(p, "id/plan/"),
            "nom": one(p, "dct:title"),
            "sousTitre": one(p, "ess:subtitle"),
            "dureePrevue": one(p, "ess:plannedDuration", None),
            "dureeLibelle": one(p, "ess:durationWording"),
        }
        if coll is not None:
            row.update(collectivite=one(coll, "skos:prefLabel"), siren=one(coll, "ess:siren", None))
        if place is not None:
            row.update(territoire=one(place, "skos:prefLabel"), codeInsee=one(place, "dct:identifier", None))
        if deliberation is not None:
            body = next(iter(self.all(deliberation, "ess:body")), None)
            row.update(
                dateDeliberation=_date(one(deliberation, "dct:date", None)),
                pointOrdreDuJour=one(deliberation, "ess:agendaItem", None),
                instanceDeliberation=one(body, "skos:prefLabel") if body is not None else "",
            )
        if doc is not None:
            row.update(sourceTitre=one(doc, "dct:title"))
            page = next(iter(self.all(doc, "foaf:page")), None)
            if page is not None:
                row["sourceUrl"] = page.value
        return row

    def axes(self) -> tuple[list[dict], dict]:
        rows: list[dict] = []
        codes: dict = {}
        todo = [(self.plan, "")]
        while todo:
            parent, parent_code = todo.pop(0)
            children = self.select(
                """SELECT ?s ?pos WHERE { $parent ess:hasSection ?s . OPTIONAL { ?s ess:position ?pos } }
                                      ORDER BY ?pos ?s""",
                parent=parent,
            )
            for n, r in enumerate(children, 1):
                s = r["s"]
                number = self.one(s, "skos:notation", None)
                code = (number or str(n)) if not parent_code else f"{parent_code}.{n}"
                while code in codes.values():
                    code += "b"
                codes[s.value] = code
                rows.append(
                    {
                        "code": code,
                        "parent": parent_code,
                        "numero": number,
                        "nom": self.one(s, "rdfs:label"),
                        "position": int(r["pos"].value) if r["pos"] is not None else n,
                    }
                )
                todo.append((s, code))
        return rows, codes

    def actions(self, sections: dict) -> list[tuple[dict, dict]]:
        rows = self.select("""SELECT ?a ?n WHERE { ?a ess:inPlan $plan ; ess:cardNumber ?n }""")
        found = [self.action(r["a"], r["n"].value, sections) for r in rows]
        return sorted(found, key=lambda pair: _card_key(pair[0]["numero"]))

    def action(self, a, number: str, sections: dict) -> tuple[dict, dict]:
        one, all_ = self.one, self.all
        section = next(iter(all_(a, "ess:section")), None)
        row = {
            "numero": number,
            "numeroImprime": one(a, "ess:printedNumber", None),
            "axe": sections.get(section.value, "") if section is not None else "",
            "nom": one(a, "dct:title"),
            "titreSynthese": one(a, "ess:summaryTitle"),
            "libelle": one(a, "rdfs:label", "fr"),
            "libelleEn": one(a, "rdfs:label", "en"),
            "contexte": one(a, "ess:context"),
            "description": one(a, "dct:description"),
            "methode": one(a, "ess:methodWording"),
            "moyens": one(a, "ess:meansWording"),
            "calendrier": one(a, "ess:calendarWording"),
            "indicateursLibelle": one(a, "ess:indicatorWording"),
            "repereSource": one(a, "ess:sourceLocator"),
            "lignesSource": one(a, "ess:sourceLines", None),
        }
        row["objectifs"] = "\n".join(self.ordered(a, "ess:objective"))
        row["etapes"] = "\n".join(self.ordered(a, "ess:step"))
        row.update(self.calendar(a))
        for column, prop, scheme in (
            ("horizon", "ess:horizon", "horizon"),
            ("phaseStatut", "ess:status", "status"),
            ("priorite", "ess:priority", "priority"),
        ):
            row[column] = ", ".join(self.code(c, scheme) for c in all_(a, prop))
        for column, prop, scheme in (
            ("leviers", "ess:lever", "lever"),
            ("champs", "ess:field", "field"),
            ("transversalite", "ess:transversalWith", "transversality"),
        ):
            row[column] = ", ".join(self.code(c, scheme) for c in all_(a, prop))
        row["ciblesOdd"] = ", ".join(c.value.rsplit("/", 1)[-1] for c in all_(a, "ess:sdgTarget"))
        row["basesLegalesLibelle"] = "\n".join(v.value for v in all_(a, "ess:legalBasisWording"))
        parts = {
            "partenaires": self.partners(a, number),
            "indicateurs": self.indicators(a, number),
            "bases_legales": [{"action": number, "texte": self.legal_name(t.value)} for t in all_(a, "ess:legalBasis")],
        }
        budgets = self.budgets(a, number)
        total = next((i for i, b in enumerate(budgets) if _is_total(b)), None)
        if total is not None:  # the planned total goes back to its column of the actions table
            row["budgetPrevisionnel"] = budgets.pop(total)["montant"]
        parts["budgets"] = budgets
        return row, parts

    def ordered(self, a, prop: str) -> list[str]:
        rows = self.select(
            f"""SELECT ?label ?pos WHERE {{ $a {prop} ?x . ?x rdfs:label ?label ; ess:position ?pos .
                               FILTER (LANGMATCHES(LANG(?label), "fr")) }} ORDER BY ?pos""",
            a=a,
        )
        return [r["label"].value for r in rows]

    def calendar(self, a) -> dict:
        days = self.all(a, "ess:scheduledDate")
        if len(days) == 1:  # one day: start = end; several days stay in the calendar's wording only
            return {"dateDebutPrevisionnelle": _date(days[0].value), "dateFinPrevisionnelle": _date(days[0].value)}
        if days:
            return {}
        rows = self.select(
            """SELECT ?start ?end WHERE { $a ess:scheduledInterval ?i .
                               OPTIONAL { ?i time:hasBeginning/time:inXSDDate ?start }
                               OPTIONAL { ?i time:hasEnd/time:inXSDDate ?end } }""",
            a=a,
        )
        if not rows or rows[0]["start"] is None:  # an interval without a day to start from is not carried
            return {}
        end = rows[0]["end"]
        return {
            "dateDebutPrevisionnelle": _date(rows[0]["start"].value),
            "dateFinPrevisionnelle": _date(end.value) if end is not None else None,
        }

    def partners(self, a, number: str) -> list[dict]:
        rows = self.select(
            """SELECT ?agent ?wording ?pos ?role WHERE { $a prov:qualifiedAssociation ?i .
                               ?i prov:agent ?agent ; ess:sourceWording ?wording ; ess:position ?pos .
                               OPTIONAL { ?i prov:hadRole ?role } } ORDER BY ?pos""",
            a=a,
        )
        out = []
        for r in rows:
            agent = r["agent"]
            types = [self.code(t, "organisation-type") for t in self.all(agent, "ess:organisationType")]
            out.append(
                {
                    "action": number,
                    "organisation": r["wording"].value,
                    "organisationId": self.local(agent, "id/organisation/"),
                    "siren": self.one(agent, "ess:siren", None),
                    "type": types[0] if types else "",
                    "role": self.code(r["role"], "role") if r["role"] is not None else "",
                }
            )
        return out

    def budgets(self, a, number: str) -> list[dict]:
        rows = self.select(
            """SELECT ?m ?amount ?value ?currency ?unit ?label ?wording WHERE {
                                $a ess:means ?m . ?m a ess:FinancialResource ; ess:amount ?amount .
                                ?amount schema:value ?value ; schema:currency ?currency .
                                OPTIONAL { ?amount schema:unitCode ?unit }
                                OPTIONAL { ?m rdfs:label ?label FILTER (LANGMATCHES(LANG(?label), "fr")) }
                                OPTIONAL { ?amount ess:wording ?wording }
                                FILTER NOT EXISTS { ?amount schema:minValue|schema:maxValue ?range } }""",
            a=a,
        )
        out = []
        for r in sorted(rows, key=lambda r: _means_key(r["m"].value)):
            unit = r["unit"].value if r["unit"] is not None else ""
            if unit and unit not in PERIODS:
                continue  # a period the template cannot say: the budget line stays only in the RDF
            amount, means = r["amount"], r["m"]
            funder = next(iter(self.all(means, "schema:funder")), None)
            stage = next(iter(self.all(amount, "ess:budgetStage")), None)
            section = next(iter(self.all(amount, "ess:expenditureType")), None)
            label = r["label"].value if r["label"] is not None else ""
            wording = r["wording"].value if r["wording"] is not None else ""
            out.append(
                {
                    "action": number,
                    "montant": _number(r["value"].value),
                    "devise": r["currency"].value,
                    "periode": PERIODS.get(unit, ""),
                    "annee": _year(self.one(amount, "ess:fiscalYear", None)),
                    "nature": self.code(stage, "budget-stage") if stage is not None else "",
                    "section": self.code(section, "expenditure-type") if section is not None else "",
                    "financeur": self.one(funder, "skos:prefLabel") if funder is not None else "",
                    "financeurSiren": self.one(funder, "ess:siren", None) if funder is not None else "",
                    "libelle": label,
                    "libelleMontant": wording if wording != label else "",
                }
            )
        return out

    def indicators(self, a, number: str) -> list[dict]:
        rows = self.select(
            """SELECT ?i ?label ?pos WHERE { $a ess:resultIndicator ?i . ?i rdfs:label ?label ;
                               ess:position ?pos FILTER (LANGMATCHES(LANG(?label), "fr")) } ORDER BY ?pos""",
            a=a,
        )
        out = []
        for r in rows:
            row = {"action": number, "nom": r["label"].value}
            target = next(iter(self.all(r["i"], "ess:target")), None)
            if target is not None:
                row.update(
                    cible=self.one(target, "ess:wording"), dateCible=_date(self.one(target, "ess:targetDate", None))
                )
                value = next(iter(self.all(target, "ess:targetValue")), None)
                if value is not None and self.one(value, "schema:value", None):
                    row.update(
                        valeurCible=_number(self.one(value, "schema:value", None)),
                        unite=self.one(value, "schema:unitText"),
                    )
            out.append(row)
        return out

    def legal_name(self, iri: str) -> str:
        label = self.ref.legal_labels.get(iri, iri)
        return label if self.ref.legal_text(label) == {iri} else iri


def _is_total(b: dict) -> bool:
    return (
        b["libelle"] == DEFAULT_BUDGET_LABEL
        and b["nature"] == "previsionnel"
        and b["devise"] == "EUR"
        and not (b["periode"] or b["annee"] or b["section"] or b["financeur"] or b["libelleMontant"])
    )


def _card_key(number: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in number.replace("-", ".").split("."))


def _means_key(iri: str) -> tuple:
    last = iri.rsplit("/", 1)[-1]
    return (int(last), "") if last.isdigit() else (0, last)


def _date(text: str | None):
    from datetime import date

    return date.fromisoformat(text[:10]) if text else None


def _number(text: str):
    from decimal import Decimal

    return Decimal(text)


def _year(text: str | None):
    return int(text[:4]) if text else None
