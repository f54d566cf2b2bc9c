"""Where the open-data artifacts are in a build folder (read by the server, written by the build).

Layout of ``<build>/``::

    dumps/                 the dump files and their index (see essgraph.publish.dumps)
    parts/                 the pieces the whole graph's dumps are joined from (never served)
    catalog/catalog.nt     the exact catalog triples the build validated (served at /catalog)
    catalog/void.nt        the VoID description (served at /.well-known/void)
    catalog/state.json     per dataset: content hash, issued, modified (carried to the next build)
    void/<dataset>.sketch  per dataset: the sets the VoID statistics count (see essgraph.publish.void_sketch)
    void/figures.json      the sizes of their unions, updated by the next build (see essgraph.publish.void_stats)
    catalog/entries/       per plan dataset: its catalog entry and DCAT-AP results (reused by the next build)

No heavy import here: the server reads this module, never the build's.
"""

from __future__ import annotations

from essgraph import urls

DUMPS = "dumps"
PARTS = "parts"
STATE_FILE = "catalog/state.json"
VOID_SKETCHES = "void"
#: the exact catalog and VoID triples of a build, by the graph the store holds them in
CATALOG_FILES = {urls.CATALOG_GRAPH: "catalog/catalog.nt", urls.VOID_GRAPH: "catalog/void.nt"}
#: per plan dataset, its catalog entry, the key it was made with and its DCAT-AP results (essgraph.publish.catalog_entries)
CATALOG_ENTRIES = "catalog/entries"
