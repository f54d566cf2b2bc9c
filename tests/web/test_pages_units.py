"""Pure parts of the pages, table-tested: French formatting, amounts, the JSON put in <script>, request paths."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from essgraph.describe.description import Description
from essgraph.describe.node import natural_key
from essgraph.rdf.namespaces import curie
from essgraph.rdf import formats as conneg
from essgraph.web.views.french import fr_date, fr_duration, fr_number, plural, quantity_text
from essgraph.web.views.schema_org import json_script
from essgraph.web.views.site import Site
from essgraph.web.routers.pages import candidates

BASE = "https://data.example.org/"


@pytest.mark.parametrize("value,expected", [
    ("2021-06-30", "30 juin 2021"), ("2024-10-01", "1er octobre 2024"), ("2021-06-30T10:00:00Z", "30 juin 2021"),
    ("2021-13-01", "2021-13-01"), ("Court terme", "Court terme"), ("", ""),
])
def test_dates_in_french(value, expected):
    assert fr_date(value) == expected


@pytest.mark.parametrize("value,expected", [
    ("650", "650"), ("1500", "1\u202f500"), ("1500000.50", "1\u202f500\u202f000,5"), ("-2000", "-2\u202f000"),
    ("0.25", "0,25"), ("abc", "abc"),
])
def test_numbers_in_french(value, expected):
    assert fr_number(value) == expected


@pytest.mark.parametrize("value,expected", [
    ("P24M", "24 mois"), ("P1Y", "1 an"), ("P3Y", "3 ans"), ("P2Y6M", "2 ans et 6 mois"), ("P1W", "1 semaine"),
    ("PT5H", "PT5H"), ("P", "P"),
])
def test_durations_in_french(value, expected):
    assert fr_duration(value) == expected


def _node(turtle: str):
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(
        turtle.encode(), format=ox.RdfFormat.TURTLE, base_iri="http://x/")]
    return Description("http://x/a", triples, []).node()


SCHEMA = "@prefix schema: <http://schema.org/> . @prefix ess: <https://w3id.org/essgraph/def#> . "


@pytest.mark.parametrize("turtle,expected", [
    ('<a> schema:value 650 ; schema:currency "EUR" ; schema:unitText "par mois"@fr ; ess:duration "P24M"',
     "650\u00a0€ par mois, pendant 24 mois"),
    ('<a> schema:minValue 1000 ; schema:maxValue 5000 ; schema:currency "EUR"', "de 1\u202f000\u00a0€ à 5\u202f000\u00a0€"),
    ('<a> schema:value 30 ; schema:unitCode "P1"', "30\u00a0%"),
    ('<a> schema:value 120 ; schema:unitCode "MTK"', "120\u00a0m²"),
    ('<a> schema:value 2000 ; schema:currency "EUR" ; schema:unitCode "ANN"', "2\u202f000\u00a0€ par an"),
    ('<a> schema:value 355 ; schema:unitText "associations"@fr', "355 associations"),
    ('<a> schema:value 800 ; schema:currency "EUR" ; ess:perUnit "poste"@fr', "800\u00a0€ par poste"),
    ('<a> schema:maxValue 300 ; schema:currency "EUR"', "jusqu'à 300\u00a0€"),
    ('<a> ess:wording "à définir"@fr', ""),
])
def test_amounts_and_quantities(turtle, expected):
    assert quantity_text(_node(SCHEMA + turtle + " .")) == expected


def test_json_in_a_script_cannot_close_it():
    text = str(json_script({"name": "</script><script>alert(1)</script> & <!--"}))
    assert "</" not in text and "<!--" not in text and "&" not in text.replace("\\u0026", "")
    assert json.loads(text) == {"name": "</script><script>alert(1)</script> & <!--"}


@pytest.mark.parametrize("path,expected", [
    ("plan/x", [BASE + "id/plan/x"]),
    ("plan/x/action/1.4", [BASE + "id/plan/x/action/1.4"]),
    ("plan/x/action/1.4.ttl", [BASE + "id/plan/x/action/1.4.ttl", BASE + "id/plan/x/action/1.4"]),
    ("plan/x.jsonld", [BASE + "id/plan/x.jsonld", BASE + "id/plan/x"]),
    ("plan/x.pdf", [BASE + "id/plan/x.pdf"]),
    ("", []), ("a//b", []), ("../etc", []), ("a/./b", []), (".ttl", []), ("a/.ttl", []), ("a b", []),
    ("a>b", []), ("a%3E", []), ("é", []), ("a\nb", []), ("x/" * 20 + "y", []),
])
def test_request_paths_are_validated_before_any_lookup(path, expected):
    assert [iri for iri, _ in candidates(BASE + "id/", path)] == expected


def test_format_extension_and_its_media_type():
    assert candidates(BASE + "id/", "a.ttl")[1][1] is conneg.TURTLE
    assert candidates(BASE + "id/", "a.rdf")[1][1] is conneg.RDFXML
    assert candidates(BASE + "id/", "a.html")[1][1] is conneg.HTML


def test_where_the_pages_of_iris_are():
    site = Site(BASE)
    assert site.href("https://w3id.org/essgraph/def") == BASE + "def"
    assert site.href("https://w3id.org/essgraph/def#") == BASE + "def"      # the namespace: the ontology too
    assert site.href("https://w3id.org/essgraph/def#Action") == BASE + "def/term/Action"
    assert site.href("https://w3id.org/essgraph/def/lever") == BASE + "def/lever"
    assert site.href("https://w3id.org/essgraph/def/lever/scic") == BASE + "def/lever/scic"
    assert site.href(BASE + "id/plan/x") == BASE + "id/plan/x"
    assert site.href("http://metadata.un.org/sdg/12.3") == "http://metadata.un.org/sdg/12.3"
    assert site.is_local("https://w3id.org/essgraph/def#Plan") and not site.is_local("http://data.europa.eu/eli/x")


def test_small_helpers():
    assert sorted(["1.10", "1.9", "2.1", "1.2"], key=natural_key) == ["1.2", "1.9", "1.10", "2.1"]
    assert curie("https://w3id.org/essgraph/def#inPlan") == "ess:inPlan"
    assert curie("http://example.org/x") == "http://example.org/x"
    assert plural("axe", 1) == "axe" and plural("axe", 2) == "axes" and plural("fiche action", 3, "fiches action") \
        == "fiches action"
