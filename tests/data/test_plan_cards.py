"""The graph holds every card of the source, field by field.

The test reads data/sources/saint-maur-ville-initiatives-solidaires-2021.txt itself: it finds the 30 card headings
("Fiche Action 1.4 : ...", "AXE 2.5 : ...", the second "AXE 4.3" being card 4.4), splits each card into its cells
("Contexte", "Objectif (s)", "Pilotes / partenaires", "Moyens", "Calendrier", "Méthode", "Indicateurs") and checks,
card by card, that the built graph says the same: titles, summary-table titles and sections, where the card is in
the source, the wording of every cell (markup removed, compared without whitespace), every pilot and partner as the
wording of an involvement, every number of the "Moyens" cell as a typed value, the calendar's dates, the legal texts.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict

import pyoxigraph as ox
import pytest

from essgraph.sparql.execute import union_args
from support.projects import ROOT, base_of

SOURCE = ROOT / "data/sources/saint-maur-ville-initiatives-solidaires-2021.txt"
BASE = base_of("real")
PLAN = BASE + "id/plan/saint-maur-des-fosses-2021"
ESS = "https://w3id.org/essgraph/def#"
DCT = "http://purl.org/dc/terms/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SCHEMA = "http://schema.org/"

# -- reading the source -----------------------------------------------------------------------------------------------

HEADING = re.compile(r"^(?:#+\s*)?(?P<locator>(?:Fiche [Aa]ction|AXE) \d\.\d+) : (?P<title>.+?)\s*$")
CELLS = [("context", r"contexte"), ("description", r"description"), ("objective", r"objectif"),
         ("pilots", r"pilotes"), ("means", r"moyens"), ("calendar", r"calend|réalisation"), ("method", r"méthode$"),
         ("indicators", r"indic")]
SEPARATOR_ROWS = {"Méthodologie de l'action", "Présentation de l'action"}


def clean(text: str) -> str:
    """The text rules of docs/modelling.md: markup and list bullets removed, entities decoded, spaces collapsed."""
    text = re.sub(r"<li>\s*(?:&gt;|➤)\s*", " ", text)
    text = re.sub(r"<[^>]+>", " ", text).replace("**", "")
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def squash(text: str) -> str:
    """For comparing wordings whatever the spacing decisions ("3 <sup>ème</sup>" kept as "3ème", "400m<sup>2</sup>"
    as "400m²")."""
    return re.sub(r"\s+", "", text).replace("²", "2")


def _cell_name(chunk: str) -> str | None:
    text = clean(chunk).lower()
    if "contexte" in text and "description" in text:
        return "context+description"   # a merged heading: "Contexte Description de l'action"
    return next((name for name, pattern in CELLS if re.match(pattern, text)), None) if text else None


def read_cards() -> list[dict]:
    lines = SOURCE.read_text(encoding="utf-8").splitlines()
    heads = [(i, m) for i, line in enumerate(lines) if (m := HEADING.match(line))]
    cards, seen = [], set()
    for k, (i, m) in enumerate(heads):
        number = m["locator"].split()[-1]
        if number in seen:        # the second card printed "4.3" is 4.4 in the summary table (line 82)
            number = "4.4"
        seen.add(number)
        cells: dict[str, str] = {}
        current = None
        end = heads[k + 1][0] if k + 1 < len(heads) else len(lines)
        for line in lines[i + 1:end]:
            chunks = line.split("\t")
            name = _cell_name(chunks[0])
            if name:
                rest = chunks[1:]
                while rest and (re.fullmatch(r"\s*(<b>[^<]*</b>\s*)+", rest[0]) or rest[0].strip() in ("", "/")):
                    more = _cell_name(rest[0])      # "<b>Contexte</b>\t<b>Description de l'action</b>\t..."
                    if more and more != name:
                        name = "context+description" if {more, name} <= {"context", "description"} else more
                    rest = rest[1:]
                current = name
                cells[name] = (cells.get(name, "") + " " + clean(" ".join(rest))).strip()
            elif clean(line) in SEPARATOR_ROWS or not line.strip():
                continue
            elif clean(chunks[0]) == "Objectif (s)":                # 2.5: the label without markup
                current = "objective"
                cells[current] = clean(" ".join(chunks[1:]))
            elif chunks[0].strip() == "" and current:               # a cell continued on the next line
                cells[current] = (cells[current] + " " + clean(line)).strip()
            else:
                current = None                                      # a running header
        if cells.get("objective") in SEPARATOR_ROWS:                # 1.2: the cell holds the next row's heading
            cells["objective"] = ""
        cards.append({"number": number, "line": i + 1, "locator": m["locator"], "title": clean(m["title"]),
                      "cells": {k: v for k, v in cells.items()}})
    return cards


def summary_table() -> dict[str, tuple[str, str, str | None]]:
    """card -> (axis, summary title, sub-axis wording or None), from the table of lines 46-82."""
    out = {}
    for line in SOURCE.read_text(encoding="utf-8").splitlines()[45:82]:
        m = re.match(r"^AXE (\d)\.(\d+)\t(.*)$", line)
        if m:
            wording = m.group(3)
            sub, _, title = wording.partition("/") if m.group(1) in "12" else (None, "", wording)
            out[f"{m.group(1)}.{m.group(2)}"] = (m.group(1), title.strip(), sub.strip() if sub else None)
    return out


CARDS = read_cards()
TABLE = summary_table()


def test_the_source_has_30_cards_in_the_table_order():
    assert [c["number"] for c in CARDS] == list(TABLE)
    assert len(CARDS) == 30


# -- the graph --------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def store(builds) -> ox.Store:
    """The real project, built once per test session as users build it (Builder, validation included)."""
    assert builds["real"].base == BASE
    return builds["real"].memory


@pytest.fixture(scope="module")
def graph(store) -> dict[str, dict[str, list]]:
    """Everything about each card: {card: {"card": {property: [values]}, "parts": {part IRI: {property: [...]}}}}."""
    out: dict = {}
    rows = store.query(f"""
        SELECT DISTINCT ?n ?s ?p ?o WHERE {{
          ?a <{ESS}inPlan> <{PLAN}> ; <{ESS}cardNumber> ?n .
          {{ BIND(?a AS ?s) ?s ?p ?o }}
          UNION {{ ?a ?p1 ?s . FILTER(isIRI(?s) && STRSTARTS(STR(?s), CONCAT(STR(?a), "/"))) ?s ?p ?o }}
          UNION {{ ?a ?p1 ?x . ?x ?p2 ?s .
                   FILTER(isIRI(?x) && STRSTARTS(STR(?x), CONCAT(STR(?a), "/")))
                   FILTER(isBlank(?s) || STRSTARTS(STR(?s), CONCAT(STR(?a), "/"))) ?s ?p ?o }}
          UNION {{ ?a ?p1 ?x . ?x ?p2 ?y . ?y ?p3 ?s .
                   FILTER(isIRI(?x) && STRSTARTS(STR(?x), CONCAT(STR(?a), "/")))
                   FILTER(isIRI(?y) && STRSTARTS(STR(?y), CONCAT(STR(?a), "/")))
                   FILTER(isBlank(?s) || STRSTARTS(STR(?s), CONCAT(STR(?a), "/"))) ?s ?p ?o }}
        }}""", **union_args(store))
    for row in rows:
        card = out.setdefault(row["n"].value, {"card": defaultdict(list), "parts": defaultdict(lambda: defaultdict(list))})
        s = row["s"]
        target = card["card"] if isinstance(s, ox.NamedNode) and s.value == f"{PLAN}/action/{row['n'].value}" \
            else card["parts"][s.value]
        target[row["p"].value].append(row["o"])
    labels = store.query(f"""SELECT ?s ?l WHERE {{ ?a <{ESS}inPlan> <{PLAN}> ; <{ESS}section> ?s . ?s <{RDFS}label> ?l
                                                   FILTER(LANG(?l) = "fr") }}""", **union_args(store))
    out["_section_labels"] = {r["s"].value: r["l"].value for r in labels}
    return out


def values(card: dict, prop: str) -> list[str]:
    return sorted(t.value for t in card["card"].get(prop, []))


def parts(card: dict, prop: str) -> list[dict]:
    return [card["parts"][t.value] for t in card["card"].get(prop, []) if t.value in card["parts"]]


def one(card: dict, prop: str) -> str | None:
    found = values(card, prop)
    assert len(found) <= 1, (prop, found)
    return found[0] if found else None


IDS = [c["number"] for c in CARDS]


# -- field by field ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("src", CARDS, ids=IDS)
def test_heading_title_and_place_in_the_source(graph, src):
    card = graph[src["number"]]
    assert one(card, DCT + "title") == src["title"]                       # as printed on the card
    assert one(card, ESS + "sourceLocator") == src["locator"]             # "Fiche Action 1.4", "AXE 4.3" (4.4)
    printed = src["locator"].split()[-1]
    assert one(card, ESS + "printedNumber") in (None, printed)
    assert one(card, ESS + "cardNumber") == src["number"]
    lines = one(card, ESS + "sourceLines")
    first, _, last = lines.partition("-")
    assert int(first) <= src["line"] <= int(last or first)


@pytest.mark.parametrize("src", CARDS, ids=IDS)
def test_summary_table_title_and_section(graph, src):
    card = graph[src["number"]]
    axis, title, sub = TABLE[src["number"]]
    assert one(card, ESS + "summaryTitle") == title
    (section,) = values(card, ESS + "section")
    if sub is None:
        assert section == f"{PLAN}/axis/{axis}"
    else:
        assert section.startswith(f"{PLAN}/axis/{axis}/")
        assert graph["_section_labels"][section] == sub


@pytest.mark.parametrize("src", CARDS, ids=IDS)
def test_cells_kept_as_written(graph, src):
    """Calendar, means, method and indicators cells: the whole cell, as written (markup removed)."""
    card, cells = graph[src["number"]], src["cells"]
    for cell, prop in (("calendar", "calendarWording"), ("means", "meansWording"), ("method", "methodWording"),
                       ("indicators", "indicatorWording")):
        if cells.get(cell):
            assert squash(one(card, ESS + prop) or "") == squash(cells[cell]), cell
        else:
            assert one(card, ESS + prop) is None, cell


@pytest.mark.parametrize("src", CARDS, ids=IDS)
def test_context_and_description(graph, src):
    """Every text of the "Contexte" / "Description de l'action" cells is in the action's context or description."""
    card, cells = graph[src["number"]], src["cells"]
    held = squash(" ".join(values(card, ESS + "context") + values(card, DCT + "description")))
    for cell in ("context", "description", "context+description"):
        text = cells.get(cell)
        if text:
            assert squash(text) in held, cell


@pytest.mark.parametrize("src", CARDS, ids=IDS)
def test_objectives_and_indicators_items(graph, src):
    """Each objective and indicator is an item of its cell; a cell with content has at least one."""
    card, cells = graph[src["number"]], src["cells"]
    for cell, prop in (("objective", ESS + "objective"), ("indicators", ESS + "resultIndicator")):
        items = [p for p in parts(card, prop)]
        labels = [t.value for item in items for t in item.get(RDFS + "label", []) if t.language == "fr"]
        text = cells.get(cell, "")
        if text and text != "A Définir":
            assert labels, f"{cell}: no item"
        else:
            assert not labels, f"{cell}: items for an empty cell"
        for label in labels:
            assert squash(label) in squash(text), (cell, label)


# What may be left in a "Pilotes / partenaires" cell once every involvement's wording is taken out of it: separators,
# the role word "Partenaire :" (2.2), the cross-reference "* fiche action 4.1" (1.5), and two phrases that frame
# names without being one: "Proposition de collaboration avec les élèves du [Lycée Gourdou Leseure]" (2.6, line 313)
# and "Associations concernées ([Cyclo recyclé], [place au vélo],...)" (3.2, line 434).
LEFTOVER = re.compile(r"^(?:[\s,./;:()*]|et\b|Partenaire\b|fiche action 4\.1|Proposition de collaboration avec les "
                      r"élèves du\b|Associations concernées\b)*$", re.IGNORECASE)


@pytest.mark.parametrize("src", CARDS, ids=IDS)
def test_pilots_and_partners(graph, src):
    """Every name of the cell is the wording of an involvement, and every involvement's wording is in the cell."""
    card = graph[src["number"]]
    cell = src["cells"]["pilots"]
    wordings = [t.value for inv in parts(card, "http://www.w3.org/ns/prov#qualifiedAssociation")
                for t in inv.get(ESS + "sourceWording", [])]
    assert wordings
    rest = cell
    for wording in sorted(wordings, key=len, reverse=True):
        assert wording in cell, wording
        rest = rest.replace(wording, " ", 1)
    assert LEFTOVER.match(rest), f"names of the cell with no involvement: {rest!r}"
    positions = sorted(int(t.value) for inv in parts(card, "http://www.w3.org/ns/prov#qualifiedAssociation")
                       for t in inv.get(ESS + "position", []))
    assert positions == list(range(1, len(wordings) + 1))
    # the order of the involvements is the cell's order
    by_position = sorted((int(inv[ESS + "position"][0].value), inv[ESS + "sourceWording"][0].value)
                         for inv in parts(card, "http://www.w3.org/ns/prov#qualifiedAssociation"))
    offsets = [cell.find(w) for _, w in by_position]
    assert offsets == sorted(offsets)


NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?: \d{3})+(?!\d)|(?<![\w.])\d+(?![\d\w])")


def typed_numbers(card: dict) -> set[float]:
    """Numbers held as typed values by the action and its parts (amounts, quantities, durations)."""
    found: set[float] = set()
    nodes = [card["card"]] + list(card["parts"].values())
    for node in nodes:
        for prop, terms in node.items():
            for t in terms:
                if not isinstance(t, ox.Literal):
                    continue
                dt = t.datatype.value
                if prop in (SCHEMA + "value", SCHEMA + "minValue", SCHEMA + "maxValue"):
                    found.add(float(t.value))
                elif dt.endswith("#duration"):
                    m = re.fullmatch(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?", t.value)
                    if m:
                        y, mo, w, d = (int(g or 0) for g in m.groups())
                        found |= {float(v) for v in (y, mo, w, d, y * 12 + mo, (d + 7 * w) / 7) if v}
    return found


# Numbers of a "Moyens" cell that are not quantities: none in this plan but the "1" of "CCP1", which the regular
# expression already leaves out (a certificate's code, line 485).
@pytest.mark.parametrize("src", CARDS, ids=IDS)
def test_every_number_of_the_means_cell_is_a_typed_value(graph, src):
    card = graph[src["number"]]
    numbers = {float(n.replace(" ", "")) for n in NUMBER.findall(src["cells"].get("means", ""))}
    missing = numbers - typed_numbers(card)
    assert not missing, f"numbers of the means cell with no typed value: {sorted(missing)}"


GAROT = "https://www.legifrance.gouv.fr/eli/loi/2016/2/11/AGRX1531165L/jo/texte"
AGEC = "https://www.legifrance.gouv.fr/eli/loi/2020/2/10/TREP1902395L/jo/texte"
LTECV = "https://www.legifrance.gouv.fr/eli/loi/2015/8/17/DEVX1413992L/jo/texte"
GRENELLE2 = "https://www.legifrance.gouv.fr/eli/loi/2010/7/12/DEVX0822225L/jo/texte"
RE2020 = "https://www.legifrance.gouv.fr/eli/decret/2021/7/29/2021-1004/jo/texte"
CCP = "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000037701019"
WASTE_DIRECTIVE = "http://data.europa.eu/eli/dir/2018/851/oj"
# How the cards cite the texts (searched in the whole card's text).
CITATIONS = [
    (GAROT, r"loi Garot"), (AGEC, r"loi AGEC|loi du 10 f[eé]vrier 2020|z[ée]ro plastique jetable d'ici 2040"),
    (CCP, r"code de la commande publique"), (LTECV, r"transition énergétique pour la croissance verte"),
    (GRENELLE2, r"Grenelle de l'environnement"), (WASTE_DIRECTIVE, r"directive cadre relative aux déchets"),
    (RE2020, r"RE 2020"),
]
# A reading beyond the words: 2.2's "anticiper les réglementations sur le tri à la source des biodéchets" (line 248)
# names no text; the texts that card 2.7 gives for that obligation may be linked.
READINGS = {"2.2": {LTECV, WASTE_DIRECTIVE}}


@pytest.mark.parametrize("src", CARDS, ids=IDS)
def test_legal_texts_cited(graph, src):
    text = " ".join(src["cells"].values())
    expected = {iri for iri, pattern in CITATIONS if re.search(pattern, text, re.IGNORECASE)}
    found = set(values(graph[src["number"]], ESS + "legalBasis"))
    assert expected <= found <= expected | READINGS.get(src["number"], set())
    if expected:
        assert values(graph[src["number"]], ESS + "legalBasisWording")


# The calendars, read: (first day, last day) of an interval, None for an open end, "YYYY-MM" for a month given alone;
# "dates" for single days; a horizon for categories. Ambiguous readings are listed as alternatives.
Q4_2021 = ("2021-10-01", "2021-12-31")
CALENDARS = {
    "1.1": [("2021-01-01", "2021-12-31")], "1.2": [("2021-07-01", "2021-09-30")], "1.3": [("2021-09-01", "2021-09-30")],
    "1.4": [Q4_2021], "1.5": [("2022-01-01", "2022-12-31"), "a-definir"],            # "2022- A définir"
    "1.6": [("2022-03-28", "2022-04-03"), ("2022-03-28", "2022-04-02"), ("2022-03-25", "2022-03-31")],
    "1.7": [Q4_2021, ("2021-12-01", "2021-12-31")],                      # "fin d'année 2021"
    "1.8": [("2021-07-01", None), ("2021-07-01", "2021-12-31")], "1.9": [("2021-07-01", None), ("2021-07-01", "2021-12-31")],
    "1.10": [Q4_2021, ("2021-12-01", "2021-12-31")],                     # "Fin 2021"
    "2.1": ["recurrent"], "2.2": ["a-definir"],
    "2.3": [("2021-11", None), ("2021-11-01", None), ("2021-11-01", "2021-11-30"), ("2021-11-01", "2021-12-21"),
            ("2021-11", "2021-12")],                                     # "novembre 2021. Durée 3 semaines"
    "2.4": [None, "moyen-terme", ("2022-11-01", None), ("2022-11-01", "2022-11-30")],  # "Une année après l'exposition
                                                                         # Textile Impact" (November 2021)
    "2.5": [("2021-12-01", None)],
    "2.6": [None],
    "2.7": ["court-terme"],
    "2.8": [("2021-09-22", "2021-12-21"), ("2021-09-23", "2021-12-21"), ("2021-09-01", "2021-11-30")],
    "2.9": ["moyen-terme"], "2.10": ["court-terme"], "2.11": ["moyen-terme", "a-definir"],
    "2.12": [("2021-09-22", "2021-12-21"), ("2021-09-23", "2021-12-21"), ("2021-09-01", "2021-11-30")],
    "3.1": ["a-definir"], "3.2": ["court-terme"],
    "3.3": [Q4_2021, ("2021-04-01", "2021-06-30"), ("2021-09-01", "2021-12-31")],
    "3.4": [Q4_2021], "4.1": [("dates", "2021-05-03", "2021-05-20")],
    "4.2": ["a-definir"], "4.3": ["a-definir"],
    "4.4": [("2022-01-01", None), ("2022-01-01", "2022-03-31"), ("2022-01-01", "2022-06-30")],
}


def calendar_of(card: dict):
    horizon = one(card, ESS + "horizon")
    dates = values(card, ESS + "scheduledDate")
    intervals = parts(card, ESS + "scheduledInterval")
    got = set()
    if dates:
        got.add(("dates", *dates))
    for interval in intervals:
        def day(prop):
            instants = interval.get("http://www.w3.org/2006/time#" + prop, [])
            for inst in instants:
                node = card["parts"].get(inst.value, {})
                for prop in ("inXSDDate", "inXSDgYearMonth"):         # a day, or a month when only the month is said
                    for t in node.get("http://www.w3.org/2006/time#" + prop, []):
                        return t.value
            return None
        begin, end = day("hasBeginning"), day("hasEnd")
        if begin or end:
            got.add((begin, end))
    if horizon:
        got.add(horizon.rsplit("/", 1)[-1])
    return got


@pytest.mark.parametrize("src", CARDS, ids=IDS)
def test_calendar_dates(graph, src):
    """The calendar's structured reading (interval, dates, horizon) is one the wording allows."""
    got = calendar_of(graph[src["number"]])
    accepted = CALENDARS[src["number"]]
    if not got:
        assert None in accepted, "no date nor horizon for a wording that gives one"
    assert got <= {a for a in accepted if a is not None}, got
    for g in got:
        if isinstance(g, tuple) and g[0] != "dates" and g[1]:
            assert g[1] > g[0]                                                 # ISO text: days and months compare


def test_every_card_is_in_the_graph(graph):
    assert sorted(k for k in graph if not k.startswith("_")) == sorted(IDS)


# -- the notice ------------------------------------------------------------------------------------------------------

def test_notice(store):
    """The notice (lines 1-41) and the summary table's axes (lines 46, 58, 72, 78)."""
    lines = SOURCE.read_text(encoding="utf-8").splitlines()

    def select(query: str) -> list[dict]:
        result = store.query("PREFIX ess: <https://w3id.org/essgraph/def#> PREFIX dct: <http://purl.org/dc/terms/> "
                             "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
                             "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
                             "PREFIX foaf: <http://xmlns.com/foaf/0.1/> " + query, **union_args(store))
        names = [v.value for v in result.variables]
        return [{n: (r[n].value if r[n] is not None else None) for n in names} for r in result]

    (d,) = select(f"""SELECT ?date ?item ?name ?service ?title WHERE {{
        <{PLAN}> ess:adoptedBy ?d ; dct:title ?title . ?d dct:date ?date ; ess:agendaItem ?item ;
        ess:rapporteur/foaf:name ?name ; ess:instructingService/skos:prefLabel ?service . FILTER(LANG(?service) = "fr") }}""")
    assert "CONSEIL MUNICIPAL DU 30 JUIN 2021" in lines[30] and "POINT N°3" in lines[30]
    assert (d["date"], d["item"]) == ("2021-06-30", "3")
    assert d["name"] == "Charlotte MARTIN" and "Rapporteur : **Charlotte MARTIN**" == lines[5]
    assert "Service Assemblées" in lines[2] and d["service"].startswith("Service Assemblées")
    assert d["title"] == "Saint-Maur, Ville d'initiatives solidaires" and d["title"] in lines[9]
    # the four axes: the table's wording as label, the notice's (lines 18-21) when it differs
    axes = select(f"""SELECT ?n ?label ?notice WHERE {{ <{PLAN}> ess:hasSection ?a . ?a skos:notation ?n ;
        rdfs:label ?label FILTER(LANG(?label) = "fr") OPTIONAL {{ ?a ess:noticeWording ?notice }} }} ORDER BY ?n""")
    table = [clean(lines[i]).split(" ", 2)[2] for i in (45, 57, 71, 77)]
    notice = [lines[i][2:] for i in range(17, 21)]
    assert [a["label"] for a in axes] == table
    for axis, t, n in zip(axes, table, notice):
        assert axis["notice"] == (n if n != t else None)
    # "Prévue pour les 3 années à venir" (line 37) and the three funding routes (lines 33-35)
    (p,) = select(f"SELECT ?duration ?wording WHERE {{ <{PLAN}> ess:plannedDuration ?duration ; ess:durationWording ?wording }}")
    assert p["duration"] == "P3Y" and p["wording"] in lines[36]
    routes = select(f"""SELECT ?label WHERE {{ <{PLAN}> ess:fundingRoute ?r . ?r skos:prefLabel|skos:altLabel ?label }}""")
    labels = {r["label"] for r in routes}
    for i in (32, 33, 34):
        assert lines[i][2:] in labels, lines[i]
