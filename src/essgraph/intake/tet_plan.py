"""The rows of a TeT sheet as the plan model: sections from the axis columns, actions numbered {section}.{rank},
sub-actions as steps, partners and funders with their roles, amounts as budget lines, and the ``classification``
sheet's levers, fields, SDG targets and legal bases (see :mod:`.tet` for the sheet itself)."""

from __future__ import annotations

from decimal import Decimal

from essgraph.intake.model import Action, Budget, Indicator, Involvement, Org, Plan, Section
from essgraph.intake.names import normalised, split_lines, split_list
from essgraph.intake.problems import WARNING, Problem, Where
from essgraph.intake.reference import Reference
from essgraph.intake.tables import Row
from essgraph.intake.tet import HEADER, NOT_CONVERTED, NUMBERED, PRIORITIES, STATUSES, TEMPLATE_COLUMNS, TET_COLUMNS


def plan_from_rows(plan: Plan, rows: list[Row], ref: Reference, problems: list[Problem]) -> None:
    """Fill ``plan`` (sections, actions) from the TeT ``rows``, in row order."""
    _Builder(plan, ref, problems).rows(rows)


def at(row: Row, name: str) -> Where:
    """The cell of column ``name`` of a TeT row, named by its TeT header."""
    return row.where.at(HEADER.get(name, name), row.letters.get(name, ""))


class _Builder:
    """Sections, actions and their parts from the TeT rows, in row order."""

    def __init__(self, plan: Plan, ref: Reference, problems: list[Problem]):
        self.plan, self.ref, self.problems = plan, ref, problems
        self.sections: dict[tuple, Section] = {}
        self.counts: dict[str, int] = {}  # section key -> actions numbered in it
        self.actions: dict[tuple, Action] = {}  # (section key, normalised title) -> the last action with it
        self.unconverted: dict[str, list[int]] = {}

    def section(self, path: tuple, cell: str, row: Row, column: str) -> Section:
        if path in self.sections:
            return self.sections[path]
        parent = self.sections.get(path[:-1])
        match = NUMBERED.match(cell)
        number, name = (match.group(1), match.group(2).strip()) if match else ("", cell)
        siblings = [s for k, s in self.sections.items() if k[:-1] == path[:-1]]
        if not number:
            number = (f"{parent.number}." if parent else "") + str(len(siblings) + 1)
        section = Section(
            "|".join(path),
            name,
            at(row, column),
            parent=parent.key if parent else "",
            number=number,
            position=len(siblings) + 1,
        )
        self.sections[path] = section
        self.plan.sections.append(section)
        return section

    def rows(self, rows: list[Row]) -> None:
        for row in rows:
            self.row(row)
        for name, numbers in self.unconverted.items():
            fr, en = NOT_CONVERTED.get(
                name,
                (
                    "cellule de sous-action non reprise (une sous-action devient une étape "
                    "de son action : seul son titre est gardé)",
                    "sub-action cell not converted (a sub-action becomes a step of its action: only its title is kept)",
                ),
            )
            rows_text = ", ".join(str(n) for n in numbers[:10]) + ("..." if len(numbers) > 10 else "")
            self.problems.append(
                Problem(
                    Where(self.plan.source_file, rows[0].where.sheet, numbers[0], HEADER.get(name, name)),
                    f"colonne non reprise ({fr}) ; lignes {rows_text}",
                    f"column not converted ({en}); rows {rows_text}",
                    severity=WARNING,
                )
            )

    def row(self, row: Row) -> None:
        t = row.text
        levels = [(name, t(name)) for name in ("axe", "sousAxe", "sousSousAxe") if t(name)]
        if not levels or levels[0][0] != "axe":
            self.problems.append(
                Problem(
                    at(row, "axe"),
                    "l'action n'est rangée dans aucun axe : remplissez « Axe (x) »",
                    'the action is in no axis: fill "Axe (x)"',
                )
            )
            return
        path: tuple = ()
        section = None
        for name, cell in levels:
            path += (normalised(cell),)
            section = self.section(path, cell, row, name)
        assert section is not None  # levels holds at least the axis (checked above)
        title, sub = t("titre"), t("sousAction")
        key = (section.key, normalised(title))
        if sub:
            action = self.actions.get(key) or self.new_action(row, section, title, with_cells=False)
            action.steps.append(sub)
            for name, _label in TET_COLUMNS[5:]:
                if row.values.get(name) not in (None, ""):
                    self.unconverted.setdefault(name, []).append(row.number)
            return
        self.new_action(row, section, title, with_cells=True)

    def new_action(self, row: Row, section: Section, title: str, with_cells: bool) -> Action:
        n = self.counts.get(section.key, 0) + 1
        self.counts[section.key] = n
        action = Action(
            f"{section.number}.{n}",
            section.key,
            title,
            at(row, "titre"),
            locator=f"{row.where.file}, onglet « {row.where.sheet} », ligne {row.number}",
        )
        self.actions[(section.key, normalised(title))] = action
        self.plan.actions.append(action)
        if with_cells:
            self.cells(action, row)
        return action

    def cells(self, a: Action, row: Row) -> None:
        t = row.text
        a.cells = {column: at(row, name) for column, name in TEMPLATE_COLUMNS.items()}
        a.description = t("descriptif")
        a.objectives = split_lines(row.values.get("objectifs"))
        a.indicator_wording = t("indicateurs")
        a.indicators = [Indicator(name, at(row, "indicateurs")) for name in split_list(t("indicateurs"))]
        a.means = t("moyens")
        a.status = STATUSES.get(t("statut"), "")
        a.priority = PRIORITIES.get(t("priorite"), "")
        a.start, a.end = row.values.get("dateDebut"), row.values.get("dateFin")
        for column, role, unit in (
            ("structurePilote", "pilote", False),
            ("servicePilote", "pilote", True),
            ("partenaires", "partenaire", False),
        ):
            for name in split_list(t(column)):
                a.involvements.append(Involvement(Org(name, unit=unit), at(row, column), role))
        if t("financements"):
            a.budgets.append(Budget(None, t("financements"), at(row, "financements")))
        for k in (1, 2, 3):
            self.funder(a, row, k)
        total = row.values.get("budget")
        if total is not None:
            a.budgets.append(
                Budget(
                    Decimal(total), HEADER["budget"], at(row, "budget"), wording=f"{total} € HT", stage="previsionnel"
                )
            )
        for name in NOT_CONVERTED:
            if t(name):
                self.unconverted.setdefault(name, []).append(row.number)

    def funder(self, a: Action, row: Row, k: int) -> None:
        name, amount = row.text(f"financeur{k}"), row.values.get(f"montant{k}")
        if not name and amount is None:
            return
        if not name:
            self.problems.append(
                Problem(
                    at(row, f"financeur{k}"),
                    f"un montant sans financeur : nommez le financeur {k}",
                    f"an amount without a funder: name funder {k}",
                    value="",
                )
            )
            return
        org = Org(name)
        a.involvements.append(Involvement(org, at(row, f"financeur{k}"), "financeur"))
        where = Where(
            row.where.file, row.where.sheet, row.number, HEADER[f"montant{k}"], row.letters.get(f"montant{k}", "")
        )
        a.budgets.append(
            Budget(
                Decimal(amount) if amount is not None else None,
                f"Financeur {k} : {name}",
                where,
                wording=f"{amount} € HT" if amount is not None else "",
                funder=org,
            )
        )


def classify(plan: Plan, rows: list[Row], ref: Reference, problems: list[Problem]) -> None:
    """Levers, fields, SDG targets and legal bases of the ``classification`` sheet, by action title or number."""
    by_number = {a.number: a for a in plan.actions}
    by_title: dict[str, list[Action]] = {}
    for a in plan.actions:
        by_title.setdefault(normalised(a.title), []).append(a)
    for row in rows:
        key = row.text("action")
        found = [by_number[key]] if key in by_number else by_title.get(normalised(key), [])
        if len(found) != 1:
            fr = (
                "aucune action du tableau TeT n'a ce titre ni ce numéro"
                if not found
                else "plusieurs actions ont ce titre : donnez le numéro de l'action (voir la sortie d'essgraph import)"
            )
            en = (
                "no action of the TeT sheet has this title or number"
                if not found
                else "several actions have this title: give the action's number (see essgraph import's output)"
            )
            problems.append(Problem(row.at("action"), fr, en, value=key))
            continue
        a = found[0]
        a.levers += split_list(row.text("leviers"))
        a.fields += split_list(row.text("champs"))
        a.sdg_targets += split_list(row.text("ciblesOdd"))
        for text in split_list(row.text("basesLegales")):
            a.legal_bases.append((next(iter(ref.legal_text(text))), row.at("basesLegales")))
