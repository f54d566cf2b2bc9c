"""udata 17.18 — data.gouv.fr's software — harvests the catalog with its own DCAT harvester (``DcatBackend``, on
mongomock) and keeps everything: every dataset and resource, each resource's SHA-256, the licence (data.gouv.fr's
``lov2``), the commune's geometry, the contact point (its name once, its e-mail when the operator gives one), the
SPARQL endpoint as a resource of type "api"; a paged catalog is harvested without errors."""

from __future__ import annotations

import hashlib

import httpx
import pytest

from support.clients import run_harvester
from support.projects import FIXTURES, OPERATOR_EMAIL

LICENCES = FIXTURES / "clients" / "datagouv-licences.json"
CITY = "Ville de Saint-Maur-des-Fossés"
# the commune's bounding box (data/reference/places.ttl): udata keeps the polygons of a place, as a MultiPolygon
BBOX = [[2.460628, 48.784106], [2.523474, 48.784106], [2.523474, 48.814564], [2.460628, 48.814564],
        [2.460628, 48.784106]]


@pytest.fixture(scope="module")
def harvest(served) -> dict:
    return run_harvester("udata_harvest.py", served.base + "catalog", str(LICENCES))


@pytest.fixture(scope="module")
def paged_harvest(paged) -> dict:
    return run_harvester("udata_harvest.py", paged.base + "catalog", str(LICENCES))


def test_udata_harvests_every_dataset_without_an_error(harvest):
    assert harvest["status"] == "done", harvest
    assert [(i["status"], i["errors"]) for i in harvest["items"]] == [("done", [])] * 2
    assert [d["harvest_uri"].rsplit("/", 1)[1] for d in harvest["datasets"]] == ["essgraph",
                                                                                 "saint-maur-des-fosses-2021"]


def test_udata_keeps_the_sha256_of_every_download(served, harvest):
    for dataset in harvest["datasets"]:
        downloads = [r for r in dataset["resources"] if r["type"] == "main"]
        assert len(downloads) >= 7
        for resource in downloads:
            assert resource["checksum"]["type"] == "sha256", resource
            body = httpx.get(resource["url"], trust_env=False).content
            assert resource["checksum"]["value"] == hashlib.sha256(body).hexdigest(), resource["url"]


def test_udata_reads_the_licence_the_commune_and_the_contact(harvest):
    for dataset in harvest["datasets"]:
        assert dataset["license"] == "lov2"
        assert dataset["spatial"]["type"] == "MultiPolygon"
        assert BBOX in [[[round(x, 6), round(y, 6)] for x, y in ring] for polygon in dataset["spatial"]["coordinates"]
                        for ring in polygon]
        contacts = {(c["role"], c["name"]) for c in dataset["contact_points"]}
        assert ("contact", CITY) in contacts  # the name once, not "Ville … (Ville …)"
        assert all(c["email"] is None for c in dataset["contact_points"])  # no verified address is published


def test_udata_sees_the_sparql_endpoint_as_an_api_of_each_dataset(served, harvest):
    for dataset in harvest["datasets"]:
        apis = [r for r in dataset["resources"] if r["type"] == "api"]
        assert [r["url"] for r in apis] == [served.base + "sparql"]


def test_udata_harvests_a_paged_catalog_without_errors_and_reads_the_operators_email(paged_harvest):
    assert paged_harvest["status"] == "done", paged_harvest
    assert [(i["status"], i["errors"]) for i in paged_harvest["items"]] == [("done", [])] * 2
    for dataset in paged_harvest["datasets"]:
        assert (CITY, OPERATOR_EMAIL) in {(c["name"], c["email"]) for c in dataset["contact_points"]}
        assert all(r["checksum"] for r in dataset["resources"] if r["type"] == "main")
