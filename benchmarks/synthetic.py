"""Realistic synthetic plans for benchmarks, shaped like the Saint-Maur plan (see docs/modelling.md).

Each plan has 4 axes with sub-axes and about 30 actions; actions share organisations, legal texts, levers,
fields, SDG targets; they carry objectives, steps, involvements, means with amounts, calendars, indicators with
targets and provenance: 1,500-2,500 triples per plan.

    python benchmarks/synthetic.py OUT_DIR N [--seed S]

writes OUT_DIR/essgraph.toml (a project with one dataset per plan, plus the real ontology, reference data and
shapes of this repository, and a publisher), OUT_DIR/plans/synth-NNNN.ttl,
OUT_DIR/reference/synthetic-organisations.ttl and the DCAT-AP catalog metadata OUT_DIR/data/catalog/ (a synthetic
network's catalog, plus this repository's extracts of the EU controlled vocabularies), so every build benchmark
makes and checks the catalog like a real deployment.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PREFIXES = """@prefix ess: <https://w3id.org/essgraph/def#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix schema: <http://schema.org/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

"""
DEF = "https://w3id.org/essgraph/def/"
LEVERS = ["connaitre-et-faire-connaitre", "animation-territoriale", "sensibilisation-education",
          "commande-publique-responsable", "accompagnement-des-acteurs", "mise-a-disposition-de-moyens",
          "financement-solidaire", "cooperation-et-reseaux", "formation-et-organisation-interne",
          "experimentation-innovation"]
FIELDS = ["alimentation", "dechets-economie-circulaire", "agriculture-urbaine-nature", "mobilite", "numerique",
          "emploi-insertion", "vie-associative-engagement", "education-jeunesse", "culture",
          "solidarite-cohesion-sociale", "developpement-economique-local", "seniors-intergenerationnel"]
ORG_TYPES = ["association", "cooperative", "entreprise-ess", "reseau", "etablissement-public", "entreprise",
             "etablissement-scolaire", "collectif-citoyen"]
LEGAL = ["https://www.legifrance.gouv.fr/eli/loi/2016/2/11/AGRX1531165L/jo/texte",
         "https://www.legifrance.gouv.fr/eli/loi/2020/2/10/TREP1902395L/jo/texte",
         "https://www.legifrance.gouv.fr/eli/loi/2015/8/17/DEVX1413992L/jo/texte",
         "https://www.legifrance.gouv.fr/eli/loi/2014/7/31/ERNX1315311L/jo/texte",
         "https://www.legifrance.gouv.fr/eli/loi/2010/7/12/DEVX0822225L/jo/texte",
         "http://data.europa.eu/eli/dir/2018/851/oj"]
SDG = ["2.1", "4.7", "8.3", "8.5", "8.9", "10.2", "11.2", "11.6", "11.7", "12.3", "12.5", "12.7", "12.8",
       "13.3", "17.17"]
HORIZONS = ["court-terme", "moyen-terme", "recurrent", "a-definir"]
WORDS = ("accompagner soutenir développer structurer sensibiliser former animer mutualiser valoriser coopérer "
         "réemploi alimentation mobilité numérique insertion jardin association habitants quartier atelier "
         "collecte vélo circuit court solidarité économie sociale territoire réseau public acteurs").split()
N_ORGS = 400
#: the catalog metadata of the synthetic network (what data/catalog/catalog.ttl is for Saint-Maur): the catalog, its
#: contact point, licence, standards and the whole-graph dataset; the plan datasets are generated from the plans
CATALOG_TTL = """@prefix dcat:  <http://www.w3.org/ns/dcat#> .
@prefix dct:   <http://purl.org/dc/terms/> .
@prefix foaf:  <http://xmlns.com/foaf/0.1/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix rdfs:  <http://www.w3.org/2000/01/rdf-schema#> .
@prefix theme: <http://publications.europa.eu/resource/authority/data-theme/> .

<catalog> a dcat:Catalog ;
    dct:title "Plans ESS synthétiques en données ouvertes"@fr , "Synthetic ESS plans as open data"@en ;
    dct:description "Catalogue de plans d'économie sociale et solidaire synthétiques, générés pour mesurer essgraph."@fr ,
        "Catalogue of synthetic social and solidarity economy plans, generated to benchmark essgraph."@en ;
    dcat:contactPoint <id/contact/reseau-synthetique> ;
    dct:language <http://publications.europa.eu/resource/authority/language/FRA> ;
    dct:license <https://www.etalab.gouv.fr/licence-ouverte-open-licence> ;
    dcat:themeTaxonomy <http://publications.europa.eu/resource/authority/data-theme> ;
    foaf:homepage <> .

<> a foaf:Document ; dct:title "essgraph : plans synthétiques"@fr .

<https://example.org/> a foaf:Document .

<id/contact/reseau-synthetique> a vcard:Organization , vcard:Kind ;
    vcard:fn "Réseau synthétique"@fr ;
    vcard:hasURL <https://example.org/> .

<https://www.etalab.gouv.fr/licence-ouverte-open-licence> a dct:LicenseDocument ;
    dct:title "Licence Ouverte / Open Licence version 2.0"@fr ;
    dct:identifier "etalab-2.0" ;
    dct:type <http://purl.org/adms/licencetype/Attribution> .

<https://w3id.org/essgraph/def> a dct:Standard ;
    dct:title "Ontologie essgraph des plans municipaux d'économie sociale et solidaire"@fr .

<https://w3id.org/essgraph/shapes#> a dct:Standard ; dct:title "Formes SHACL d'essgraph"@fr .

<id/dataset/essgraph> a dcat:Dataset ;
    dct:title "Plans ESS synthétiques : graphe complet"@fr , "Synthetic ESS plans: complete graph"@en ;
    dct:description "Tous les plans synthétiques, les référentiels et l'ontologie essgraph."@fr ;
    dcat:keyword "économie sociale et solidaire"@fr , "plan municipal"@fr , "données synthétiques"@fr ;
    dcat:theme theme:SOCI , theme:ECON ;
    dct:conformsTo <https://w3id.org/essgraph/def> , <https://w3id.org/essgraph/shapes#> ;
    dct:accrualPeriodicity <http://publications.europa.eu/resource/authority/frequency/IRREG> ;
    dct:accessRights <http://publications.europa.eu/resource/authority/access-right/PUBLIC> ;
    dcat:landingPage <> .
"""
PUBLISHER_TOML = ["", "[project.publisher]", 'name = "Réseau synthétique"', 'iri = "id/organisation/reseau-synthetique"',
                  'type = "NonProfitOrganisation"', 'homepage = "https://example.org/"']


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize()


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"@fr'


def write_organisations(path: Path, seed: int) -> None:
    rng = random.Random(seed)
    blocks = [PREFIXES]
    for i in range(N_ORGS):
        kind = rng.choice(ORG_TYPES)
        blocks.append(f"<id/organisation/synth-org-{i:04d}> a org:Organization ;\n"
                      f"    skos:prefLabel {_lit(_text(rng, 3) + f' {i}')} ;\n"
                      f"    ess:organisationType <{DEF}organisation-type/{kind}> .\n")
    path.write_text("\n".join(blocks), encoding="utf-8")


def plan_turtle(index: int, seed: int) -> str:
    rng = random.Random(seed * 100_003 + index)
    pid = f"synth-{index:04d}"
    plan = f"id/plan/{pid}"
    city = f"id/organisation/synth-city-{index:04d}"
    out = [PREFIXES]
    out.append(f"<{city}> a org:Organization ; skos:prefLabel {_lit(f'Ville synthétique {index}')} ;\n"
               f"    ess:organisationType <{DEF}organisation-type/collectivite> .\n")
    units = [f"id/organisation/synth-city-{index:04d}-service-{u}" for u in range(6)]
    for u, unit in enumerate(units):
        out.append(f"<{unit}> a org:OrganizationalUnit ; org:unitOf <{city}> ;\n"
                   f"    skos:prefLabel {_lit(f'Service {u} ' + _text(rng, 2))} ;\n"
                   f"    ess:organisationType <{DEF}organisation-type/service-municipal> .\n")
    axes = []
    for a in range(1, 5):
        axis = f"{plan}/axis/{a}"
        subs = [f"{axis}/sub-{s}" for s in range(1, rng.randint(2, 3) + 1)]
        axes.append((axis, subs))
        out.append(f"<{axis}> a ess:Axis ; ess:inPlan <{plan}> ; skos:notation \"{a}\" ; ess:position {a} ;\n"
                   f"    rdfs:label {_lit(_text(rng, 5))} ;\n"
                   f"    ess:hasSection {', '.join(f'<{s}>' for s in subs)} .\n")
        for s, sub in enumerate(subs, 1):
            out.append(f"<{sub}> a ess:SubAxis ; ess:inPlan <{plan}> ; dct:isPartOf <{axis}> ; ess:position {s} ;\n"
                       f"    rdfs:label {_lit(_text(rng, 4))} .\n")
    out.append(f"<id/document/{pid}> a ess:Document ; dct:title {_lit('Délibération plan ESS ' + str(index))} .\n"
               f"<id/place/synth-commune-{index:04d}> a ess:Place ; skos:prefLabel {_lit(f'Commune {index}')} .\n")
    out.append(f"<{plan}> a ess:Plan ;\n    dct:title {_lit('Plan ESS ' + _text(rng, 3))} ;\n"
               f"    dct:source <id/document/{pid}> ;\n    dct:spatial <id/place/synth-commune-{index:04d}> ;\n"
               f"    rdfs:label {_lit('Plan ESS synthétique ' + str(index))} ;\n"
               f"    ess:collectivite <{city}> ;\n"
               f"    ess:hasSection {', '.join(f'<{a}>' for a, _ in axes)} .\n")
    number = 0
    for a, (axis, subs) in enumerate(axes, 1):
        for k in range(1, rng.randint(5, 8) + 1):
            number += 1
            out.append(_action(rng, plan, f"{a}.{k}", rng.choice(subs), units))
    return "\n".join(out)


def _action(rng: random.Random, plan: str, num: str, section: str, units: list[str]) -> str:
    act = f"{plan}/action/{num}"
    lines = [f"<{act}> a ess:Action ;", f"    ess:inPlan <{plan}> ;", f"    ess:section <{section}> ;",
             f'    ess:cardNumber "{num}" ;', f'    ess:printedNumber "{num}" ;',
             f"    dct:title {_lit(_text(rng, 6).upper())} ;", f"    rdfs:label {_lit(_text(rng, 6))} ;",
             f"    ess:context {_lit(_text(rng, 40))} ;", f"    dct:description {_lit(_text(rng, 60))} ;",
             f"    ess:meansWording {_lit(_text(rng, 8))} ;", f"    ess:methodWording {_lit(_text(rng, 20))} ;",
             f"    ess:indicatorWording {_lit(_text(rng, 8))} ;",
             f"    dct:source <id/document/{plan.rsplit('/', 1)[-1]}> ;",
             f'    ess:sourceLocator "Fiche Action {num}"@fr ;']
    extra = []
    for i in range(1, rng.randint(1, 3) + 1):
        lines.append(f"    ess:objective <{act}/objective/{i}> ;")
        extra.append(f"<{act}/objective/{i}> a ess:Objective ; ess:position {i} ; rdfs:label {_lit(_text(rng, 8))} .")
    for i in range(1, rng.randint(1, 4) + 1):
        lines.append(f"    ess:step <{act}/step/{i}> ;")
        extra.append(f"<{act}/step/{i}> a ess:Step ; ess:position {i} ; rdfs:label {_lit(_text(rng, 6))} .")
    orgs = [rng.choice(units)] + [f"id/organisation/synth-org-{rng.randrange(N_ORGS):04d}"
                                  for _ in range(rng.randint(1, 2))]
    for i, o in enumerate(dict.fromkeys(orgs), 1):
        lines.append(f"    ess:involvedOrganisation <{o}> ;")
        lines.append(f"    prov:qualifiedAssociation <{act}/involvement/{i}> ;")
        role = f" prov:hadRole <{DEF}role/partenaire> ;" if rng.random() < 0.2 else ""
        extra.append(f"<{act}/involvement/{i}> a prov:Association ; prov:agent <{o}> ;{role} ess:position {i} ;"
                     f" ess:sourceWording {_lit(_text(rng, 2))} .")
    for i in range(1, rng.randint(1, 3) + 1):
        kind = rng.choice(["HumanResource", "FinancialResource", "TechnicalResource"])
        lines.append(f"    ess:means <{act}/means/{i}> ;")
        amount = ""
        if kind == "FinancialResource":
            value = rng.randrange(500, 60_000, 50)
            amount = f" ess:amount <{act}/amount/{i}> ;"
            extra.append(f"<{act}/amount/{i}> a schema:MonetaryAmount ; schema:value {value} ; "
                         f'schema:currency "EUR" ; ess:wording "{value} €"@fr .')
        extra.append(f"<{act}/means/{i}> a ess:{kind} ;{amount} rdfs:label {_lit(_text(rng, 5))} .")
    if rng.random() < 0.7:
        year = rng.choice([2021, 2022, 2023])
        quarter = rng.randrange(4)
        start, end = f"{year}-{3 * quarter + 1:02d}-01", f"{year}-{3 * quarter + 3:02d}-{[31, 30, 30, 31][quarter]}"
        lines.append(f"    ess:calendarWording {_lit(f'{quarter + 1}e trimestre {year}')} ;")
        lines.append(f"    ess:scheduledInterval <{act}/calendar> ;")
        extra.append(f"<{act}/calendar> a time:ProperInterval ;"
                     f' time:hasBeginning [ a time:Instant ; time:inXSDDate "{start}"^^xsd:date ] ;'
                     f' time:hasEnd [ a time:Instant ; time:inXSDDate "{end}"^^xsd:date ] .')
    else:
        lines.append(f"    ess:calendarWording {_lit('A définir')} ;")
        lines.append(f"    ess:horizon <{DEF}horizon/{rng.choice(HORIZONS)}> ;")
    for i in range(1, rng.randint(1, 3) + 1):
        lines.append(f"    ess:resultIndicator <{act}/indicator/{i}> ;")
        target = ""
        if rng.random() < 0.3:
            target = f" ess:target <{act}/indicator/{i}/target> ;"
            extra.append(f"<{act}/indicator/{i}/target> a ess:Target ; ess:wording {_lit('objectif 30%')} .")
        extra.append(f"<{act}/indicator/{i}> a ess:Indicator ; ess:position {i} ;{target}"
                     f" rdfs:label {_lit('Nombre de ' + _text(rng, 3))} .")
    if rng.random() < 0.3:
        lines.append(f"    ess:legalBasis <{rng.choice(LEGAL)}> ;")
    lines.append(f"    ess:lever <{DEF}lever/{rng.choice(LEVERS)}> ;")
    lines.append(f"    ess:field <{DEF}field/{rng.choice(FIELDS)}> ;")
    lines.append(f"    ess:sdgTarget <http://metadata.un.org/sdg/{rng.choice(SDG)}> .")
    return "\n".join(lines) + "\n" + "\n".join(extra) + "\n"


def write_project(out: Path, n: int, seed: int = 1, shapes: bool = True) -> Path:
    """Write a project of ``n`` synthetic plans; returns its essgraph.toml."""
    (out / "plans").mkdir(parents=True, exist_ok=True)
    (out / "reference").mkdir(exist_ok=True)
    write_organisations(out / "reference" / "synthetic-organisations.ttl", seed)
    write_plans(out / "plans", n, seed)
    write_catalog_metadata(out / "data" / "catalog")
    lines = ["[project]", 'title = "Synthetic plans"']
    if shapes:
        lines.append(f'shapes = ["{ROOT}/shapes/*.ttl"]')
        if list((ROOT / "shapes" / "integrity").glob("*.rq")):
            lines.append(f'integrity = ["{ROOT}/shapes/integrity/*.rq"]')
    lines += PUBLISHER_TOML
    lines += ["", "[[dataset]]", 'id = "ontology"', 'kind = "vocabulary"', "[[dataset.graph]]",
              'iri = "graph/ontology"', f'files = ["{ROOT}/ontology/*.ttl", "{ROOT}/ontology/schemes/*.ttl"]',
              "", "[[dataset]]", 'id = "reference"', 'kind = "reference"', "[[dataset.graph]]",
              'iri = "graph/reference"', f'files = ["{ROOT}/data/reference/*.ttl", "reference/*.ttl"]']
    for i in range(n):
        lines += ["", "[[dataset]]", f'id = "synth-{i:04d}"', 'kind = "plan"', "[[dataset.graph]]",
                  f'iri = "graph/plan/synth-{i:04d}"', f'files = ["plans/synth-{i:04d}.ttl"]']
    config = out / "essgraph.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def write_catalog_metadata(folder: Path) -> None:
    """The catalog metadata of the synthetic network, and this repository's EU controlled-vocabulary extracts (the
    concepts the catalog uses, with their provenance in data/catalog/README.md)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "catalog.ttl").write_text(CATALOG_TTL, encoding="utf-8")
    shutil.copyfile(ROOT / "data" / "catalog" / "eu-vocabularies.ttl", folder / "eu-vocabularies.ttl")


def write_plans(out_dir: Path, n: int, seed: int = 1) -> list[Path]:
    """Write ``n`` plan files ``synth-NNNN.ttl`` into ``out_dir`` (organisations: see write_organisations)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = out_dir / f"synth-{i:04d}.ttl"
        path.write_text(plan_turtle(i, seed), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    config = write_project(args.out, args.n, args.seed)
    print(config)


if __name__ == "__main__":
    main()
