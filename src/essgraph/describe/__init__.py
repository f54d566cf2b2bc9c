"""The description of one resource, as its IRI answers it to machines (RDF, ``description``) and people (the
templates' view, ``node``)."""
