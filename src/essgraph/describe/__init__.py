"""The description of one resource, as its IRI answers it to machines (RDF) and people (the pages)."""
