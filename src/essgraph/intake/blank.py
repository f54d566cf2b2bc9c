"""The blank template: one example row per table (a small fictional plan that imports and validates as it is) and
the "Lisez-moi" sheet that explains the tables, their columns, the code lists and how problems are reported.
"""

from __future__ import annotations

from datetime import datetime

from essgraph.intake.reference import Reference
from essgraph.intake.schema import TABLES

EXAMPLE_PLAN_ID = "ville-exemple-2024"


def example_rows() -> dict[str, list[dict]]:
    rows = {}
    for table in TABLES:
        row = {c.name: c.example for c in table.columns if c.example is not None}
        for c in table.columns:
            value = row.get(c.name)
            if c.type == "date" and isinstance(value, str):
                row[c.name] = datetime.strptime(value, "%d/%m/%Y").date()
        rows[table.name] = [row]
    return rows


def readme(ref: Reference) -> list[list[str]]:
    """The Lisez-moi sheet: two columns (a name, its explanation), French first then English where it helps."""
    lines = [
        [
            "essgraph",
            "Modèle pour publier un plan d'action ESS en données liées, sans écrire de RDF. "
            "Template to publish an ESS action plan as linked data without writing RDF.",
        ],
        ["", ""],
        [
            "Comment faire",
            "Remplacez les lignes d'exemple de chaque feuille par votre plan (une ligne par axe, action, "
            "partenaire, montant, indicateur, texte juridique), gardez la première ligne (les noms des "
            "colonnes), puis : essgraph import plan.xlsx --out DOSSIER, ou citez le classeur dans "
            'essgraph.toml (files = ["plans/mon-plan.xlsx"]) et lancez essgraph build.',
        ],
        [
            "How to",
            "Replace each sheet's example rows with your plan, keep the first row (the column names), then run "
            "essgraph import plan.xlsx --out FOLDER, or list the workbook in essgraph.toml and run essgraph "
            "build.",
        ],
        [
            "Formats",
            "Dates : JJ/MM/AAAA ou cellule date. Nombres : en chiffres. Listes de codes : séparées par des "
            "virgules. Textes à plusieurs éléments (objectifs, étapes) : un élément par ligne de la cellule. "
            "Les formules ne sont jamais calculées : seule la valeur enregistrée est lue.",
        ],
        [
            "Erreurs / errors",
            "Chaque problème est signalé à sa cellule : fichier, feuille, ligne, colonne, valeur, "
            "en français et en anglais. Rien n'est publié tant qu'une erreur reste. "
            "Every problem is reported at its cell; nothing is published while an error remains.",
        ],
        ["", ""],
    ]
    for table in TABLES:
        lines.append([f"Feuille {table.name}", f"{table.title} — {table.description}"])
        for col in table.columns:
            required = " (obligatoire)" if col.required else ""
            codes = f" Codes : {', '.join(ref.codes(col.scheme))}." if col.scheme else ""
            lines.append([f"  {col.name}", f"{col.title}{required} : {col.text()}{codes}"])
        lines.append(["", ""])
    for scheme in sorted({c.scheme or c.codes for t in TABLES for c in t.columns if c.scheme or c.codes}):
        lines.append([f"Liste « {scheme} »", "code : libellé"])
        for concept in ref.concepts.get(scheme, []):
            lines.append([f"  {concept.code}", concept.fr + (f" ({concept.en})" if concept.en else "")])
        lines.append(["", ""])
    return lines
