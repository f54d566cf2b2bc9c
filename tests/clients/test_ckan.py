"""ckanext-dcat 2.4 (CKAN 2.11), the RDF parser CKAN portals harvest DCAT with, reads every dataset of the catalog
with each DCAT-AP profile it has: landing page, licence (against data.gouv.fr's licence list), contact, the
commune's geometry (the ``spatial`` extra ckanext-spatial indexes, its bounding box and centroid), every download
with its SHA-256, and the SPARQL endpoint as an access service; it follows the Hydra pages of a paged catalog."""

from __future__ import annotations

import json

import pytest

from support.clients import run_harvester
from support.projects import FIXTURES, OPERATOR_EMAIL

LICENCES = FIXTURES / "clients" / "datagouv-licences.json"
PROFILES = ["euro_dcat_ap", "euro_dcat_ap_2", "euro_dcat_ap_3"]


def extras(dataset: dict) -> dict:
    return {e["key"]: e["value"] for e in dataset["extras"]}


@pytest.fixture(scope="module", params=PROFILES)
def parsed(request, served) -> dict:
    return {"profile": request.param,
            **run_harvester("ckan_parse.py", served.base + "catalog", request.param, str(LICENCES))}


def test_ckan_reads_every_dataset_with_its_landing_page_and_licence(served, parsed):
    datasets = parsed["datasets"]
    assert sorted(d["url"] for d in datasets) == [served.base, served.base + "id/plan/saint-maur-des-fosses-2021"]
    assert {d["license_id"] for d in datasets} == {"lov2"}
    for dataset in datasets:
        found = extras(dataset)
        assert found["contact_name"] == "Ville de Saint-Maur-des-Fossés"
        assert found["contact_url"] == "https://www.saint-maur.com/"
        assert "contact_email" not in found  # no verified address is published


def test_ckan_reads_the_geometry_of_the_commune(parsed):
    for dataset in parsed["datasets"]:
        found = extras(dataset)
        assert found["spatial_uri"].endswith("/id/place/saint-maur-des-fosses")
        geometry = json.loads(found["spatial"])
        assert geometry["type"] == "Polygon" and len(geometry["coordinates"][0]) > 50  # the commune's outline
        if parsed["profile"] == "euro_dcat_ap":  # DCAT-AP 1 has no bounding box nor centroid
            continue
        bbox, centroid = (json.loads(found[k]) for k in ("spatial_bbox", "spatial_centroid"))
        assert bbox["type"] == "Polygon" and bbox["coordinates"][0][0] == [2.460628, 48.784106]
        assert centroid == {"type": "Point", "coordinates": [2.494413, 48.798799]}


def test_ckan_keeps_every_download_and_its_sha256(parsed):
    for dataset in parsed["datasets"]:
        downloads = [r for r in dataset["resources"] if r.get("download_url")]
        assert len(downloads) >= 7
        for resource in downloads:
            assert resource["hash_algorithm"] == "SHA-256" and len(resource["hash"]) == 64, resource


def test_ckan_sees_the_sparql_endpoint_as_an_access_service(served, parsed):
    for dataset in parsed["datasets"]:
        services = [s for r in dataset["resources"] for s in json.loads(r.get("access_services") or "[]")]
        if parsed["profile"] == "euro_dcat_ap":  # DCAT-AP 1 has no access services: the profile reads none
            assert services == []
            continue
        assert len(services) == 1, services
        assert services[0]["endpoint_url"] == [served.base + "sparql"], services
        assert services[0]["title"] in ("SPARQL endpoint", "Point d'accès SPARQL"), services


def test_ckan_follows_the_pages_of_a_paged_catalog_and_reads_the_operators_email(paged):
    parsed = run_harvester("ckan_parse.py", paged.base + "catalog", "euro_dcat_ap_3", str(LICENCES))
    assert parsed["pages"] == [paged.base + "catalog", paged.base + "catalog?page=2"]
    assert len(parsed["datasets"]) == 2
    for dataset in parsed["datasets"]:
        assert extras(dataset)["contact_email"] == OPERATOR_EMAIL
        assert any(r.get("access_services") for r in dataset["resources"])
