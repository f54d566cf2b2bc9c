"""Problems found in a workbook, reported where the person will fix them: file, sheet, row, column, value.

Every problem has a French and an English message. Two errors end an intake: :class:`IntakeDataError` (exit 1: the
data must be fixed, every problem listed) and :class:`WorkbookUnreadable` (exit 2: the file itself cannot be read:
not a workbook, too big, hostile). Warnings (cells that the model cannot hold, example rows left in) are reported
and do not stop anything.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from essgraph.errors import EXIT_INPUT, EXIT_VIOLATIONS, EssgraphError

ERROR, WARNING = "error", "warning"


def column_letter(number: int) -> str:
    """Spreadsheet letter of the 1-based column ``number`` (1 -> A, 27 -> AA)."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class Where:
    """A place in a workbook: ``sheet`` is the sheet name (or the CSV file of a data package)."""

    file: str
    sheet: str = ""
    row: int | None = None
    column: str = ""
    letter: str = ""

    def at(self, column: str = "", letter: str = "") -> "Where":
        return replace(self, column=column, letter=letter)

    def text(self, lang: str) -> str:
        sheet, row, column = ("feuille", "ligne", "colonne") if lang == "fr" else ("sheet", "row", "column")
        parts = [self.file]
        if self.sheet:
            parts.append(f"{sheet} « {self.sheet} »" if lang == "fr" else f'{sheet} "{self.sheet}"')
        if self.row:
            parts.append(f"{row} {self.row}")
        if self.column:
            name = f"« {self.column} »" if lang == "fr" else f'"{self.column}"'
            parts.append(f"{column} {name}" + (f" ({self.letter})" if self.letter else ""))
        elif self.letter:
            parts.append(f"{column} {self.letter}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Problem:
    where: Where
    fr: str
    en: str
    value: str = ""
    severity: str = ERROR

    def lines(self) -> list[str]:
        """Two lines: the place and value, then the message in French and English."""
        value = f" : « {self.value} »" if self.value else ""
        return [f"{self.where.text('fr')}{value}", f"    {self.fr}", f"    {self.en}"]

    def as_dict(self) -> dict:
        found = asdict(self)
        found.update(found.pop("where"))
        return found


def sort_key(problem: Problem) -> tuple:
    w = problem.where
    return (w.file, w.sheet, w.row or 0, w.letter.rjust(3), w.column, problem.fr)


def report(problems: list[Problem], limit: int = 200) -> str:
    """Problems as text, errors first, in file / sheet / row order."""
    ordered = sorted(problems, key=lambda p: (p.severity != ERROR, sort_key(p)))
    lines = []
    for p in ordered[:limit]:
        label = "ERREUR / ERROR" if p.severity == ERROR else "attention / warning"
        first, *rest = p.lines()
        lines.append(f"{label}: {first}")
        lines.extend(rest)
    if len(ordered) > limit:
        lines.append(f"... {len(ordered) - limit} de plus / more (--format json les donne toutes / lists them all)")
    return "\n".join(lines)


class IntakeDataError(EssgraphError):
    """The workbook was read, but its data must be fixed: every problem is listed (exit 1)."""

    exit_code = EXIT_VIOLATIONS

    def __init__(self, problems: list[Problem], what: str = "the workbook"):
        self.problems = sorted(problems, key=lambda p: (p.severity != ERROR, sort_key(p)))
        errors = sum(1 for p in problems if p.severity == ERROR)
        super().__init__(
            f"{what}: {errors} problem(s) to fix; nothing was converted or published\n" + report(self.problems),
            hint="fix the cells named above and run the command again",
        )


class WorkbookUnreadable(EssgraphError):
    """The file cannot be read as a workbook or data package, or is refused as hostile (exit 2)."""

    exit_code = EXIT_INPUT

    def __init__(self, where: Where, fr: str, en: str, hint: str | None = None):
        self.problems = [Problem(where, fr, en)]
        super().__init__(f"{where.text('en')}: {en}\n    {fr}", hint=hint)
