"""essgraph's own template, read into the plan model: the tables of :mod:`.schema`, checked by :mod:`.tables`.

Row order matters where the source's order does: partners, indicators and budget lines keep the order of their
rows for each action; sections without a position take the order of their rows among their siblings.
"""

from __future__ import annotations

from decimal import Decimal

from essgraph.intake.blank import EXAMPLE_PLAN_ID
from essgraph.intake.model import Action, Budget, Indicator, Involvement, Org, Plan, Section
from essgraph.intake.names import split_lines, split_list
from essgraph.intake.problems import ERROR, WARNING, Problem, Where
from essgraph.intake.reference import Reference
from essgraph.intake.tables import Row, locate, read_tables

DEFAULT_BUDGET_LABEL = "Budget prévisionnel"


def read_essgraph(path, ref: Reference, plan_id: str = "") -> tuple[Plan | None, list[Problem]]:
    """The plan of a template workbook or data package folder, and the problems found (errors stop the intake)."""
    source = locate(path)
    tables, problems = read_tables(source, ref)
    plan_rows = tables.get("plan", [])
    if len(plan_rows) != 1 and not any(p.severity == ERROR for p in problems):
        where = plan_rows[1].where if len(plan_rows) > 1 else Where(source.label, "plan", 2)
        problems.append(
            Problem(
                where,
                f"la table plan doit avoir une seule ligne (elle en a {len(plan_rows)})",
                f"the plan table must have exactly one row (it has {len(plan_rows)})",
            )
        )
    if any(p.severity == ERROR for p in problems):
        return None, problems
    plan = _plan(plan_rows[0], plan_id, source.label)
    if plan_rows[0].text("id") == EXAMPLE_PLAN_ID:
        problems.append(
            Problem(
                plan_rows[0].at("id"),
                "la table plan contient encore la ligne d'exemple du modèle : remplacez-la par votre plan",
                "the plan table still holds the template's example row: replace it with your plan",
                value=EXAMPLE_PLAN_ID,
                severity=WARNING,
            )
        )
    plan.sections = [_section(row) for row in tables["axes"]]
    actions = {row.text("numero"): _action(row) for row in tables["actions"]}
    for row in tables.get("partenaires", []):
        actions[row.text("action")].involvements.append(_involvement(row))
    for row in tables.get("budgets", []):
        actions[row.text("action")].budgets.append(_budget(row))
    for row in tables.get("indicateurs", []):
        actions[row.text("action")].indicators.append(
            Indicator(
                row.text("nom"),
                row.where,
                row.text("cible"),
                row.values.get("valeurCible"),
                row.text("unite"),
                row.values.get("dateCible"),
            )
        )
    for row in tables.get("bases_legales", []):
        iri = next(iter(ref.legal_text(row.text("texte"))))
        actions[row.text("action")].legal_bases.append((iri, row.at("texte")))
    plan.actions = list(actions.values())
    return plan, problems


def _plan(row: Row, plan_id: str, label: str) -> Plan:
    t = row.text
    return Plan(
        id=plan_id or t("id"),
        title=t("nom"),
        collectivite=Org(t("collectivite"), siren=t("siren"), type="collectivite"),
        territory=t("territoire"),
        where=row.where,
        subtitle=t("sousTitre"),
        insee=t("codeInsee"),
        adopted=row.values.get("dateDeliberation"),
        body=t("instanceDeliberation"),
        agenda_item=t("pointOrdreDuJour"),
        duration=t("dureePrevue"),
        duration_wording=t("dureeLibelle"),
        source_title=t("sourceTitre"),
        source_url=t("sourceUrl"),
        source_file=label,
        origin="essgraph",
    )


def _section(row: Row) -> Section:
    return Section(
        row.text("code"),
        row.text("nom"),
        row.where,
        parent=row.text("parent"),
        number=row.text("numero"),
        position=row.values.get("position"),
    )


def _action(row: Row) -> Action:
    t = row.text
    action = Action(
        number=t("numero"),
        section=t("axe"),
        title=t("nom"),
        where=row.where,
        printed=t("numeroImprime"),
        summary_title=t("titreSynthese"),
        label=t("libelle"),
        label_en=t("libelleEn"),
        context=t("contexte"),
        description=t("description"),
        objectives=split_lines(row.values.get("objectifs")),
        steps=split_lines(row.values.get("etapes")),
        method=t("methode"),
        means=t("moyens"),
        calendar=t("calendrier"),
        start=row.values.get("dateDebutPrevisionnelle"),
        end=row.values.get("dateFinPrevisionnelle"),
        horizon=t("horizon"),
        status=t("phaseStatut"),
        priority=t("priorite"),
        indicator_wording=t("indicateursLibelle"),
        levers=split_list(t("leviers")),
        fields=split_list(t("champs")),
        sdg_targets=split_list(t("ciblesOdd")),
        transversal=split_list(t("transversalite")),
        legal_wordings=split_lines(row.values.get("basesLegalesLibelle")),
        locator=t("repereSource"),
        source_lines=t("lignesSource"),
    )
    action.cells = {column: row.at(column) for column in row.letters}
    total = row.values.get("budgetPrevisionnel")
    if total is not None:
        action.budgets.append(
            Budget(Decimal(total), DEFAULT_BUDGET_LABEL, row.at("budgetPrevisionnel"), stage="previsionnel")
        )
    return action


def _involvement(row: Row) -> Involvement:
    t = row.text
    org = Org(t("organisation"), siren=t("siren"), type=t("type"), ident=t("organisationId"))
    return Involvement(org, row.at("organisation"), role=t("role"))


def _budget(row: Row) -> Budget:
    t = row.text
    funder = Org(t("financeur"), siren=t("financeurSiren")) if t("financeur") else None
    amount = Decimal(row.values["montant"])
    currency = t("devise") or "EUR"
    label = t("libelle") or f"{amount} {currency}"
    year = row.values.get("annee")
    return Budget(
        amount,
        label,
        row.at("montant"),
        wording=t("libelleMontant"),
        currency=currency,
        period=t("periode"),
        year=int(year) if year is not None else None,
        stage=t("nature"),
        section=t("section"),
        funder=funder,
    )
