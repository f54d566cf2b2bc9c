"""SHACL validation: shapes and results (``shapes``), essgraph's SHACL Core engine over pyoxigraph's indexes
(``shacl_core``), SHACL-SPARQL constraints evaluated by pyoxigraph (``shacl_sparql``)."""
