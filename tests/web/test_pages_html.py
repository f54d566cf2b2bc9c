"""The pages people read, checked in-process on the fixture project: what the action card shows, labels instead
of IRIs, escaping of hostile literals, structure for accessibility, schema.org, and that every link works."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from support.html import Page, crawl

PROJECT = "pages"


@pytest.fixture(scope="module")
def get(live, client):
    def fetch(path: str) -> httpx.Response:
        return client.get(path if path.startswith("http") else live.base + path, headers={"Accept": "text/html"})
    return fetch


ACTION = "id/plan/ville-test-2024/action/1.1"


def test_the_action_page_shows_the_whole_card(get):
    page = Page(get(ACTION).text)
    text = page.visible
    headings = [h for _, h in page.headings]
    for heading in ("Contexte", "Description de l'action", "Objectifs", "Pilotes et partenaires", "Moyens",
                    "Calendrier", "Méthode", "Indicateurs de résultat", "Textes juridiques", "Financements",
                    "Lieux", "Actions liées", "Notes sur la qualité des données", "Provenance", "En bref",
                    "Cibles des Objectifs de développement durable"):
        assert heading in headings, heading
    for shown in (
        "Fiche action 1.1", "Logistique de la solidarité alimentaire",
        "Titre imprimé sur la fiche : « LOGISTIQUE DE LA SOLIDARITE ALIMENTAIRE »",
        "Connaître et soutenir les acteurs", "Alimentation solidaire",                 # axis, sub-axis
        "Les associations d'aide alimentaire manquent de moyens logistiques.",          # context
        "Mutualiser un véhicule",                                                       # description
        "Rendre l'aide alimentaire plus efficiente", "Réduire le gaspillage",       # objectives (ordered)
        "Service économie sociale et solidaire", "Épicerie solidaire du Centre", "Partenaire",
        "sur la fiche : « DGS/ESS »",
        "1 poste en Service Civique", "Moyen humain", "Moyen financier", "650\u00a0€ par mois",
        "Sur la fiche : « Dernier trimestre 2024 »", "Du 1er octobre 2024 au 31 décembre 2024",
        "Concertation des associations", "Achat du véhicule",
        "Part des invendus récupérés", "Cible : estimation à 30% (30\u00a0%)",
        "Loi ESS", "Loi n° 2014-856 du 31 juillet 2014 relative à l'économie sociale et solidaire",
        "Directive (UE) 2018/851",                                                      # titled by its expression
        "Sur la fiche : « loi ESS du 31 juillet 2014 »",
        "France Relance", "Fonds européen de développement régional (FEDER)", "Maison de la Nature",
        "En cours", "Politique de la ville",                                            # status, transversality
        "Mise à disposition de moyens", "Alimentation",                                 # lever, field
        "12.3", "D’ici à 2030, réduire de moitié",                                      # SDG target
        "Jardins partagés", "Recyclerie",                                               # related actions
        "Titre divergent", "Le titre de la fiche diffère",                              # quality note
        "Plan de soutien à l'ESS de Ville-Test", "Fiche Action 1.1", "41-60",           # provenance
    ):
        assert shown.replace("\u00a0", " ") in text, shown   # the text is whitespace-normalised
    steps = text.index("Concertation des associations"), text.index("Achat du véhicule")
    assert steps[0] < steps[1]   # in the order of ess:position, not of the data file


def test_labels_everywhere_never_raw_iris(get):
    for path in (ACTION, "id/plan/ville-test-2024", "id/organisation/epicerie-solidaire",
                 "id/plan/ville-test-2024/action/1.1/objective/1", "def/field/alimentation", "def/term/Action"):
        main = Page(get(path).text).main_text
        assert main, path
        assert "://" not in main, f"{path}: {main[max(0, main.find('://') - 80):main.find('://') + 80]}"


def test_links_to_legal_texts_and_sdg_go_to_their_official_pages(live, get):
    page = Page(get(ACTION).text)
    assert "https://www.legifrance.gouv.fr/eli/loi/2014/7/31/ERNX1315311L/jo/texte" in page.links
    assert "http://data.europa.eu/eli/dir/2018/851/oj" in page.links
    assert "http://metadata.un.org/sdg/12.3" in page.links
    assert live.base + "id/organisation/epicerie-solidaire" in page.links
    assert live.base + "def/field/alimentation" in page.links     # concepts are browsable here


def test_a_literal_holding_markup_and_script_is_shown_as_text(get):
    response = get("id/plan/ville-test-2024/action/2.1")
    html = response.text
    assert "<script>window.__xss" not in html and "<b>gras</b>" not in html and "<b>ET</b>" not in html
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;&lt;b&gt;gras&lt;/b&gt; &amp; « guillemets » &#34;doubles&#34;" \
        in html or "&lt;script&gt;window.__xss=1&lt;/script&gt;&lt;b&gt;gras&lt;/b&gt; &amp; « guillemets » &quot;" \
        "doubles&quot;" in html
    page = Page(html)
    assert 'Texte avec balises <script>window.__xss=1</script><b>gras</b> & « guillemets » "doubles"' in page.visible
    assert "Recyclerie </script><script>window.__xssLabel=1</script> et ateliers" in page.visible
    # the only script is the schema.org JSON-LD, and the label's "</script>" did not end it early
    assert html.count("<script") == 1 and html.count("</script>") == 1
    assert len(page.scripts) == 1
    data = json.loads(page.scripts[0])
    assert data["mainEntity"]["name"] == "Recyclerie </script><script>window.__xssLabel=1</script> et ateliers"


def test_structure_for_accessibility(get):
    for path in ("", ACTION, "id/plan/ville-test-2024", "id/organisation/epicerie-solidaire", "def",
                 "def/lever", "def/field/alimentation", "def/term/Action", "id/place/maison-de-la-nature",
                 "id/nothing"):
        response = get(path)
        page = Page(response.text)
        assert re.search(r'<html lang="fr">', response.text), path
        assert page.tags[0][0] == "html"
        first_link = next(attrs for tag, attrs in page.tags if tag == "a")
        assert first_link.get("href") == "#contenu" and "skip-link" in first_link.get("class", "")
        assert any(tag == "main" and attrs.get("id") == "contenu" for tag, attrs in page.tags)
        levels = [level for level, _ in page.headings]
        assert levels.count(1) == 1 and levels[0] == 1, (path, page.headings)
        for before, after in zip(levels, levels[1:]):
            assert after <= before + 1, f"{path}: heading level jumps from h{before} to h{after}"
        assert '<meta name="viewport"' in response.text
        for tag, attrs in page.tags:
            assert tag != "img" or attrs.get("alt") is not None
            assert tag != "nav" or attrs.get("aria-label") or attrs.get("aria-labelledby")


def test_other_languages_are_marked(get):
    html = get(ACTION).text
    assert '<p class="aside-text" lang="en">Food-aid logistics</p>' in html
    concept = get("def/field/alimentation").text
    assert 'lang="en">Food</p>' in concept


def test_breadcrumbs_alternates_and_schema_org(live, get):
    html = get(ACTION).text
    page = Page(html)
    crumbs = re.search(r'<nav class="crumbs[^>]*>(.*?)</nav>', html, re.S).group(1)
    assert [t.strip() for t in re.findall(r">([^<>]+)</a>", crumbs)] == [
        "Accueil", "Ville-Test, ville solidaire", "Connaître et soutenir les acteurs", "Alimentation solidaire"]
    for ext, media in (("ttl", "text/turtle"), ("jsonld", "application/ld+json"), ("nt", "application/n-triples"),
                       ("rdf", "application/rdf+xml")):
        assert f'<link rel="alternate" type="{media}" href="{live.base}{ACTION}.{ext}"' in html
        assert f'{live.base}{ACTION}.{ext}' in page.links     # visible links to the raw formats too
    assert live.base + "sparql" in page.links
    data = json.loads(page.scripts[0])
    assert data["@type"] == "WebPage" and data["mainEntity"]["@type"] == "CreativeWork"
    assert data["mainEntity"]["isPartOf"]["name"] == "Alimentation solidaire"
    assert [i["name"] for i in data["breadcrumb"]["itemListElement"]][-1] == "Logistique de la solidarité alimentaire"
    for path, kind in (("id/organisation/epicerie-solidaire", "Organization"), ("def/field/alimentation",
                       "DefinedTerm"), ("def/lever", "DefinedTermSet"), ("id/place/maison-de-la-nature", "Place"),
                       ("id/person/camille-durand", "Person"), ("def", "DefinedTermSet")):
        entity = json.loads(Page(get(path).text).scripts[0])["mainEntity"]
        assert entity["@type"] == kind, path


def test_home_plan_organisation_and_vocabulary_pages(get):
    home = Page(get("").text).visible
    for shown in ("Ville-Test, ville solidaire", "Bourg-Exemple solidaire", "14 mars 2024", "Comparer des plans",
                  "Rechercher", "Catalogue et téléchargements", "Interroger en SPARQL", "Tous les plans (2)"):
        assert shown in home, shown
    plan = Page(get("id/plan/ville-test-2024").text)
    assert [h for level, h in plan.headings if level == 3][:2] == [
        "Axe 1 — Connaître et soutenir les acteurs", "Axe 2 — Économie circulaire"]
    assert "1.1 Logistique de la solidarité alimentaire" in plan.visible
    assert "Délibération du conseil municipal du 14 mars 2024, point n°7" in plan.visible
    assert "Numéro de fiche en double" in plan.visible           # the plan-level note about card 1.2
    organisation = Page(get("id/organisation/epicerie-solidaire").text).visible
    for shown in ("Ses actions", "Ville-Test, ville solidaire", "Bourg-Exemple solidaire", "Jardins partagés",
                  "Soutenir la recyclerie", "Partenaire", "Association"):
        assert shown in organisation, shown
    generic = Page(get("id/plan/bourg-exemple-2023").text).visible
    assert "sujet" in generic and "économie circulaire" in generic   # a property no template knows
    ontology = get("def").text
    assert 'id="Action"' in ontology and 'id="inPlan"' in ontology and 'href="#Plan"' in ontology
    term = Page(get("def/term/Action").text).visible
    assert "Ressources de ce type (4)" in term and "Logistique de la solidarité alimentaire" in term
    scheme = Page(get("def/lever").text).visible
    assert "Commande publique responsable" in scheme
    concept = Page(get("def/field/alimentation").text).visible
    assert "avec ce concept comme « champ d'action »" in concept and "Ville-Test, ville solidaire" in concept


def test_every_link_of_every_page_works(live, client):
    """Crawl from the home page; every link to this server (other routers excepted) answers 200."""
    seen, broken = crawl(client, live.base)
    assert not broken, broken
    assert len(seen) > 60
