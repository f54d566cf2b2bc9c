"""The competency queries of ``queries/`` answer what the source says.

Every expected answer below was worked out by reading data/sources/saint-maur-ville-initiatives-solidaires-2021.txt
(line numbers given), or tests/fixtures/second-plan/source.txt for the fictional second plan — never from the
queries' own output. Where the source is ambiguous the test says so and accepts each reasonable reading.

Stores are built the way users build them (``essgraph.build.pipeline.Builder``, validation included), once per test
session (support/projects.py): the real project, and the real project plus the fictional second plan
(tests/fixtures/second-plan/essgraph.toml), both for the same base IRI. Queries run like the CLI and the server run
them: union default graph, parameters bound as RDF terms (``substitutions``), never pasted.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import pyoxigraph as ox
import pytest

from essgraph.sparql.execute import union_args
from essgraph.sparql.named import load_named_queries
from support.projects import ROOT, base_of

BASE = base_of("real")
SM = BASE + "id/plan/saint-maur-des-fosses-2021"
VM = BASE + "id/plan/valmont-sur-essai-2024"
ORG = BASE + "id/organisation/"
DEF = "https://w3id.org/essgraph/def/"
QUERIES = load_named_queries(ROOT / "queries")

GAROT = "https://www.legifrance.gouv.fr/eli/loi/2016/2/11/AGRX1531165L/jo/texte"
AGEC = "https://www.legifrance.gouv.fr/eli/loi/2020/2/10/TREP1902395L/jo/texte"
LTECV = "https://www.legifrance.gouv.fr/eli/loi/2015/8/17/DEVX1413992L/jo/texte"
LOI_ESS = "https://www.legifrance.gouv.fr/eli/loi/2014/7/31/ERNX1315311L/jo/texte"
GRENELLE2 = "https://www.legifrance.gouv.fr/eli/loi/2010/7/12/DEVX0822225L/jo/texte"
RE2020 = "https://www.legifrance.gouv.fr/eli/decret/2021/7/29/2021-1004/jo/texte"
CCP = "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000037701019"
WASTE_DIRECTIVE = "http://data.europa.eu/eli/dir/2018/851/oj"


# -- stores and running ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def real(builds) -> ox.Store:
    assert builds["real"].base == BASE
    return builds["real"].memory


@pytest.fixture(scope="module")
def both(builds) -> ox.Store:
    assert builds["second-plan"].base == BASE
    return builds["second-plan"].memory


def run(store: ox.Store, name: str, **params: str) -> list[dict[str, str | None]]:
    """Run a named query as the server does: checked parameters bound as RDF terms, union default graph."""
    query = QUERIES[name]
    result = store.query(query.text, **union_args(store), substitutions=query.bindings(params))
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in result]


def cards(rows, plan: str = SM, key: str = "action") -> list[str]:
    """Card numbers of the rows' actions of ``plan``, in row order."""
    prefix = plan + "/action/"
    return [r[key][len(prefix):] for r in rows if r[key] and r[key].startswith(prefix)]


def source_lines() -> list[str]:
    return (ROOT / "data/sources/saint-maur-ville-initiatives-solidaires-2021.txt").read_text(encoding="utf-8").splitlines()


def summary_table() -> list[tuple[str, str, str | None]]:
    """(card, axis, sub-axis wording or None) from the summary table "Déclinaisons opérationnelles" (lines 46-82)."""
    out = []
    for line in source_lines()[45:82]:
        m = re.match(r"^AXE (\d)\.(\d+)\t(.*)$", line)
        if m:
            sub = m.group(3).split("/", 1)[0].strip() if m.group(1) in "12" else None
            out.append((f"{m.group(1)}.{m.group(2)}", m.group(1), sub))
    return out


def test_every_query_is_tested():
    tested = {n[len("test_"):].split("__")[0].replace("_", "-") for n in globals() if n.startswith("test_")}
    assert set(QUERIES) <= tested, sorted(set(QUERIES) - tested)
    assert len(QUERIES) >= 15


def test_every_query_has_a_header():
    for q in QUERIES.values():
        assert q.title and q.description, q.name
        for p in q.params:
            assert p.description and p.example, (q.name, p.name)


# -- structure --------------------------------------------------------------------------------------------------------

def test_actions_by_section(real):
    """The 30 cards in the summary table's order, each with the axis and sub-axis the table gives it."""
    rows = run(real, "actions-by-section", plan=SM)
    table = summary_table()
    assert len(table) == 30
    assert cards(rows) == [c for c, _, _ in table]          # 1.1 ... 1.9, 1.10, 2.1 ... (numeric order)
    for row, (card, axis, sub) in zip(rows, table):
        assert row["axisNotation"] == axis
        if sub is None:                                    # axes 3 and 4 have no sub-axis
            assert row["subAxis"] is None, card
        else:                                              # "Connaitre et faire connaître", "Des achats responsables"...
            assert row["subAxisLabel"] == sub, card


def test_action_count_by_section(real):
    rows = run(real, "action-count-by-section", plan=SM)
    per_axis = {r["axisNotation"]: int(r["actions"]) for r in rows if r["subAxis"] is None}
    assert per_axis == {"1": 10, "2": 12, "3": 4, "4": 4}   # lines 46-82
    per_sub = {r["subAxisLabel"]: int(r["actions"]) for r in rows if r["subAxis"] is not None}
    expected = Counter(sub for _, _, sub in summary_table() if sub)
    assert per_sub == dict(expected) == {
        "Connaitre et faire connaître": 3, "Soutenir les acteurs de l'ESS": 3, "Des achats responsables": 4,
        "Valoriser les filières, sensibiliser aux enjeux": 4, "Economie circulaire et innovation": 4,
        "Inventer une agriculture urbaine": 4,
    }


def test_action_details(real):
    """Card 1.4 (lines 125-135), field by field."""
    rows = run(real, "action-details", action=SM + "/action/1.4")
    values = defaultdict(set)
    for r in rows:
        values[r["property"]].add(r["value"])
    ess = DEF[:-1] + "#"
    assert values["http://purl.org/dc/terms/title"] == {"LOGISTIQUE DE LA SOLIDARITE ALIMENTAIRE"}
    assert values[ess + "calendarWording"] == {"Dernier trimestre 2021"}
    assert values[ess + "legalBasis"] == {GAROT}
    assert values[ess + "meansWording"] == {"1 poste en Service Civique"}
    assert {"2021-10-01", "2021-12-31"} <= values["http://www.w3.org/2006/time#inXSDDate"]
    assert {"Développement de l'économie sociale et solidaire", "CCAS", "Sté St Vincent de Paul", "Ass Terre Anoé",
            "Secours catholique", "Association Joly", "La Croix rouge française"} == values[ess + "sourceWording"]
    assert "Rendre l'aide alimentaire plus efficiente" in values["http://www.w3.org/2000/01/rdf-schema#label"]
    # organisations come with their French name
    labels = {r["value"]: r["valueLabel"] for r in rows if r["property"] == ess + "involvedOrganisation"}
    assert labels[ORG + "saint-maur-ccas"]


# -- legal texts ------------------------------------------------------------------------------------------------------

# Which cards cite or clearly refer to each text, read in the source:
#   loi Garot: 1.4 ("selon la loi Garot du 11 février 2016", line 128).
#   loi AGEC: 1.7 ("loi AGEC", lines 169-170), 2.4 ("loi du 10 fevrier 2020", line 277), 2.1 (line 232: "Atteindre le
#     zéro plastique jetable d'ici 2040 ... Le texte prévoit que des objectifs ... soient fixés par décret pour la
#     période 2021 2025, puis pour chaque période consécutive de 5 ans" — the AGEC law's own goal and mechanism).
#   code de la commande publique: 1.7 (line 170).
#   RE2020: 2.4 ("projet de loi RE 2020", line 277).
#   Grenelle II, LTECV, directive 2018/851: 2.7 (line 325).
#   2.2 says "anticiper les réglementations sur le tri à la source des biodéchets" (line 248) without naming a text:
#     linking it to the LTECV and the directive (the texts 2.7 names for that obligation) is a reading, accepted.
#   loi ESS 2014: no card of this plan.
LEGAL = {GAROT: ({"1.4"}, set()), AGEC: ({"1.7", "2.1", "2.4"}, set()), CCP: ({"1.7"}, set()), RE2020: ({"2.4"}, set()),
         GRENELLE2: ({"2.7"}, set()), LTECV: ({"2.7"}, {"2.2"}), WASTE_DIRECTIVE: ({"2.7"}, {"2.2"}), LOI_ESS: (set(), set())}


@pytest.mark.parametrize("text", list(LEGAL), ids=lambda t: t.split("/")[-3] if "eli" in t else t[-12:])
def test_actions_citing_legal_text(real, text):
    found = set(cards(run(real, "actions-citing-legal-text", text=text)))
    sure, possible = LEGAL[text]
    assert sure <= found <= sure | possible


def test_actions_citing_legal_text__second_plan(both):
    rows = run(both, "actions-citing-legal-text", text=GAROT)
    assert cards(rows, SM) == ["1.4"] and cards(rows, VM) == ["2.2"]
    rows = run(both, "actions-citing-legal-text", text=LOI_ESS)
    assert cards(rows, SM) == [] and cards(rows, VM) == ["1.1"]


def test_legal_texts_cited(real):
    rows = {r["text"]: r for r in run(real, "legal-texts-cited")}
    assert set(rows) == set(LEGAL) - {LOI_ESS}
    assert rows[GAROT]["cards"] == "1.4" and rows[GAROT]["title"].startswith("Loi n° 2016-138 du 11 février 2016")
    assert int(rows[AGEC]["actions"]) == 3


def test_compare_plans_legal_bases(both):
    rows = run(both, "compare-plans-legal-bases")
    count = {(r["text"], r["plan"]): int(r["actions"]) for r in rows}
    assert count[(GAROT, SM)] == 1 and count[(GAROT, VM)] == 1      # 1.4 / Valmont 2.2
    assert count[(AGEC, SM)] == 3 and count[(AGEC, VM)] == 1        # 1.7, 2.1, 2.4 / Valmont 1.2
    assert count[(CCP, SM)] == 1 and count[(CCP, VM)] == 1          # 1.7 / Valmont 1.2
    assert count[(LOI_ESS, SM)] == 0 and count[(LOI_ESS, VM)] == 1  # none / Valmont 1.1
    assert count[(RE2020, VM)] == 0


# -- organisations ------------------------------------------------------------------------------------------------

# The "Pilotes / partenaires" cells name the city's ESS unit as "Développement de l'économie sociale et solidaire"
# (or "Développement de l'Economie sociale et solidaire"), "DGS/ESS", "DGS ESS" or "DGS / ESS" on 23 cards:
# 1.1-1.10, 2.1-2.7, 2.9, 2.12, 3.2, 3.3, 4.2, 4.3 (not 2.8, 2.10, 2.11, 3.1, 3.4, 4.1, 4.4).
ESS_UNIT_CARDS = {f"1.{i}" for i in range(1, 11)} | {f"2.{i}" for i in range(1, 8)} | {"2.9", "2.12", "3.2", "3.3",
                                                                                      "4.2", "4.3"}
# "DGS" / "Direction Générale des services" alone: 1.3, 1.7, 1.10, 2.1, 2.5, 2.6, 4.1 (7 cards).
# The sustainable development service ("service DD", "Service du Développement durable"...): 2.5-2.10, 2.12 (7).
# "service communication": 1.1, 1.6, 2.2, 2.3, 2.9, 2.10 (6).


def test_organisations_most_involved(real):
    rows = run(real, "organisations-most-involved")
    counts = {r["organisation"][len(ORG):]: int(r["actions"]) for r in rows}
    top = rows[0]
    assert top["organisation"] == ORG + "saint-maur-developpement-de-l-economie-sociale-et-solidaire"
    assert top["label"] == "Développement de l'économie sociale et solidaire"
    assert int(top["actions"]) == len(ESS_UNIT_CARDS) == 23
    assert counts["saint-maur-dgs"] == 7
    assert counts["saint-maur-service-developpement-durable"] == 7
    assert counts["saint-maur-service-communication"] == 6
    assert all(int(r["actions"]) <= 7 for r in rows[1:])
    actions = [int(r["actions"]) for r in rows]
    assert actions == sorted(actions, reverse=True)


def test_actions_of_organisation(real):
    rows = run(real, "actions-of-organisation", organisation=ORG + "saint-maur-developpement-de-l-economie-sociale-et-solidaire")
    assert set(cards(rows)) == ESS_UNIT_CARDS
    wordings = {r["sourceWording"] for r in rows}
    assert {"DGS/ESS", "Développement de l'économie sociale et solidaire"} <= wordings
    rows = run(real, "actions-of-organisation", organisation=ORG + "saint-maur-ccas")
    assert cards(rows) == ["1.4", "2.12"]                  # "CCAS" (line 131), "CCAS et EDS" (line 402)


# Cards whose "Pilotes / partenaires" cell names associations: 1.4 (Sté St Vincent de Paul, Ass Terre Anoé,
# Association Joly...), 2.1 (Zero Waste France), 2.4 (association approche), 2.6 ("associations"), 2.8
# ("associations"), 2.9 ("associations jardinage et horticulture"), 2.10 ("associations locales en relai"), 2.12
# ("associations locales"), 3.1 ("Associations Cyclo-recyclé, ..."), 3.2 ("Associations concernées (Cyclo recyclé,
# place au vélo,...)"), 3.3 and 4.4 ("Associations de parents d'élèves"), 4.1 (ASTS, Algora, Parabole: "l'association
# ASTS, Parabole et ALGORA", line 487). Cards naming only city services and public bodies cannot be in the answer:
# 1.1, 1.7, 1.8, 1.9, 1.10, 2.7, 4.3 (and 1.3: DGS, the ESS unit and the RTES network).
ASSOCIATION_CARDS = {"1.4", "2.1", "2.4", "2.6", "2.8", "2.9", "2.10", "2.12", "3.1", "3.2", "3.3", "4.1", "4.4"}
NO_ASSOCIATION_CARDS = {"1.1", "1.3", "1.7", "1.8", "1.9", "1.10", "2.7", "4.3"}
# Schools: 1.6 ("lycées et collèges volontaires"), 2.3 (Lycée d'Arsonval, Lycée la source), 2.4 (Lycée François
# Mansart), 2.6 (Lycée Gourdou Leseure). 2.11 names universities and AgroParisTech: a school or a public body.
SCHOOL_CARDS = {"1.6", "2.3", "2.4", "2.6"}


def test_actions_by_organisation_type(real):
    found = set(cards(run(real, "actions-by-organisation-type", type=DEF + "organisation-type/association")))
    assert ASSOCIATION_CARDS <= found
    assert not found & NO_ASSOCIATION_CARDS
    found = set(cards(run(real, "actions-by-organisation-type", type=DEF + "organisation-type/etablissement-scolaire")))
    assert SCHOOL_CARDS <= found <= SCHOOL_CARDS | {"2.11"}


def test_actions_by_organisation_type__second_plan(both):
    rows = run(both, "actions-by-organisation-type", type=DEF + "organisation-type/association", plan=VM)
    assert sorted(set(cards(rows, VM))) == ["2.1", "2.2"]   # the bicycle workshop + FUB, the solidarity grocery


def test_compare_plans_shared_organisations(real, both):
    assert run(real, "compare-plans-shared-organisations") == []      # one plan: nothing is shared
    rows = run(both, "compare-plans-shared-organisations")
    shared = {r["organisation"][len(ORG):]: (int(r["plans"]), int(r["actions"])) for r in rows}
    # Saint-Maur: RTES 1.3, 2.5; CRESS 1.2, 2.5; FUB 3.1, 3.2; Pôle Emploi 4.1. Valmont: RTES 1.1; CRESS 1.1, 1.2;
    # FUB 2.1; Pôle emploi 1.2.
    assert shared == {"rtes": (2, 3), "cress": (2, 4), "federation-des-usagers-de-la-bicyclette": (2, 3),
                      "pole-emploi": (2, 2)}


def test_compare_plans_partners(real, both):
    """Valmont's cells "Pilotes / partenaires" (source.txt): 1.1 Mission ESS, RTES, CRESS; 1.2 Service des achats,
    Pôle emploi, CRESS; 2.1 L'Atelier vélo du Valmont, FUB; 2.2 Mission ESS, Épicerie solidaire du Valmont."""
    rows = run(both, "compare-plans-partners", plan=VM)
    vm = {r["organisation"][len(ORG):]: int(r["actions"]) for r in rows}
    assert vm == {"valmont-mission-ess": 2, "rtes": 1, "cress": 2, "valmont-service-achats": 1, "pole-emploi": 1,
                  "atelier-velo-du-valmont": 1, "federation-des-usagers-de-la-bicyclette": 1,
                  "epicerie-solidaire-du-valmont": 1}
    types = {r["organisation"][len(ORG):]: r["type"][len(DEF + "organisation-type/"):] for r in rows}
    assert types["rtes"] == "reseau" and types["valmont-mission-ess"] == "service-municipal"
    sm = {r["organisation"][len(ORG):]: int(r["actions"]) for r in run(both, "compare-plans-partners")
          if r["plan"] == SM}
    # what the two plans share is what compare-plans-shared-organisations finds (same counts per plan)
    assert {o for o in vm if o in sm} == {"rtes", "cress", "federation-des-usagers-de-la-bicyclette", "pole-emploi"}
    assert (sm["rtes"], sm["cress"], sm["federation-des-usagers-de-la-bicyclette"], sm["pole-emploi"]) == (2, 2, 2, 1)


def test_compare_plans_organisation_types(both):
    rows = run(both, "compare-plans-organisation-types")
    vm = {r["type"][len(DEF + "organisation-type/"):]: (int(r["organisations"]), int(r["actions"]))
          for r in rows if r["plan"] == VM}
    assert vm == {"association": (3, 2), "service-municipal": (2, 3), "reseau": (2, 2), "etablissement-public": (1, 1)}
    sm = {r["type"][len(DEF + "organisation-type/"):]: int(r["actions"]) for r in rows if r["plan"] == SM}
    assert sm["service-municipal"] >= 25      # every card but 2.11 and 3.1 names a city service (3.4: "Service
    assert sm["association"] >= len(ASSOCIATION_CARDS)                    # attractivité économique de la ville")


# -- money, dates, indicators ----------------------------------------------------------------------------------

def months(duration: str | None) -> int | None:
    if duration is None:
        return None
    m = re.fullmatch(r"P(?:(\d+)Y)?(?:(\d+)M)?", duration)
    assert m, duration
    return int(m.group(1) or 0) * 12 + int(m.group(2) or 0)


def test_amounts_by_action(real):
    """The budgets of the "Moyens" cells: 650 € (1.3, line 118), 50 000 € per post over 24 months (4.1, line 485),
    1 300 to 2 100 € per month committed for 1 to 3 years (4.2, line 500). No other "Moyens" cell states money."""
    rows = run(real, "amounts-by-action", plan=SM)
    budgets = {cards([r])[0]: r for r in rows if r["attachedTo"] == "means"}
    assert set(budgets) == {"1.3", "4.1", "4.2"}
    assert all(r["currency"] == "EUR" for r in budgets.values())
    assert float(budgets["1.3"]["value"]) == 650
    assert float(budgets["4.1"]["value"]) == 50000 and budgets["4.1"]["perUnit"] == "poste"
    assert months(budgets["4.1"]["duration"]) == 24
    b = budgets["4.2"]
    assert (float(b["minValue"]), float(b["maxValue"]), b["unitCode"]) == (1300, 2100, "MON")
    assert (months(b["minDuration"]), months(b["maxDuration"])) == (12, 36)
    # other amounts are figures of a card's text, not budgets: 2.2's "mille milliards de dollars par an" (line 247)
    others = {(cards([r])[0], float(r["value"]), r["currency"]) for r in rows if r["attachedTo"] != "means"}
    assert others <= {("2.2", 1e12, "USD")}


def test_compare_plans_budgets(real, both):
    """Budgets (the "Moyens" cells' money), per plan and year. Saint-Maur: 650 € once (1.3, line 118, "Septembre
    2021"); 50 000 € per post over 24 months (4.1, line 485; dated May 2021) and 1 300 to 2 100 € per month (4.2,
    line 500; "A définir") cannot be summed. Valmont (source.txt): 800 € a year (1.1, "Premier trimestre 2024") and
    12 000 € once (2.1, "Court terme": no year)."""
    rows = run(both, "compare-plans-budgets")
    summed = {(r["plan"], r["year"], r["currency"], r["unitCode"]): (float(r["total"]), int(r["amounts"]))
              for r in rows if r["summed"] == "true"}
    assert summed == {(SM, "2021", "EUR", None): (650, 1), (VM, "2024", "EUR", "ANN"): (800, 1),
                      (VM, None, "EUR", None): (12000, 1)}
    apart = {(cards([r], r["plan"])[0], r["year"], r["reason"]) for r in rows if r["summed"] == "false"}
    assert apart == {("4.1", "2021", "per unit"), ("4.2", None, "range")}
    assert run(real, "compare-plans-budgets") == [r for r in rows if r["plan"] == SM]


def test_compare_plans_overview(real, both):
    (sm,) = run(real, "compare-plans-overview")
    rows = {r["plan"]: r for r in run(both, "compare-plans-overview")}
    assert rows[SM] == sm                                   # loading a second plan changes nothing for the first
    assert (sm["adopted"], sm["duration"], sm["axes"], sm["actions"]) == ("2021-06-30", "P3Y", "4", "30")
    assert sm["indicatorsWithTarget"] == "1" and sm["actionsWithBudget"] == "3"
    # dated calendars: 1.1-1.10 (1.5: "2022- A définir"), 2.3 (novembre 2021), 2.5 (Décembre 2021 >), 2.8, 2.12
    # (Automne 2021), 3.3, 3.4 (Dernier trimestre), 4.1 (3 and 20 May 2021), 4.4 (Début 2022): 18 cards.
    assert sm["actionsWithDates"] == "18"
    vm = rows[VM]
    assert (vm["adopted"], vm["duration"], vm["axes"], vm["actions"], vm["indicators"], vm["indicatorsWithTarget"],
            vm["actionsWithBudget"], vm["actionsWithDates"], vm["notes"]) == \
        ("2024-02-15", "P2Y", "2", "4", "4", "1", "2", "3", "1")
    assert vm["collectivite"].startswith("Ville de Valmont-sur-Essai")


# The calendars read in the source: "2021" (1.1), "3ème trimestre 2021" (1.2), "Septembre 2021" (1.3), "Dernier
# trimestre 2021" (1.4, 3.4), "2022- A définir" (1.5), "dernière semaine de mars 2022" (1.6), "fin d'année 2021" (1.7),
# "2ème semestre 2021 jusqu'à livraison" (1.8, 1.9: from July 2021, end unknown), "Fin 2021" (1.10), "novembre 2021"
# (2.3), "Décembre 2021 >" (2.5: from December 2021), "Automne 2021" (2.8, 2.12), "Dernier trimestre pour la rentrée
# 2021-2022" (3.3: the last quarter of 2021, or the last school term before that rentrée — ambiguous), "le 3 mai
# 2021", "le 20 mai 2021" (4.1), "Début 2022" (4.4).
@pytest.mark.parametrize("start,end,sure,possible", [
    ("2021-05-01", "2021-05-31", {"1.1", "4.1"}, {"3.3"}),
    ("2021-08-01", "2021-08-31", {"1.1", "1.2", "1.8", "1.9"}, {"3.3"}),
    ("2021-10-01", "2021-12-31", {"1.1", "1.4", "1.7", "1.8", "1.9", "1.10", "2.3", "2.5", "2.8", "2.12", "3.4"}, {"3.3"}),
    ("2021-06-30", "2021-06-30", {"1.1"}, {"3.3"}),
])
def test_actions_in_period(real, start, end, sure, possible):
    found = set(cards(run(real, "actions-in-period", start=start, end=end)))
    assert sure <= found <= sure | possible


def test_actions_in_period__second_plan(both):
    # "Premier trimestre 2024" (1.1), "2024" (1.2), "Mars 2024" (2.2), "Court terme" (2.1: no dates)
    rows = run(both, "actions-in-period", start="2024-03-31", end="2024-03-31", plan=VM)
    assert cards(rows, VM) == ["1.1", "1.2", "2.2"]
    rows = run(both, "actions-in-period", start="2024-04-01", end="2024-04-30", plan=VM)
    assert cards(rows, VM) == ["1.2"]


def test_compare_plans_calendar(both):
    """Years covered. Saint-Maur: 2021 for 1.1-1.4, 1.7-1.10 (8 cards), 2.3, 2.5, 2.8, 2.12, 3.3, 3.4, 4.1 (15);
    2022 for 1.5 ("2022- A définir"), 1.6 (March 2022), 4.4 ("Début 2022") (3). Horizons: à définir 1.5, 2.2, 3.1,
    4.2, 4.3 (5); court terme 2.7, 2.10, 3.2 (3); moyen terme 2.9, 2.11 (2); action récurrente 2.1 (1). Valmont:
    2024 for 1.1, 1.2, 2.2 (3); court terme 2.1 (1)."""
    rows = run(both, "compare-plans-calendar")
    years = {(r["plan"], r["year"]): int(r["actions"]) for r in rows if r["year"]}
    assert years == {(SM, "2021"): 15, (SM, "2022"): 3, (VM, "2024"): 3}
    horizons = {(r["plan"], r["horizon"][len(DEF + "horizon/"):]): int(r["actions"]) for r in rows if r["horizon"]}
    assert horizons == {(SM, "a-definir"): 5, (SM, "court-terme"): 3, (SM, "moyen-terme"): 2, (SM, "recurrent"): 1,
                        (VM, "court-terme"): 1}


def test_indicators_with_target(real, both):
    (row,) = run(real, "indicators-with-target")            # the only target: "(estimation à 30%)", line 94
    assert cards([row]) == ["1.1"]
    assert row["indicatorLabel"] == "Nombre de courrier en retour"
    assert row["targetWording"] == "estimation à 30%"
    assert float(row["value"]) == 30 and row["unitCode"] == "P1"
    rows = run(both, "indicators-with-target", plan=VM)
    assert cards(rows, VM) == ["1.1"] and rows[0]["targetWording"] == "au moins 4 par an"


# -- classification ----------------------------------------------------------------------------------------------

# Levers and fields are essgraph's editorial reading; what the source makes certain:
#   the sub-axis "Des achats responsables" (1.7-1.10) is public procurement;
#   1.1 surveys the associations (knowing the actors); 1.3 joins a network of local authorities (cooperation).
#   Fields: food (1.4 food aid, 2.2 food waste, 2.8 soup from unsold food), waste and circular economy (2.1 zero
#   waste, 2.5 circular-economy fablab, 2.6 repair café, 2.7 bio-waste), urban agriculture and nature (2.9-2.12),
#   mobility (axis 3), digital (1.5 and axis 4).
LEVERS = {"commande-publique-responsable": {"1.7", "1.8", "1.9", "1.10"}, "connaitre-et-faire-connaitre": {"1.1"},
          "cooperation-et-reseaux": {"1.3"}}
FIELDS = {"alimentation": {"1.4", "2.2", "2.8"}, "dechets-economie-circulaire": {"2.1", "2.5", "2.6", "2.7"},
          "agriculture-urbaine-nature": {"2.9", "2.10", "2.11", "2.12"}, "mobilite": {"3.1", "3.2", "3.3", "3.4"},
          "numerique": {"1.5", "4.1", "4.2", "4.3", "4.4"}}


def test_actions_by_lever(real):
    rows = run(real, "actions-by-lever", plan=SM)
    assert len(set(cards(rows))) == 30                     # every action has a lever
    for lever, expected in LEVERS.items():
        assert expected <= set(cards(run(real, "actions-by-lever", lever=DEF + "lever/" + lever))), lever


def test_actions_by_field(real):
    rows = run(real, "actions-by-field", plan=SM)
    assert len(set(cards(rows))) == 30
    for field, expected in FIELDS.items():
        assert expected <= set(cards(run(real, "actions-by-field", field=DEF + "field/" + field))), field


def test_actions_by_sdg_target(real):
    # 12.3 halve food waste: 1.4, 2.2, 2.8; 12.7 sustainable public procurement: 1.7 (and the responsible purchases)
    assert {"1.4", "2.2", "2.8"} <= set(cards(run(real, "actions-by-sdg-target", target="http://metadata.un.org/sdg/12.3")))
    assert {"1.7"} <= set(cards(run(real, "actions-by-sdg-target", target="http://metadata.un.org/sdg/12.7")))
    rows = run(real, "actions-by-sdg-target", plan=SM)
    assert len(set(cards(rows))) == 30                     # every action serves at least one target
    assert all(re.fullmatch(r"http://metadata\.un\.org/sdg/\d+\.\w+", r["target"]) for r in rows)
    assert all(r["goal"] and r["targetLabel"] for r in rows)


def test_compare_plans_sdg_targets(real, both):
    """Valmont's editorial classification (classification.ttl): 1.1 17.17; 1.2 8.5, 12.7; 2.1 11.2; 2.2 12.3."""
    rows = run(both, "compare-plans-sdg-targets")
    vm = {r["target"].rsplit("/", 1)[1]: int(r["actions"]) for r in rows if r["plan"] == VM}
    assert vm == {"17.17": 1, "8.5": 1, "12.7": 1, "11.2": 1, "12.3": 1}
    assert all(r["goal"] and r["targetLabel"] for r in rows)
    by_target = {r["target"]: int(r["actions"]) for r in run(real, "compare-plans-sdg-targets")}
    single = Counter(r["target"] for r in run(real, "actions-by-sdg-target"))
    assert by_target == dict(single)       # the same counts as the list of actions by target


def test_compare_plans_levers(real, both):
    rows = run(both, "compare-plans-levers")
    levers = {r["lever"] for r in rows}
    assert len(rows) == 2 * len(levers) and len(levers) >= 10  # every lever x every plan, zeros included
    vm = {r["lever"][len(DEF + "lever/"):]: (int(r["actions"]), float(r["percent"])) for r in rows if r["plan"] == VM}
    assert vm["commande-publique-responsable"] == (1, 25.0)    # 1 of Valmont's 4 actions
    assert vm["mise-a-disposition-de-moyens"] == (0, 0.0)
    sm = {r["lever"][len(DEF + "lever/"):]: r for r in rows if r["plan"] == SM}
    assert int(sm["commande-publique-responsable"]["actions"]) >= 4 and sm["commande-publique-responsable"]["planActions"] == "30"
    single = {r["lever"]: r["actions"] for r in run(real, "compare-plans-levers")}
    assert single == {r["lever"]: r["actions"] for r in rows if r["plan"] == SM}


def test_compare_plans_fields(real, both):
    rows = run(both, "compare-plans-fields")
    fields = {r["field"] for r in rows}
    assert len(rows) == 2 * len(fields) and len(fields) >= 12
    vm = {r["field"][len(DEF + "field/"):]: int(r["actions"]) for r in rows if r["plan"] == VM}
    assert vm["alimentation"] == 1 and vm["mobilite"] == 1 and vm["emploi-insertion"] == 1 and vm["numerique"] == 0
    sm = {r["field"][len(DEF + "field/"):]: int(r["actions"]) for r in rows if r["plan"] == SM}
    assert sm["mobilite"] >= 4 and sm["numerique"] >= 5


# -- flags and notes ---------------------------------------------------------------------------------------------

def test_transversal_actions(real, both):
    # "action transversale ESS et Politique de la ville" in the running header of 2.5 (line 287), 3.1 (410), 4.1
    # (474) and the second 4.3, i.e. 4.4 (523).
    lines = source_lines()
    marked = [i + 1 for i, l in enumerate(lines) if "action transversale ESS et Politique de la ville" in l]
    assert marked == [287, 410, 474, 523]
    rows = run(real, "transversal-actions")
    assert cards(rows) == ["2.5", "3.1", "4.1", "4.4"]
    assert {r["policy"] for r in rows} == {DEF + "transversality/politique-de-la-ville"}
    rows = run(both, "transversal-actions", policy=DEF + "transversality/politique-de-la-ville")
    assert cards(rows, VM) == ["2.1"] and cards(rows, SM) == ["2.5", "3.1", "4.1", "4.4"]


def test_data_quality_notes(real):
    def targets(anomaly):
        rows = run(real, "data-quality-notes", anomaly=DEF + "anomaly/" + anomaly, plan=SM)
        return {r["target"][len(SM):] for r in rows}
    # the gaps (see tests/test_shapes.py for the line numbers)
    assert targets("missing-objective") == {"/action/" + c for c in ("1.2", "2.7", "2.8", "2.12", "3.2")}
    assert targets("missing-description") == {"/action/" + c for c in ("2.9", "2.10", "2.11", "3.1", "3.3", "3.4", "4.1")}
    assert targets("missing-indicator") == {"/action/2.11"}
    # two cards printed "4.3" (lines 507, 525): the note is on the plan, on the card 4.4, or both
    assert targets("duplicate-card-number") and targets("duplicate-card-number") <= {"", "/action/4.4"}
    # card 3.1's title differs from the summary table's (line 412 vs line 73)
    assert "/action/3.1" in targets("title-mismatch")
    rows = run(real, "data-quality-notes", plan=SM)
    assert all(r["comment"] for r in rows)                 # every note explains itself in French


def test_compare_plans_data_quality(both):
    """Valmont: one note, "missing-objective" on 2.1 (its "Objectif" cell is empty). Saint-Maur: the duplicate card
    number "4.3" is noted twice, on the plan and on action 4.4 (2 notes, 1 action); 2.11 has no indicator (1)."""
    rows = run(both, "compare-plans-data-quality")
    vm = {r["anomaly"][len(DEF + "anomaly/"):]: (int(r["notes"]), int(r["actions"])) for r in rows if r["plan"] == VM}
    assert vm == {"missing-objective": (1, 1)}
    sm = {r["anomaly"][len(DEF + "anomaly/"):]: (int(r["notes"]), int(r["actions"])) for r in rows if r["plan"] == SM}
    assert sm["duplicate-card-number"] == (2, 1) and sm["missing-indicator"] == (1, 1)
    total = sum(n for n, _ in sm.values())
    assert total == len({r["note"] for r in run(both, "data-quality-notes", plan=SM)})


# -- plans ---------------------------------------------------------------------------------------------------------

def test_plans(real, both):
    (row,) = run(real, "plans")
    assert row["plan"] == SM and row["title"] == "Saint-Maur, Ville d'initiatives solidaires"
    assert row["adopted"] == "2021-06-30" and row["actions"] == "30"          # "CONSEIL MUNICIPAL DU 30 JUIN 2021"
    assert row["body"] == "Conseil municipal de Saint-Maur-des-Fossés" and row["territory"] == "Saint-Maur-des-Fossés"
    rows = run(both, "plans")
    assert [r["plan"] for r in rows] == [SM, VM]                              # by adoption date
    assert rows[1]["actions"] == "4"


@pytest.mark.parametrize("name", sorted(n for n, q in QUERIES.items() if "plan" in {p.name for p in q.params}))
def test_plan_parameter_isolates_a_plan(real, both, name):
    """A query restricted to Saint-Maur answers the same whether or not a second plan is loaded."""
    params = {p.name: p.example for p in QUERIES[name].params if p.required}
    assert run(both, name, plan=SM, **params) == run(real, name, plan=SM, **params)
    if not params:
        assert run(both, name, plan=VM) != [] and run(real, name, plan=VM) == []
