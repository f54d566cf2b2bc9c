"""The plan-import sheet of Territoires en Transitions (TeT, ADEME), read into the plan model.

The sheet is the one whose A2 cell is "Axe (x)"; row 2 holds the headers of :data:`TET_COLUMNS`, in that order, and
data starts on row 4 (row 3 is TeT's own example or instructions). Lists are comma-separated, dates DD/MM/YYYY,
statuses and priorities are TeT's lists, mapped to the status and priority schemes. Columns a later TeT version
adds after "Date de fin" are reported and ignored.

What the sheet cannot say comes from two sheets of essgraph's template added to the workbook: ``plan`` (who adopts
the plan, its title, territory, deliberation: required) and ``classification`` (levers, fields, SDG targets and
legal bases per action: optional — an action without levers or fields fails the shapes, reported at its row). A
plan-level data-quality note says that the levers, fields and legal bases do not come from TeT's sheet. A TeT
"sous-action" becomes a step of its action (its title; its other cells are reported as not converted). Actions are
numbered {section number}.{rank in the section}: keep the row order to keep the IRIs.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from frictionless import Dialect, Schema

from essgraph.intake.model import Plan
from essgraph.intake.names import clean_text
from essgraph.intake.problems import ERROR, WARNING, Problem, Where, WorkbookUnreadable, column_letter
from essgraph.intake.reference import Reference
from essgraph.intake.safety import check_zip
from essgraph.intake.schema import TABLE, Column, Table
from essgraph.intake.tables import Source, read_tables, sheet_names
from essgraph.intake.template import _plan

TET_COLUMNS = (
    ("axe", "Axe (x)"),
    ("sousAxe", "Sous-axe (x.x)"),
    ("sousSousAxe", "Sous-sous axe (x.x.x)"),
    ("titre", "Titre de l'action"),
    ("sousAction", "Titre de la sous-action"),
    ("descriptif", "Descriptif"),
    ("instances", "Instances de gouvernance"),
    ("objectifs", "Objectifs"),
    ("indicateurs", "Indicateurs liés"),
    ("structurePilote", "Structure pilote"),
    ("moyens", "Moyens humains et techniques"),
    ("partenaires", "Partenaires"),
    ("servicePilote", "Direction ou service pilote"),
    ("personnePilote", "Personne pilote"),
    ("elu", "Élu·e référent·e"),
    ("participation", "Participation Citoyenne"),
    ("financements", "Financements"),
    ("financeur1", "Financeur 1"),
    ("montant1", "Montant € HT"),
    ("financeur2", "Financeur 2"),
    ("montant2", "Montant € HT"),
    ("financeur3", "Financeur 3"),
    ("montant3", "Montant € HT"),
    ("budget", "Budget prévisionnel total € HT"),
    ("statut", "Statut"),
    ("priorite", "Niveau de priorité"),
    ("dateDebut", "Date de début"),
    ("dateFin", "Date de fin"),
)
HEADER = {name: label for name, label in TET_COLUMNS}
#: the template columns an action's problems name, and the TeT columns that hold them
TEMPLATE_COLUMNS = {
    "nom": "titre",
    "description": "descriptif",
    "objectifs": "objectifs",
    "indicateursLibelle": "indicateurs",
    "partenaires": "partenaires",
    "moyens": "moyens",
    "dateDebutPrevisionnelle": "dateDebut",
    "dateFinPrevisionnelle": "dateFin",
    "etapes": "sousAction",
    "calendrier": "dateDebut",
    "phaseStatut": "statut",
    "priorite": "priorite",
}
STATUSES = {
    "À venir": "a-venir",
    "En cours": "en-cours",
    "Réalisé": "realise",
    "En pause": "en-pause",
    "Abandonné": "abandonne",
    "Bloqué": "bloque",
    "En retard": "en-retard",
    "A discuter": "a-discuter",
}
PRIORITIES = {"Élevé": "eleve", "Moyen": "moyen", "Bas": "bas"}
NOT_CONVERTED = {
    "instances": (
        "le modèle n'a pas de rubrique pour les instances de gouvernance",
        "the model has no place for governance bodies",
    ),
    "personnePilote": (
        "les noms de personnes ne sont pas publiés (données personnelles)",
        "names of people are not published (personal data)",
    ),
    "elu": (
        "les noms de personnes ne sont pas publiés (données personnelles)",
        "names of people are not published (personal data)",
    ),
    "participation": (
        "le modèle n'a pas de rubrique pour la participation citoyenne",
        "the model has no place for citizen participation",
    ),
}
TET_NOTE = (
    "Le tableau d'import de Territoires en Transitions ne dit ni les leviers, ni les champs d'action, ni les "
    "bases légales des actions : ils viennent de la feuille « classification » du classeur quand elle les "
    "donne.",
    "The plan-import sheet of Territoires en Transitions states neither the levers, the thematic fields nor "
    'the legal bases of the actions: they come from the workbook\'s "classification" sheet when it gives '
    "them.",
)
CLASSIFICATION = Table(
    "classification",
    "Classification des actions",
    "Une ligne par action du tableau TeT.",
    (
        Column("action", "Action", "Titre de l'action tel que le tableau TeT l'écrit, ou son numéro.", required=True),
        TABLE["actions"].column("leviers"),
        TABLE["actions"].column("champs"),
        TABLE["actions"].column("ciblesOdd"),
        Column(
            "basesLegales",
            "Bases légales",
            "Textes juridiques cités, séparés par des virgules (noms courts des données de référence ou adresses ELI).",
        ),
    ),
)
NUMBERED = re.compile(r"^\s*(\d+(?:\.\d+)*)\s*[-.:)–]?\s+(\S.*)$")


def find_tet_sheet(path: Path) -> str:
    """The name of the sheet whose A2 cell is "Axe (x)" ("" when there is none)."""
    if path.suffix.lower() not in (".xlsx", ".ods"):
        return ""
    check_zip(path, path.name)
    kind = path.suffix.lower()[1:]
    for name in sheet_names(path, kind):
        cells = _first_rows(path, kind, name, 2)
        if len(cells) >= 2 and cells[1] and clean_text(cells[1][0]) == HEADER["axe"]:
            return name
    return ""


def _first_rows(path: Path, kind: str, sheet: str, size: int) -> list[list]:
    from frictionless import Resource, formats

    control = formats.ExcelControl(sheet=sheet) if kind == "xlsx" else formats.OdsControl(sheet=sheet)
    try:
        table: Any = Resource(
            path=path.name, basepath=str(path.parent), format=kind, control=control, dialect=Dialect(header=False)
        )  # a TableResource: read_cells is not in the stubs
        return table.read_cells(size=size)
    except Exception:  # noqa: BLE001 - an empty or odd sheet is simply not the TeT sheet
        return []


def _schema(extra: int) -> Schema:
    fields = []
    for name, label in TET_COLUMNS:
        field: dict = {"name": name, "title": label, "type": "string"}
        if name.startswith("montant") or name == "budget":
            field.update(type="number", bareNumber=False, groupChar=" ", constraints={"minimum": 0})
        elif name in ("dateDebut", "dateFin"):
            field.update(type="date", format="%d/%m/%Y")
        elif name == "statut":
            field["constraints"] = {"enum": list(STATUSES)}
        elif name == "priorite":
            field["constraints"] = {"enum": list(PRIORITIES)}
        elif name == "titre":
            field["constraints"] = {"required": True}
        fields.append(field)
    fields += [{"name": f"ignored{i}", "type": "any"} for i in range(1, extra + 1)]
    return Schema.from_descriptor({"fields": fields, "missingValues": [""]})


def read_tet(path: Path, ref: Reference, plan_id: str = "") -> tuple[Plan | None, list[Problem]]:
    label, kind = path.name, path.suffix.lower()[1:]
    sheet = find_tet_sheet(path)
    if not sheet:
        raise WorkbookUnreadable(
            Where(label),
            "aucune feuille n'a « Axe (x) » en A2 : ce n'est pas un tableau TeT",
            'no sheet has "Axe (x)" in A2: not a TeT plan-import sheet',
            hint="use --format essgraph for essgraph's template",
        )
    names = sheet_names(path, kind)
    problems: list[Problem] = []
    header = [clean_text(v) for v in _first_rows(path, kind, sheet, 2)[1]]
    while header and not header[-1]:
        header.pop()
    for i, (_name, expected) in enumerate(TET_COLUMNS):
        found = header[i] if i < len(header) else ""
        if found != expected:
            problems.append(
                Problem(
                    Where(label, sheet, 2, found, column_letter(i + 1)),
                    f"la colonne {column_letter(i + 1)} devrait être « {expected} »",
                    f'column {column_letter(i + 1)} should be "{expected}"',
                    value=found,
                )
            )
    if problems:
        return None, problems
    extra = header[len(TET_COLUMNS) :]
    rows, problems = _tet_rows(path, kind, sheet, label, ref, len(extra))
    for i, name in enumerate(extra, 1):
        if any(row.values.get(f"ignored{i}") not in (None, "") for row in rows):
            problems.append(
                Problem(
                    Where(label, sheet, 2, name, column_letter(len(TET_COLUMNS) + i)),
                    "colonne non reprise par essgraph : elle est ignorée",
                    "column not converted by essgraph: it is ignored",
                    severity=WARNING,
                )
            )
    extra_tables: dict[str, Path] = {t: path for t in ("plan", "classification") if t in names}
    if "plan" not in extra_tables:
        problems.append(
            Problem(
                Where(label),
                "le tableau TeT ne dit pas qui adopte le plan : ajoutez au classeur la "
                "feuille « plan » du modèle essgraph (essgraph template --out modele.xlsx)",
                'the TeT sheet does not say who adopts the plan: add the "plan" sheet of essgraph\'s '
                "template to the workbook (essgraph template --out template.xlsx)",
            )
        )
        return None, problems
    tables, more = read_tables(
        Source(path, label, kind, extra_tables), ref, {"plan": TABLE["plan"], "classification": CLASSIFICATION}
    )
    problems += more
    if any(p.severity == ERROR for p in problems) or len(tables.get("plan", [])) != 1:
        if len(tables.get("plan", [])) != 1:
            problems.append(
                Problem(
                    Where(label, "plan"),
                    "la feuille plan doit avoir une seule ligne",
                    "the plan sheet must have exactly one row",
                )
            )
        return None, problems
    plan = _plan(tables["plan"][0], plan_id, label)
    plan.origin = "tet"
    from essgraph.intake.tet_plan import classify, plan_from_rows

    plan_from_rows(plan, rows, ref, problems)
    classify(plan, tables.get("classification", []), ref, problems)
    return plan, problems


def _tet_rows(path: Path, kind: str, sheet: str, label: str, ref: Reference, extra: int):
    """The TeT rows, typed and checked by Frictionless (types, TeT's lists, date order), with their problems."""
    from frictionless import Checklist, Resource, formats

    from essgraph.intake.messages import problem
    from essgraph.intake.package import RowRules, after_rule
    from essgraph.intake.tables import _rows

    control = formats.ExcelControl(sheet=sheet) if kind == "xlsx" else formats.OdsControl(sheet=sheet)
    resource = Resource(
        path=path.name,
        basepath=str(path.parent),
        format=kind,
        control=control,
        schema=_schema(extra),
        dialect=Dialect(header=False, comment_rows=[1, 2, 3]),
    )
    names = [name for name, _ in TET_COLUMNS]
    types = {f.name: f.type for f in resource.schema.fields}
    report = resource.validate(checklist=Checklist(checks=[RowRules(rules=[after_rule("dateDebut", "dateFin")])]))
    problems = []
    for error in report.tasks[0].errors if report.tasks else []:
        found = problem(error, label, sheet, names, types)
        if found is not None:
            name = found.where.column
            problems.append(
                Problem(
                    found.where.at(HEADER.get(name, name), found.where.letter),
                    found.fr,
                    found.en,
                    found.value,
                    found.severity,
                )
            )
    return _rows(resource, Source(path, label, kind, {sheet: path}), sheet, names), problems
