"""The parts of an action card as RDF (docs/modelling.md): objectives and steps, the calendar, involvements of
organisations, budget lines (financial means and their amounts), result indicators and their targets, and the
data-quality notes. A mixin of :class:`.convert._Writer`, which gives it the graph, the resolver of organisations
and the locations of the rows."""

from __future__ import annotations

from typing import Any, Callable

from essgraph.intake.graph import concept, en, fr, literal, term, typed
from essgraph.intake.model import Action, Budget
from essgraph.intake.problems import Where

PERIODS = {"par-mois": ("MON", "par mois"), "par-an": ("ANN", "par an")}


class CardParts:
    # given by the writer this is a mixin of (convert._Writer)
    g: Any
    resolver: Any
    locate: Callable[..., None]

    def note(self, target: str, n: int, anomaly: str, text_fr: str, text_en: str, where: Where) -> None:
        g, node = self.g, f"{target}/note/{n}"
        g.add(target, "ess:qualityNote", node)
        g.add(node, "rdf:type", term("ess:DataQualityNote"))
        g.add(node, "oa:hasTarget", target)
        g.add(node, "ess:anomaly", concept("anomaly", anomaly))
        g.add(node, "rdfs:comment", fr(text_fr))
        g.add(node, "rdfs:comment", en(text_en))
        self.locate(node, where)

    def parts(self, node: str, name: str, prop: str, cls: str, labels: list[str], where: Where) -> None:
        for n, label in enumerate(labels, 1):
            part = f"{node}/{name}/{n}"
            self.g.add(node, prop, part)
            self.g.add(part, "rdf:type", term(cls))
            self.g.add(part, "ess:position", typed(n))
            self.g.add(part, "rdfs:label", fr(label))
            self.locate(part, where)

    def calendar(self, node: str, a: Action) -> None:
        g = self.g
        if a.start and a.end and a.start == a.end:
            g.add(node, "ess:scheduledDate", typed(a.start))
            return
        if not a.start:  # an interval has a beginning; an end alone stays in the calendar's wording
            return
        interval = node + "/calendar"
        g.add(node, "ess:scheduledInterval", interval)
        g.add(interval, "rdf:type", term("time:ProperInterval"))
        for prop, day, name in (("time:hasBeginning", a.start, "beginning"), ("time:hasEnd", a.end, "end")):
            if day:
                instant = f"{interval}/{name}"
                g.add(interval, prop, instant)
                g.add(instant, "rdf:type", term("time:Instant"))
                g.add(instant, "time:inXSDDate", typed(day))
        self.locate(interval, a.cell("dateDebutPrevisionnelle"))

    def involvements(self, node: str, a: Action) -> None:
        g = self.g
        for n, inv in enumerate(a.involvements, 1):
            org = self.resolver.organisation(inv.org, inv.where)
            self.locate(org, inv.where)
            part = f"{node}/involvement/{n}"
            g.add(node, "ess:involvedOrganisation", org)
            g.add(node, "prov:qualifiedAssociation", part)
            g.add(part, "rdf:type", term("prov:Association"))
            g.add(part, "ess:position", typed(n))
            g.add(part, "prov:agent", org)
            g.add(part, "ess:sourceWording", fr(inv.org.name))
            if inv.role:
                g.add(part, "prov:hadRole", concept("role", inv.role))
            self.locate(part, inv.where)

    def budgets(self, node: str, a: Action) -> None:
        for n, b in enumerate(a.budgets, 1):
            self.budget(node, n, b)

    def budget(self, node: str, n: int, b: Budget) -> None:
        g, means, amount = self.g, f"{node}/means/{n}", f"{node}/amount/{n}"
        g.add(node, "ess:means", means)
        g.add(means, "rdf:type", term("ess:FinancialResource"))
        g.add(means, "rdfs:label", fr(b.label))
        if b.funder:
            g.add(means, "schema:funder", self.resolver.organisation(b.funder, b.where.at("financeur")))
        self.locate(means, b.where)
        if b.amount is None:
            return
        g.add(means, "ess:amount", amount)
        g.add(amount, "rdf:type", term("schema:MonetaryAmount"))
        g.add(amount, "schema:value", typed(b.amount))
        g.add(amount, "schema:currency", literal(b.currency, "string"))
        if b.period:
            code, text = PERIODS[b.period]
            g.add(amount, "schema:unitCode", literal(code, "string"))
            g.add(amount, "schema:unitText", fr(text))
        if b.year:
            g.add(amount, "ess:fiscalYear", literal(str(b.year), "gYear"))
        if b.stage:
            g.add(amount, "ess:budgetStage", concept("budget-stage", b.stage))
        if b.section:
            g.add(amount, "ess:expenditureType", concept("expenditure-type", b.section))
        g.add(amount, "ess:wording", fr(b.wording or b.label))
        self.locate(amount, b.where)

    def indicators(self, node: str, a: Action) -> None:
        g, q = self.g, 0
        for n, ind in enumerate(a.indicators, 1):
            part = f"{node}/indicator/{n}"
            g.add(node, "ess:resultIndicator", part)
            g.add(part, "rdf:type", term("ess:Indicator"))
            g.add(part, "ess:position", typed(n))
            g.add(part, "rdfs:label", fr(ind.name))
            self.locate(part, ind.where)
            if not ind.target:
                continue
            target = part + "/target"
            g.add(part, "ess:target", target)
            g.add(target, "rdf:type", term("ess:Target"))
            g.add(target, "ess:wording", fr(ind.target))
            if ind.target_date:
                g.add(target, "ess:targetDate", typed(ind.target_date))
            self.locate(target, ind.where.at("cible"))
            if ind.value is not None:
                q += 1
                value = f"{node}/quantity/{q}"
                g.add(target, "ess:targetValue", value)
                g.add(value, "rdf:type", term("schema:QuantitativeValue"))
                g.add(value, "schema:value", typed(ind.value))
                if ind.unit:
                    g.add(value, "schema:unitText", fr(ind.unit))
                g.add(value, "ess:wording", fr(ind.target))
                self.locate(value, ind.where.at("valeurCible"))
