"""Read an essgraph catalog with ckanext-dcat's RDF parser (what a CKAN portal's DCAT harvester runs), following
its Hydra pages, and print the CKAN dataset dicts it makes, as one JSON object.

    .venv-harvesters/bin/python ckan_parse.py CATALOG_URL PROFILE LICENCES_JSON

Runs in the harvester environment (tests/support/clients.py). The parser needs no CKAN app, database or ini file;
the portal's licence register is LICENCES_JSON (CKAN's ``licenses_group_url``, here data.gouv.fr's licence list).
"""

from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path

from ckan.common import config


def fetch(url: str) -> str:
    request = urllib.request.Request(url, headers={"Accept": "text/turtle"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        return answer.read().decode("utf-8")


def main(url: str, profile: str, licences: str) -> dict:
    config["licenses_group_url"] = "file://" + str(Path(licences).resolve())
    from ckanext.dcat.processors import RDFParser

    datasets, pages, next_url = [], [], url
    while next_url:
        pages.append(next_url)
        parser = RDFParser(profiles=[profile])
        parser.parse(fetch(next_url), _format="turtle")
        datasets += list(parser.datasets())
        next_url = parser.next_page()
    return {"pages": pages, "datasets": datasets}


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:4]), default=str))
