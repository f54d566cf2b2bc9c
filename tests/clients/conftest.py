"""Fixtures of the client tests: the real tools people use to read essgraph (harvesters, SPARQL libraries, Comunica,
axe-core) against a served build of this repository's project.

They need a real socket (udata's requests session, urllib in SPARQLWrapper and rdflib, Node's fetch, Chromium), so
the build is served by ``essgraph serve`` on the port its base IRI names: every link they follow works. The tools
install from the project's own files (tests/support/clients.py).
"""

from __future__ import annotations

import pytest

from support.clients import node_missing
from support.processes import Server

pytestmark = pytest.mark.clients


@pytest.fixture(scope="session")
def served(builds) -> Server:
    """The repository's project, served by ``essgraph serve`` (one catalog page)."""
    return builds["real"].real_server()


@pytest.fixture(scope="session")
def paged(builds):
    """The repository's project with a contact e-mail set in its project file, served with one dataset per catalog
    page (two Hydra pages), on the port its base IRI names."""
    built = builds["operator"]
    server = built.process(port=built.port, catalog_page_size=1)
    yield server
    server.close()


@pytest.fixture(scope="session")
def node():
    """Skips the test when Node.js or npm is missing (they install the npm clients)."""
    reason = node_missing()
    if reason:
        pytest.skip(reason)
