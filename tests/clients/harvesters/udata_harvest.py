"""Harvest an essgraph catalog with udata's own DCAT harvester (``DcatBackend``, what data.gouv.fr runs), then print
what udata stored, as one JSON object.

    .venv-harvesters/bin/python udata_harvest.py CATALOG_URL LICENCES_JSON

Runs in the harvester environment (tests/support/clients.py). udata needs a MongoDB: mongomock stands in for it
(no server; ``mongo_client_class``, as mongoengine 0.29 wants); ``udata.settings.Testing`` turns off Redis caching
and DNS look-ups and allows 127.0.0.1 URLs. The portal's licences are data.gouv.fr's records of LICENCES_JSON.
"""

from __future__ import annotations

import json
import sys

import mongomock
from udata.app import create_app, standalone
from udata.settings import Testing


class Settings(Testing):
    MONGODB_HOST = "mongodb://localhost:27017/udata"  # parsed, never contacted
    MONGODB_SETTINGS = {"host": MONGODB_HOST, "mongo_client_class": mongomock.MongoClient}
    SECRET_KEY = "test-only"


def resource(r) -> dict:
    return {
        "title": r.title,
        "type": r.type,
        "format": r.format,
        "mime": r.mime,
        "filesize": r.filesize,
        "url": r.url,
        "checksum": {"type": r.checksum.type, "value": r.checksum.value} if r.checksum else None,
    }


def contact(c) -> dict:
    return {"name": c.name, "email": c.email, "contact_form": c.contact_form, "role": c.role}


def dataset(d) -> dict:
    return {
        "title": d.title,
        "license": d.license.id if d.license else None,
        "frequency": d.frequency,
        "temporal": [str(d.temporal_coverage.start), str(d.temporal_coverage.end)] if d.temporal_coverage else None,
        "tags": len(d.tags),
        "spatial": d.spatial.geom if d.spatial else None,
        "contact_points": [contact(c) for c in d.contact_points],
        "harvest_uri": d.harvest.uri if d.harvest else None,
        "remote_url": d.harvest.remote_url if d.harvest else None,
        "resources": [resource(r) for r in d.resources],
    }


def main(url: str, licences: str) -> dict:
    app = standalone(create_app(override=Settings))
    with app.app_context():
        from udata.core.dataservices.models import Dataservice
        from udata.harvest.backends.dcat import DcatBackend
        from udata.harvest.models import HarvestSource
        from udata.models import Dataset, License, Organization

        for record in json.loads(open(licences, encoding="utf-8").read()):
            License.objects.create(
                id=record["id"], title=record["title"], url=record["url"], alternate_titles=record["alternate_titles"],
                alternate_urls=record["alternate_urls"],
            )
        org = Organization.objects.create(name="Ville de Saint-Maur-des-Fossés", description="Commune")
        source = HarvestSource.objects.create(name="essgraph", url=url, backend="dcat", organization=org)
        job = DcatBackend(source).harvest()
        return {
            "status": job.status,
            "errors": [e.message for e in job.errors],
            "items": [{"remote_id": i.remote_id, "status": i.status, "errors": [e.message for e in i.errors]}
                      for i in job.items],
            "datasets": sorted((dataset(d) for d in Dataset.objects), key=lambda d: d["harvest_uri"] or ""),
            "dataservices": [
                {"title": s.title, "base_api_url": s.base_api_url, "datasets": len(s.datasets),
                 "license": s.license.id if s.license else None}
                for s in Dataservice.objects
            ],
        }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2]), default=str))
