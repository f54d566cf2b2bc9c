"""A TeT plan-import workbook written with openpyxl, the way Territoires en Transitions lays it out (sheet whose A2
is "Axe (x)", headers on row 2, TeT's example on row 3, data from row 4), plus the ``plan`` and ``classification``
sheets of essgraph's template. The plan is fictional ("Bourg-sur-Tet"): 2 axes, 3 sub-axes, 9 actions, one
sub-action; its partners include organisations of the reference data (RTES, CRESS, Pôle emploi) and new ones.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from essgraph.intake.tet import TET_COLUMNS

PLAN_ID = "bourg-sur-tet-2025"
HEADERS = [label for _, label in TET_COLUMNS]


def action(**cells) -> dict:
    return cells


ACTIONS = [
    action(axe="1 - Coopérer sur le territoire", sousAxe="1.1 Réseaux", titre="Adhérer au RTES",
           descriptif="Adhésion de la commune au réseau des collectivités pour l'ESS.",
           objectifs="Partager les pratiques\nSe former", indicateurs="Nombre de rencontres suivies",
           structurePilote="Mission ESS", partenaires="RTES, CRESS", financeur1="Commune de Bourg-sur-Tet (collectivité fictive de test)", montant1=800,
           budget=800, statut="En cours", priorite="Élevé", dateDebut="01/01/2025", dateFin="31/12/2025"),
    action(axe="1 - Coopérer sur le territoire", sousAxe="1.1 Réseaux", titre="Forum annuel de l'ESS",
           descriptif="Un forum des acteurs de l'ESS chaque automne.", objectifs="Faire connaître les acteurs",
           indicateurs="Nombre de participants, Nombre d'exposants", structurePilote="Mission ESS",
           partenaires="CRESS", statut="À venir", priorite="Moyen", dateDebut=date(2025, 10, 1),
           dateFin=date(2025, 10, 31)),
    action(axe="1 - Coopérer sur le territoire", sousAxe="1.2 Achats responsables",
           titre="Clauses sociales dans les marchés", descriptif="Clauses d'insertion dans les marchés publics.",
           objectifs="Favoriser l'emploi", indicateurs="Heures d'insertion réalisées",
           servicePilote="Service de la commande publique", partenaires="Pôle emploi", statut="En retard",
           priorite="Élevé", dateDebut="01/03/2025"),
    action(axe="1 - Coopérer sur le territoire", sousAxe="1.2 Achats responsables",
           titre="Guide de l'achat responsable", descriptif="Un guide pour les services acheteurs.",
           indicateurs="Guide publié", servicePilote="Service de la commande publique", statut="Réalisé",
           priorite="Bas", dateDebut="01/01/2025", dateFin="30/06/2025"),
    action(axe="1 - Coopérer sur le territoire", sousAxe="1.2 Achats responsables",
           titre="Guide de l'achat responsable", sousAction="Recenser les marchés existants"),
    action(axe="2 - Consommer autrement", titre="Épicerie solidaire",
           descriptif="Soutenir l'ouverture d'une épicerie solidaire.", objectifs="Lutter contre la précarité",
           indicateurs="Nombre de familles accueillies", structurePilote="Association La Panière",
           partenaires="CCAS de Bourg-sur-Tet", financements="Subvention communale et appel à projets",
           financeur1="Département", montant1="12 000", financeur2="Commune de Bourg-sur-Tet (collectivité fictive de test)",
           montant2=5000, budget=17000,
           statut="Bloqué", priorite="Élevé", dateDebut="01/04/2025", dateFin="31/03/2026",
           personnePilote="Camille Exemple"),
    action(axe="2 - Consommer autrement", titre="Ressourcerie", descriptif="Une ressourcerie dans l'ancienne gare.",
           objectifs="Réduire les déchets", indicateurs="Tonnes réemployées", structurePilote="Recyclerie du Tet",
           statut="A discuter", priorite="Moyen", dateDebut="01/09/2025"),
    action(axe="2 - Consommer autrement", sousAxe="2.1 Mobilité", titre="Atelier vélo",
           descriptif="Un atelier d'autoréparation de vélos.", indicateurs="Vélos réparés",
           structurePilote="Atelier vélo du Tet", partenaires="Fédération des usagers de la bicyclette",
           statut="En pause", priorite="Bas", dateDebut="15/05/2025", dateFin="15/05/2025"),
    action(axe="2 - Consommer autrement", sousAxe="2.1 Mobilité", titre="Covoiturage solidaire",
           descriptif="Mise en relation de conducteurs bénévoles.", objectifs="Rompre l'isolement",
           structurePilote="Mission ESS", statut="Abandonné", instances="Comité de pilotage ESS",
           dateFin="31/12/2025"),
    action(axe="2 - Consommer autrement", sousAxe="2.1 Mobilité", titre="Plan vélo des écoles",
           descriptif="Apprendre le vélo à l'école.", objectifs="Savoir rouler", indicateurs="Élèves formés",
           structurePilote="Service éducation", partenaires="Fédération des usagers de la bicyclette",
           statut="En cours", dateDebut="01/09/2025", dateFin="30/06/2026"),
]
PLAN_SHEET = {
    "id": PLAN_ID, "nom": "Bourg-sur-Tet, commune solidaire (plan fictif de test)",
    "collectivite": "Commune de Bourg-sur-Tet (collectivité fictive de test)", "siren": "200000001",
    "territoire": "Bourg-sur-Tet (commune fictive)", "dateDeliberation": date(2025, 1, 20),
    "instanceDeliberation": "Conseil municipal", "pointOrdreDuJour": "12", "dureePrevue": "P2Y",
    "dureeLibelle": "2025-2026", "sourceTitre": "Plan ESS de Bourg-sur-Tet (tableau TeT fictif de test)",
}
CLASSIFICATION = [
    ("Adhérer au RTES", "cooperation-et-reseaux", "developpement-economique-local", "17.17", "Loi ESS"),
    ("Forum annuel de l'ESS", "connaitre-et-faire-connaitre", "developpement-economique-local", "", ""),
    ("Clauses sociales dans les marchés", "commande-publique-responsable", "emploi-insertion", "8.5",
     "Code de la commande publique, Loi ESS"),
    ("Guide de l'achat responsable", "commande-publique-responsable", "emploi-insertion", "12.7", ""),
    ("Épicerie solidaire", "financement-solidaire", "alimentation", "2.1", "loi Garot"),
    ("Ressourcerie", "mise-a-disposition-de-moyens", "dechets-economie-circulaire", "12.5", "Loi AGEC"),
    ("Atelier vélo", "accompagnement-des-acteurs", "mobilite", "11.2", ""),
    ("Covoiturage solidaire", "experimentation-innovation", "mobilite", "", ""),
    ("Plan vélo des écoles", "sensibilisation-education", "education-jeunesse, mobilite", "", ""),
]


def write_tet_workbook(path: Path, actions=ACTIONS, plan: dict | None = PLAN_SHEET,
                       classification=CLASSIFICATION, headers=HEADERS) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    intro = book.active
    intro.title = "Mode d'emploi"
    intro["A1"] = "Importer un plan d'action dans Territoires en Transitions"
    sheet = book.create_sheet("Plan d'action")
    sheet["A1"] = "Modèle d'import de plan d'action"
    sheet.append(headers)
    sheet.append(["Exemple : 1 - Axe"] + ["exemple"] * (len(headers) - 1))
    names = [name for name, _ in TET_COLUMNS]
    for cells in actions:
        sheet.append([cells.get(name) for name in names])
    if plan is not None:
        table = book.create_sheet("plan")
        table.append(list(plan))
        table.append(list(plan.values()))
    if classification is not None:
        table = book.create_sheet("classification")
        table.append(["action", "leviers", "champs", "ciblesOdd", "basesLegales"])
        for row in classification:
            table.append([v or None for v in row])
    book.save(path)
    return path
