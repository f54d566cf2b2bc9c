"""SHACL validation, in the order a build uses it: ``shapes`` (load and compile the project's shapes, validate a
batch of datasets), ``core/`` (essgraph's SHACL Core engine over pyoxigraph's indexes: a registry of constraint
components), ``sparql_constraints`` (SHACL-SPARQL by pyoxigraph), ``pyshacl_adapter`` (pySHACL, the reference, as a
fallback and for the DCAT-AP check), ``integrity`` (cross-dataset SPARQL checks on the loaded store), ``results``
(what every one of them reports)."""
