"""The plan model as RDF, following docs/modelling.md: stable IRIs from the plan id and the action numbers.

Three graphs come out: the plan (``plan.ttl``), its classification (``classification.ttl``: levers, fields, SDG
targets — what comparisons across plans use) and the organisations and places it minted (``organisations.ttl``).
``locations`` maps every IRI made from a row to that row, so that a SHACL result on it can be reported at the cell
(:mod:`.locate`). Nothing is invented: a value absent from the workbook is absent from the graph, and an empty
objectives, description or indicators cell gets the data-quality note the shapes ask for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from essgraph.intake.card_parts import CardParts
from essgraph.intake.graph import Graph, concept, en, fr, iri, literal, term, typed
from essgraph.intake.model import Action, Plan
from essgraph.intake.names import slug
from essgraph.intake.orgs import Resolver
from essgraph.intake.problems import Problem, Where
from essgraph.intake.reference import Reference, relative

NOTES = {
    "missing-objective": (
        "Aucun objectif n'est donné pour l'action dans {src}.",
        "No objective is given for the action in {src}.",
    ),
    "missing-description": (
        "La description de l'action est vide dans {src}.",
        "The action's description is empty in {src}.",
    ),
    "missing-indicator": (
        "Aucun indicateur de résultat n'est donné pour l'action dans {src}.",
        "No result indicator is given for the action in {src}.",
    ),
}


@dataclass
class Converted:
    plan_id: str
    plan: Graph = field(default_factory=Graph)
    classification: Graph = field(default_factory=Graph)
    organisations: Graph = field(default_factory=Graph)
    locations: dict[str, Where] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    actions: int = 0
    sections: int = 0
    numbers: list[str] = field(default_factory=list)  # the action numbers, in order
    minted: list[tuple[str, str]] = field(default_factory=list)  # (IRI, name) of what was not in the reference data


def convert(plan: Plan, ref: Reference, source_note: tuple[str, str] | None = None) -> Converted:
    """RDF of ``plan``; ``source_note`` is a plan-level data-quality note (fr, en) about the source's format."""
    out = Converted(plan.id)
    resolver = Resolver(ref, plan.territory, graph=out.organisations)
    _Writer(plan, ref, out, resolver).run(source_note)
    out.problems += resolver.problems
    out.numbers = [a.number for a in plan.actions]
    minted = dict.fromkeys(t.subject.value for t in out.organisations.triples if t.predicate.value.endswith("#type"))
    labels = {
        t.subject.value: t.object.value for t in out.organisations.triples if t.predicate.value.endswith("#prefLabel")
    }
    out.minted = [(relative(iri), labels.get(iri, "")) for iri in minted]
    return out


def date_cells(a: Action) -> str:
    """The calendar as the workbook gives it when it has dates but no wording: its date cells, as text."""
    parts = []
    if a.start:
        parts.append(f"date de début : {a.start:%d/%m/%Y}")
    if a.end:
        parts.append(f"date de fin : {a.end:%d/%m/%Y}")
    text = " ; ".join(parts)
    return text[:1].upper() + text[1:]


class _Writer(CardParts):
    def __init__(self, plan: Plan, ref: Reference, out: Converted, resolver: Resolver):
        self.p, self.ref, self.out, self.resolver = plan, ref, out, resolver
        self.g = out.plan
        self.base = f"id/plan/{plan.id}"
        self.doc = f"id/document/{plan.id}"
        self.sections: dict[str, str] = {}

    def locate(self, node: str, where: Where) -> None:
        self.out.locations.setdefault(node, where)

    def run(self, source_note) -> None:
        p, g, base = self.p, self.g, self.base
        self.locate(base, p.where)
        resolver = self.resolver
        place = resolver.place(p.territory, p.insee)
        coll = resolver.organisation(p.collectivite, p.where.at("collectivite"))
        resolver.collectivite = coll
        if coll in resolver.minted.values():
            self.out.organisations.add(coll, "dct:spatial", place)
            self.locate(coll, p.where.at("collectivite"))
        g.add(base, "rdf:type", term("ess:Plan"))
        g.add(base, "dct:title", fr(p.title))
        if p.subtitle:
            g.add(base, "ess:subtitle", fr(p.subtitle))
        g.add(base, "dct:spatial", place)
        g.add(base, "ess:collectivite", coll)
        if p.duration:
            g.add(base, "ess:plannedDuration", literal(p.duration, "duration"))
        if p.duration_wording:
            g.add(base, "ess:durationWording", fr(p.duration_wording))
        self.document()
        g.add(base, "dct:source", self.doc)
        if p.adopted:
            self.deliberation(coll)
        self.write_sections()
        for action in p.actions:
            self.action(action)
        self.out.actions = len(p.actions)
        if source_note:
            note_fr, note_en = source_note
            self.note(base, 1, "not-in-source-format", note_fr, note_en, p.where)

    def document(self) -> None:
        p, g = self.p, self.g
        g.add(self.doc, "rdf:type", term("foaf:Document"))
        g.add(self.doc, "dct:title", fr(p.source_title or p.source_file))
        if p.source_url:
            try:
                g.add(self.doc, "foaf:page", iri(p.source_url))
            except ValueError:
                self.out.problems.append(
                    Problem(p.where.at("sourceUrl"), "adresse web invalide", "invalid web address", value=p.source_url)
                )
        elif not p.source_title:
            g.add(self.doc, "dct:identifier", literal(p.source_file, "string"))
        self.locate(self.doc, p.where.at("sourceTitre"))

    def deliberation(self, coll: str) -> None:
        p, g = self.p, self.g
        node = self.base + "/deliberation"
        from essgraph.intake.model import Org

        body = self.resolver.organisation(
            Org(p.body, type="instance-municipale", unit=True), p.where.at("instanceDeliberation")
        )
        g.add(self.base, "ess:adoptedBy", node)
        g.add(node, "rdf:type", term("ess:Deliberation"))
        g.add(node, "ess:body", body)
        g.add(node, "dct:date", typed(p.adopted))
        if p.agenda_item:
            g.add(node, "ess:agendaItem", literal(p.agenda_item, "string"))
        self.locate(node, p.where.at("dateDeliberation"))

    def write_sections(self) -> None:
        g = self.g
        children: dict[str, list] = {}
        for s in self.p.sections:
            children.setdefault(s.parent, []).append(s)
        todo = [("", self.base)]
        while todo:
            parent_key, parent_iri = todo.pop(0)
            siblings = sorted(children.get(parent_key, []), key=lambda s: s.position or 0)
            used: set[str] = set()
            for position, s in enumerate(siblings, 1):
                if parent_key:
                    name = slug(s.name) or "section"
                    while name in used:
                        name += "-bis"
                    used.add(name)
                    node = f"{parent_iri}/{name}"
                else:
                    node = f"{self.base}/axis/{quote(slug(s.number) or s.key, safe='')}"
                    if node in self.sections.values():
                        self.out.problems.append(
                            Problem(
                                s.where.at("numero"),
                                "deux axes portent ce numéro",
                                "two axes have this number",
                                value=s.number,
                            )
                        )
                self.sections[s.key] = node
                self.locate(node, s.where)
                g.add(parent_iri, "ess:hasSection", node)
                g.add(node, "rdf:type", term("ess:SubAxis" if parent_key else "ess:Axis"))
                g.add(node, "rdfs:label", fr(s.name))
                g.add(node, "ess:position", typed(s.position or position))
                if s.number:
                    g.add(node, "skos:notation", literal(s.number, "string"))
                if parent_key:
                    g.add(node, "dct:isPartOf", parent_iri)
                todo.append((s.key, node))
        self.out.sections = len(self.sections)

    def action(self, a: Action) -> None:
        g, node = self.g, f"{self.base}/action/{quote(a.number, safe='.-_~')}"
        self.locate(node, a.where)
        g.add(node, "rdf:type", term("ess:Action"))
        g.add(node, "ess:inPlan", self.base)
        g.add(node, "ess:section", self.sections[a.section])
        g.add(node, "ess:cardNumber", literal(a.number, "string"))
        if a.printed:
            g.add(node, "ess:printedNumber", literal(a.printed, "string"))
        g.add(node, "dct:title", fr(a.title))
        if a.summary_title:
            g.add(node, "ess:summaryTitle", fr(a.summary_title))
        g.add(node, "rdfs:label", fr(a.label or a.summary_title or a.title))
        if a.label_en:
            g.add(node, "rdfs:label", en(a.label_en))
        for prop, value in (
            ("ess:context", a.context),
            ("dct:description", a.description),
            ("ess:methodWording", a.method),
            ("ess:meansWording", a.means),
            ("ess:calendarWording", a.calendar or date_cells(a)),
            ("ess:indicatorWording", a.indicator_wording),
        ):
            if value:
                g.add(node, prop, fr(value))
        self.parts(node, "objective", "ess:objective", "ess:Objective", a.objectives, a.cell("objectifs"))
        self.parts(node, "step", "ess:step", "ess:Step", a.steps, a.cell("etapes"))
        self.calendar(node, a)
        for prop, scheme, code in (
            ("ess:horizon", "horizon", a.horizon),
            ("ess:status", "status", a.status),
            ("ess:priority", "priority", a.priority),
        ):
            if code:
                g.add(node, prop, concept(scheme, code))
        for code in a.transversal:
            g.add(node, "ess:transversalWith", concept("transversality", code))
        for text_iri, _where in a.legal_bases:
            g.add(node, "ess:legalBasis", text_iri)
        for wording in a.legal_wordings:
            g.add(node, "ess:legalBasisWording", fr(wording))
        self.involvements(node, a)
        self.budgets(node, a)
        self.indicators(node, a)
        g.add(node, "dct:source", self.doc)
        g.add(node, "ess:sourceLocator", fr(a.locator or self.default_locator(a.where)))
        if a.source_lines:
            g.add(node, "ess:sourceLines", literal(a.source_lines, "string"))
        notes = [
            ("missing-objective", not a.objectives, "objectifs"),
            ("missing-description", not a.description, "description"),
            ("missing-indicator", not a.indicators, "indicateursLibelle"),
        ]
        src = "le tableur" if self.p.origin == "essgraph" else "le tableau Territoires en Transitions"
        src_en = "the spreadsheet" if self.p.origin == "essgraph" else "the Territoires en Transitions sheet"
        n = 0
        for anomaly, missing, column in notes:
            if missing:
                n += 1
                text_fr, text_en = NOTES[anomaly]
                self.note(node, n, anomaly, text_fr.format(src=src), text_en.format(src=src_en), a.cell(column))
        c = self.out.classification
        for prop, scheme, codes in (("ess:lever", "lever", a.levers), ("ess:field", "field", a.fields)):
            for code in codes:
                c.add(node, prop, concept(scheme, code))
        for target in a.sdg_targets:
            c.add(node, "ess:sdgTarget", term("sdg:" + target))

    def default_locator(self, where: Where) -> str:
        return f"{where.file}, feuille « {where.sheet} », ligne {where.row}"
