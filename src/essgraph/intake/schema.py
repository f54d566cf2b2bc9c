"""The tables of essgraph's plan template: their columns, types, keys and (French) titles and descriptions.

The template is a Frictionless Tabular Data Package (:mod:`.package` writes its ``datapackage.json``): one table per
sheet of an XLSX / ODS workbook, or one CSV file per table. Column names reuse those of published French schemas
where one exists — schema.data.gouv.fr's "Projets de collectivités" (``betagouv/schema-projet-collectivites-
transition-ecologique``, table ``projets-territoire``: ``nom``, ``description``, ``budgetPrevisionnel``,
``dateDebutPrevisionnelle``, ``phaseStatut``) and its "Collectivités" table (``siren``, ``codeInsee``) — and each such
column says so in its description. Enumerated columns take their codes from the SKOS schemes of the project
(``scheme``); list columns hold several codes separated by commas (``codes``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

PROJETS = (
    "Nom repris du schéma « Projets de collectivités » de schema.data.gouv.fr "
    "(betagouv/schema-projet-collectivites-transition-ecologique, table projets-territoire)"
)
COLLECTIVITES = (
    "Nom repris du schéma « Collectivités » de schema.data.gouv.fr "
    "(betagouv/schema-projet-collectivites-transition-ecologique, table collectivites)"
)
DATE = "Date au format JJ/MM/AAAA (ou une cellule de type date du tableur)."
LINES = "Un élément par ligne de la cellule."
CODES = "Codes séparés par des virgules, pris dans la liste « {scheme} » de la feuille Lisez-moi."
SLUG = r"^[a-z0-9][a-z0-9._-]*$"


@dataclass(frozen=True)
class Column:
    name: str
    title: str
    description: str
    type: str = "string"
    required: bool = False
    scheme: str = ""  # one code of this SKOS scheme (an enum)
    codes: str = ""  # codes of this scheme, comma-separated
    reused: str = ""  # the published schema the name comes from
    constraints: dict = field(default_factory=dict)
    example: object = None

    def text(self) -> str:
        parts = [self.description]
        if self.codes:
            parts.append(CODES.format(scheme=self.codes))
        if self.reused:
            parts.append(self.reused + ".")
        return " ".join(parts)


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[tuple[str, str, str], ...] = ()  # (column, table, column); table "" = itself

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _action_ref(what: str) -> Column:
    return Column(
        "action",
        "Action",
        f"Numéro de l'action (colonne numero de la table actions) {what}.",
        required=True,
        example="1.1",
    )


TABLES: tuple[Table, ...] = (
    Table(
        "plan",
        "Le plan",
        "Une seule ligne : le plan, la collectivité qui l'adopte, la délibération, la source.",
        (
            Column(
                "id",
                "Identifiant du plan",
                "Identifiant court et stable du plan, en minuscules (il fait son IRI "
                "id/plan/{id}) ; par défaut l'identifiant du jeu de données du fichier de projet.",
                constraints={"pattern": SLUG},
                example="ville-exemple-2024",
            ),
            Column(
                "nom",
                "Titre du plan",
                "Titre du plan, tel qu'écrit.",
                required=True,
                reused=PROJETS,
                example="Ville-Exemple, commune solidaire",
            ),
            Column("sousTitre", "Sous-titre", "Sous-titre du plan, tel qu'écrit."),
            Column(
                "collectivite",
                "Collectivité",
                "Nom de la collectivité qui adopte le plan (champ nom du schéma « Collectivités »).",
                required=True,
                example="Ville de Ville-Exemple",
            ),
            Column(
                "siren",
                "SIREN de la collectivité",
                "Numéro SIREN de la collectivité (9 chiffres), s'il est connu.",
                reused=COLLECTIVITES,
                constraints={"pattern": r"^[0-9]{9}$"},
            ),
            Column(
                "codeInsee",
                "Code INSEE",
                "Code officiel géographique (COG INSEE) de la commune, s'il est connu.",
                reused=COLLECTIVITES,
                constraints={"pattern": r"^(?:[0-9]{5}|2[AB][0-9]{3})$"},
            ),
            Column(
                "territoire",
                "Territoire",
                "Territoire couvert par le plan (nom de la commune, de l'EPCI...).",
                required=True,
                example="Ville-Exemple",
            ),
            Column(
                "dateDeliberation",
                "Date de la délibération",
                "Date à laquelle le plan a été adopté. " + DATE,
                type="date",
                example="15/02/2024",
            ),
            Column(
                "instanceDeliberation",
                "Instance",
                "Instance qui a adopté le plan (obligatoire avec une date de "
                "délibération), par exemple « Conseil municipal ».",
                example="Conseil municipal",
            ),
            Column("pointOrdreDuJour", "Point de l'ordre du jour", "Numéro du point de l'ordre du jour de la séance."),
            Column(
                "dureePrevue",
                "Durée prévue",
                "Durée prévue du plan au format ISO 8601 : P3Y (3 ans), P18M (18 mois).",
                constraints={"pattern": r"^P(?=[0-9])(?:[0-9]+Y)?(?:[0-9]+M)?(?:[0-9]+D)?$"},
                example="P2Y",
            ),
            Column("dureeLibelle", "Durée (texte)", "La durée telle que le plan l'écrit.", example="prévu pour 2 ans"),
            Column(
                "sourceTitre",
                "Document source",
                "Titre du document publié dont le plan est tiré (délibération, "
                "notice) ; à défaut, la source est ce tableur.",
                example="Plan ESS de Ville-Exemple",
            ),
            Column(
                "sourceUrl",
                "Adresse du document",
                "Adresse web (URL) du document source.",
                constraints={"pattern": r"^https?://\S+$"},
            ),
        ),
    ),
    Table(
        "axes",
        "Axes et sous-axes",
        "Une ligne par axe ou sous-axe (autant de niveaux que nécessaire).",
        (
            Column(
                "code",
                "Code",
                "Code de la section, unique dans le plan, auquel les actions renvoient (colonne axe), "
                "par exemple 1, 1.2.",
                required=True,
                example="1",
            ),
            Column("parent", "Section parente", "Code de la section dont celle-ci est un sous-axe ; vide pour un axe."),
            Column(
                "numero",
                "Numéro",
                "Numéro de la section tel que le plan l'imprime (obligatoire pour un axe).",
                example="1",
            ),
            Column(
                "nom",
                "Intitulé",
                "Intitulé de la section, tel qu'écrit.",
                required=True,
                example="Coopérer et acheter responsable",
            ),
            Column(
                "position",
                "Position",
                "Rang de la section parmi ses sœurs (1, 2...) ; par défaut l'ordre des lignes.",
                type="integer",
                constraints={"minimum": 1},
            ),
        ),
        primary_key=("code",),
        foreign_keys=(("parent", "", "code"),),
    ),
    Table(
        "actions",
        "Actions",
        "Une ligne par action (fiche action).",
        (
            Column(
                "numero",
                "Numéro",
                "Numéro de l'action, unique dans le plan (il fait son IRI .../action/{numero}).",
                required=True,
                constraints={"pattern": r"^\S+$"},
                example="1.1",
            ),
            Column("numeroImprime", "Numéro imprimé", "Numéro imprimé sur la fiche, s'il diffère du numéro."),
            Column(
                "axe",
                "Axe",
                "Code de la section (table axes) où l'action est rangée, la plus profonde.",
                required=True,
                example="1",
            ),
            Column(
                "nom",
                "Titre",
                "Titre de l'action, tel qu'imprimé sur la fiche.",
                required=True,
                reused=PROJETS,
                example="Adhésion au RTES",
            ),
            Column(
                "titreSynthese",
                "Titre du tableau de synthèse",
                "Titre de l'action dans le tableau de synthèse du plan, s'il diffère.",
            ),
            Column(
                "libelle",
                "Libellé d'affichage",
                "Libellé court affiché (par défaut le titre de synthèse, sinon le titre).",
            ),
            Column("libelleEn", "Libellé en anglais", "Libellé de l'action en anglais, si on en a un."),
            Column("contexte", "Contexte", "Contexte de l'action, tel qu'écrit."),
            Column(
                "description",
                "Description",
                "Description de l'action, telle qu'écrite.",
                reused=PROJETS,
                example="Rejoindre le Réseau des collectivités territoriales pour une économie solidaire.",
            ),
            Column(
                "objectifs",
                "Objectifs",
                "Objectifs de l'action. " + LINES,
                example="Partager les expériences avec d'autres collectivités",
            ),
            Column("methode", "Méthode", "Rubrique « méthode » de la fiche, telle qu'écrite."),
            Column("etapes", "Étapes", "Étapes de la méthode, dans l'ordre. " + LINES),
            Column(
                "moyens",
                "Moyens",
                "Moyens humains, techniques et financiers, tels qu'écrits (les montants vont dans la table budgets).",
                example="Cotisation annuelle",
            ),
            Column(
                "calendrier",
                "Calendrier",
                "Calendrier tel qu'écrit (« Premier trimestre 2024 »).",
                example="Premier trimestre 2024",
            ),
            Column(
                "dateDebutPrevisionnelle",
                "Date de début prévue",
                "Date de début prévue. " + DATE,
                type="date",
                reused=PROJETS,
                example="01/01/2024",
            ),
            Column(
                "dateFinPrevisionnelle",
                "Date de fin prévue",
                "Date de fin prévue (pas avant la date de début). "
                + DATE
                + " Nom formé comme dateDebutPrevisionnelle du schéma « Projets de collectivités ».",
                type="date",
                example="31/03/2024",
            ),
            Column("horizon", "Horizon", "Échéance donnée par une catégorie plutôt que des dates.", scheme="horizon"),
            Column(
                "phaseStatut",
                "Statut",
                "Statut d'avancement de l'action (code de la liste « status », d'après "
                "Territoires en Transitions), seulement si la source le dit.",
                scheme="status",
                reused=PROJETS,
            ),
            Column("priorite", "Priorité", "Niveau de priorité, seulement si la source le dit.", scheme="priority"),
            Column(
                "budgetPrevisionnel",
                "Budget prévisionnel",
                "Budget prévisionnel total de l'action, en euros (les autres montants vont dans la table budgets).",
                type="number",
                constraints={"minimum": 0},
                reused=PROJETS,
            ),
            Column(
                "indicateursLibelle",
                "Indicateurs (texte)",
                "La rubrique « indicateurs » telle qu'écrite (les "
                "indicateurs un par un vont dans la table indicateurs).",
                example="Nombre de rencontres suivies",
            ),
            Column(
                "leviers",
                "Leviers",
                "Comment la collectivité agit (leviers, d'après le RTES).",
                codes="lever",
                example="cooperation-et-reseaux",
            ),
            Column(
                "champs",
                "Champs d'action",
                "Où la collectivité agit (champs d'action).",
                codes="field",
                example="developpement-economique-local",
            ),
            Column(
                "ciblesOdd",
                "Cibles ODD",
                "Cibles des objectifs de développement durable des Nations unies (12.3, "
                "8.5...), séparées par des virgules.",
                example="17.17",
            ),
            Column(
                "transversalite",
                "Transversalité",
                "Politiques avec lesquelles la fiche déclare l'action transversale.",
                codes="transversality",
            ),
            Column("basesLegalesLibelle", "Bases légales (texte)", "Comment la fiche cite ses bases légales. " + LINES),
            Column(
                "repereSource",
                "Repère dans la source",
                "Où trouver l'action dans la source (« Fiche 1.1 ») ; par défaut la feuille et la ligne du tableur.",
            ),
            Column(
                "lignesSource",
                "Lignes de la source",
                "Lignes du texte source (« 12-18 »), si elles sont connues.",
                constraints={"pattern": r"^[0-9]+(-[0-9]+)?(, ?[0-9]+(-[0-9]+)?)*$"},
            ),
        ),
        primary_key=("numero",),
        foreign_keys=(("axe", "axes", "code"),),
    ),
    Table(
        "partenaires",
        "Pilotes et partenaires",
        "Une ligne par organisation impliquée dans une action, dans l'ordre de la fiche.",
        (
            _action_ref("où l'organisation est impliquée"),
            Column(
                "organisation",
                "Organisation",
                "Nom de l'organisation tel que la fiche l'écrit.",
                required=True,
                example="RTES",
            ),
            Column(
                "organisationId",
                "Identifiant",
                "Identifiant d'une organisation des données de référence "
                "(id/organisation/{identifiant}), pour la désigner sans ambiguïté.",
                constraints={"pattern": SLUG},
            ),
            Column(
                "siren",
                "SIREN",
                "Numéro SIREN de l'organisation (9 chiffres), s'il est connu.",
                reused=COLLECTIVITES,
                constraints={"pattern": r"^[0-9]{9}$"},
            ),
            Column(
                "type",
                "Type d'organisation",
                "Type de l'organisation, s'il est connu.",
                scheme="organisation-type",
                example="reseau",
            ),
            Column(
                "role",
                "Rôle",
                "Rôle de l'organisation dans l'action, seulement si la fiche le dit.",
                scheme="role",
                example="partenaire",
            ),
        ),
        foreign_keys=(("action", "actions", "numero"),),
    ),
    Table(
        "budgets",
        "Budgets",
        "Une ligne par montant d'une action (budget prévisionnel ou réalisé, financement).",
        (
            _action_ref("financée"),
            Column(
                "montant",
                "Montant",
                "Montant, en nombre (12000 ou 12 000).",
                type="number",
                required=True,
                constraints={"minimum": 0},
                example=800,
            ),
            Column(
                "devise",
                "Devise",
                "Code ISO 4217 de la devise ; EUR par défaut.",
                constraints={"pattern": r"^[A-Z]{3}$"},
                example="EUR",
            ),
            Column(
                "periode",
                "Période",
                "Période du montant : par-mois ou par-an ; vide pour un montant global.",
                constraints={"enum": ["par-mois", "par-an"]},
                example="par-an",
            ),
            Column("annee", "Exercice", "Exercice budgétaire (année).", type="year", example=2024),
            Column(
                "nature",
                "Nature",
                "Prévisionnel (le budgetPrevisionnel du schéma « Projets de collectivités ») ou réalisé.",
                scheme="budget-stage",
                example="previsionnel",
            ),
            Column(
                "section",
                "Section",
                "Section du budget : investissement ou fonctionnement.",
                scheme="expenditure-type",
                example="fonctionnement",
            ),
            Column(
                "financeur",
                "Financeur",
                "Nom de l'organisation qui apporte ce montant, si ce n'est pas la collectivité.",
            ),
            Column(
                "financeurSiren",
                "SIREN du financeur",
                "Numéro SIREN du financeur (9 chiffres), s'il est connu.",
                constraints={"pattern": r"^[0-9]{9}$"},
            ),
            Column(
                "libelle",
                "Libellé",
                "Le moyen tel que la fiche l'écrit ; par défaut le montant et sa devise.",
                example="Cotisation annuelle de 800 €",
            ),
            Column("libelleMontant", "Montant (texte)", "Le montant tel qu'écrit, s'il diffère du libellé."),
        ),
        foreign_keys=(("action", "actions", "numero"),),
    ),
    Table(
        "indicateurs",
        "Indicateurs",
        "Une ligne par indicateur de résultat d'une action, dans l'ordre de la fiche.",
        (
            _action_ref("suivie"),
            Column(
                "nom",
                "Indicateur",
                "L'indicateur tel qu'écrit.",
                required=True,
                example="Nombre de rencontres du réseau suivies",
            ),
            Column("cible", "Cible", "La cible telle qu'écrite (« au moins 4 par an »).", example="au moins 4 par an"),
            Column(
                "valeurCible", "Valeur cible", "La valeur visée, en nombre (avec une cible).", type="number", example=4
            ),
            Column(
                "unite", "Unité", "L'unité de la valeur cible (« rencontres par an »).", example="rencontres par an"
            ),
            Column("dateCible", "Échéance", "Date à laquelle la cible doit être atteinte. " + DATE, type="date"),
        ),
        foreign_keys=(("action", "actions", "numero"),),
    ),
    Table(
        "bases_legales",
        "Bases légales",
        "Une ligne par texte juridique cité par une action.",
        (
            _action_ref("qui cite le texte"),
            Column(
                "texte",
                "Texte",
                "Le texte : son nom court dans les données de référence (« Loi ESS », « Loi AGEC », "
                "« Code de la commande publique »...) ou son adresse ELI / Légifrance.",
                required=True,
                example="Loi ESS",
            ),
        ),
        foreign_keys=(("action", "actions", "numero"),),
    ),
)

TABLE = {t.name: t for t in TABLES}
