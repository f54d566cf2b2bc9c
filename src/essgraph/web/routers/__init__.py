"""One router per concern: health, Linked Data pages, SPARQL and named queries, catalog / VoID / dumps."""
