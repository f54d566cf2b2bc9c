"""RDF plumbing shared by every stage: namespaces, the format registry, parsing, serialization, and the rdflib
bridge that only validation uses."""
