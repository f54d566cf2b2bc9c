"""Workbooks for the intake tests: essgraph's template filled with a small plan, written with openpyxl, and ways to
break one cell of it. The plan is fictional ("Ville-Test-Intake"); its partners are in the reference data (RTES,
CRESS, Pôle emploi) or new."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from essgraph.intake.schema import TABLE

PLAN_ID = "ville-test-intake-2025"
TABLES = {
    "plan": [{"id": PLAN_ID, "nom": "Ville-Test-Intake, plan ESS (plan fictif de test)",
              "collectivite": "Ville de Ville-Test-Intake (collectivité fictive de test)",
              "territoire": "Ville-Test-Intake (commune fictive)", "dateDeliberation": date(2025, 3, 3),
              "instanceDeliberation": "Conseil municipal", "dureePrevue": "P3Y",
              "sourceTitre": "Délibération fictive de test"}],
    "axes": [{"code": "1", "numero": "1", "nom": "Coopérer"},
             {"code": "1.1", "parent": "1", "nom": "Réseaux"},
             {"code": "2", "numero": "2", "nom": "Consommer autrement"}],
    "actions": [
        {"numero": "1.1", "axe": "1.1", "nom": "Adhésion au RTES", "description": "Adhérer au réseau.",
         "objectifs": "Partager\nApprendre", "leviers": "cooperation-et-reseaux", "champs": "developpement-economique-local",
         "ciblesOdd": "17.17", "dateDebutPrevisionnelle": date(2025, 1, 1), "dateFinPrevisionnelle": date(2025, 12, 31),
         "phaseStatut": "en-cours", "priorite": "eleve", "budgetPrevisionnel": 800, "calendrier": "2025"},
        {"numero": "1.2", "axe": "1", "nom": "Forum de l'ESS", "description": "Un forum annuel.",
         "leviers": "connaitre-et-faire-connaitre", "champs": "developpement-economique-local",
         "calendrier": "Automne 2025", "horizon": "court-terme"},
        {"numero": "2.1", "axe": "2", "nom": "Épicerie solidaire", "description": "Ouvrir une épicerie solidaire.",
         "objectifs": "Lutter contre la précarité", "leviers": "financement-solidaire", "champs": "alimentation",
         "calendrier": "2025-2026", "phaseStatut": "a-venir"},
    ],
    "partenaires": [
        {"action": "1.1", "organisation": "RTES", "role": "partenaire"},
        {"action": "1.1", "organisation": "Mission ESS", "type": "service-municipal", "role": "pilote"},
        {"action": "1.2", "organisation": "CRESS"},
        {"action": "2.1", "organisation": "Association La Panière (fictive)", "type": "association",
         "siren": "100000009"},
    ],
    "budgets": [{"action": "2.1", "montant": 12000, "nature": "previsionnel", "section": "fonctionnement",
                 "annee": 2025, "financeur": "Pôle emploi", "libelle": "Subvention de 12 000 €"}],
    "indicateurs": [{"action": "1.1", "nom": "Rencontres suivies", "cible": "au moins 4 par an", "valeurCible": 4,
                     "unite": "rencontres", "dateCible": date(2025, 12, 31)},
                    {"action": "2.1", "nom": "Familles accueillies"}],
    "bases_legales": [{"action": "1.1", "texte": "Loi ESS"}, {"action": "2.1", "texte": "loi Garot"}],
}


def write_workbook(path: Path, tables: dict | None = None, edit=None) -> Path:
    """Write ``tables`` (default :data:`TABLES`) as an XLSX template; ``edit(book)`` may then break a cell."""
    import openpyxl

    tables = TABLES if tables is None else tables
    book = openpyxl.Workbook()
    book.active.title = "Lisez-moi"
    for name, rows in tables.items():
        sheet = book.create_sheet(name)
        columns = [c.name for c in TABLE[name].columns]
        sheet.append(columns)
        for row in rows:
            sheet.append([row.get(c) for c in columns])
    if edit is not None:
        edit(book)
    book.save(path)
    return path


def set_cell(sheet: str, cell: str, value):
    def edit(book):
        book[sheet][cell] = value
    return edit


def column_letter_of(table: str, column: str) -> str:
    from essgraph.intake.problems import column_letter

    return column_letter([c.name for c in TABLE[table].columns].index(column) + 1)
