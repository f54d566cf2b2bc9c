"""Corpora of the SERVICE checks (no test here): attempts to slip a SERVICE clause past a check on tokens, and
texts where the word SERVICE is no keyword. ``{u}`` is the URL of the service a bypass would call (a 127.0.0.1
listener in the server tests; in the reader tests, a URL whose call pyoxigraph makes in a process without network).

Each bypass is one that pyoxigraph really runs (test_sparql_syntax checks that it tries the network for each, except
with SILENT, which hides the failed call: those it must accept), read by essgraph's tokenizer as something else: the ``<`` of a comparison taken for the start of an IRI, a keyword glued
to what precedes it (pyoxigraph's keywords have no word boundary), a prefixed name whose prefix is undeclared.
"""

from __future__ import annotations

BYPASSES = {
    "less-than-then-iri-lookalike": "SELECT * WHERE {{ ?s ?p ?o FILTER(?a<?b)SERVICE#>\n<{u}sparql> {{ }} }}",
    "less-than-a-number": "SELECT * WHERE {{ ?s ?p ?o FILTER(?x<2)SERVICE#>\n<{u}> {{ }} }}",
    "less-or-equal": "SELECT * WHERE {{ ?s ?p ?o FILTER(?x<=2)SERVICE#>\n<{u}> {{ }} }}",
    "less-than-a-call": "SELECT * WHERE {{ ?s ?p ?o FILTER(?x<STR(?y))SERVICE#>\n<{u}> {{ }} }}",
    "constant-comparison": "SELECT * WHERE {{ ?s ?p ?o FILTER(1<2)SERVICE#>\n<{u}> {{ }} }}",
    "silent-after-comparison": "SELECT * WHERE {{ ?s ?p ?o FILTER(?a<?b)SERVICE SILENT#>\n<{u}> {{ }} }}",
    "dot-after-comparison": "SELECT * WHERE {{ ?s ?p ?o FILTER(?a<?b) . SERVICE#>\n<{u}> {{ }} }}",
    "in-ask": "ASK {{ ?s ?p ?o FILTER(?a<?b)SERVICE#>\n<{u}> {{ }} }}",
    "in-construct": "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o FILTER(?a<?b)SERVICE#>\n<{u}> {{ }} }}",
    "in-subselect": "SELECT * WHERE {{ {{ SELECT * WHERE {{ ?s ?p ?o FILTER(?a<?b)SERVICE#>\n<{u}> {{ }} }} }} }}",
    "glued-to-true": "SELECT * WHERE {{ ?s ?p trueSERVICE <{u}> {{ }} }}",
    "glued-to-false": "SELECT * WHERE {{ ?s ?p falseSERVICE <{u}> {{ }} }}",
    "glued-to-an-exponent": "SELECT * WHERE {{ ?s ?p 1e1SERVICE <{u}> {{ }} }}",
    "glued-silent": "SELECT * WHERE {{ ?s ?p ?o SERVICESILENT<{u}>{{ }} }}",
    "undeclared-prefix-service": "PREFIX : <{u}> SELECT * WHERE {{ ?s ?p ?o SERVICE:sparql {{ }} }}",
    "undeclared-prefix-servicex": "PREFIX x: <{u}> SELECT * WHERE {{ ?s ?p ?o SERVICEx:sparql {{ }} }}",
    "declared-prefix-after-a-triple": "PREFIX : <{u}> PREFIX service: <http://example.org/> "
                                      "SELECT * WHERE {{ ?s ?p ?o service:sparql {{ }} }}",
    "relative-iri-against-base": "BASE <{u}> SELECT * WHERE {{ ?s ?p ?o SERVICE <sparql> {{ }} }}",
    "escaped-iri": "SELECT * WHERE {{ ?s ?p ?o SERVICE <{u}\\u0073parql> {{ }} }}",
    "mixed-case-and-comment": "SELECT * WHERE {{ ?s ?p ?o SeRvIcE#comment\n<{u}>{{ }} }}",
    "after-bind": "SELECT * WHERE {{ ?s ?p ?o BIND(1 AS ?z)SERVICE <{u}> {{ }} }}",
}

#: texts with the word SERVICE that is no keyword: valid queries, answered, never refused
LOOKALIKES = [
    'SELECT * WHERE { ?s ?p "SERVICE <http://example.org/> { ?a ?b ?c }" }',
    "SELECT * WHERE { ?s ?p '''two\nlines SERVICE <http://example.org/> {}''' }",
    "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }",
    "SELECT * WHERE { ?s <http://example.org/id/service/sparql> ?o }",
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://example.org/> { }",
    "PREFIX service: <http://example.org/> SELECT * WHERE { ?s service:SERVICE ?o }",
    "PREFIX service: <http://example.org/> SELECT * WHERE { service:x ?p ?o }",
    "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:a.SERVICE ?o }",
    "SELECT ?service WHERE { ?service ?p $SERVICE }",
    "SELECT * WHERE { _:SERVICE ?p ?o }",
    'SELECT * WHERE { ?s ?p "x"@en-service }',
    "SELECT * WHERE { ?s ?p ?o FILTER(?o < 3 && ?o > 1) }",
    "SELECT * WHERE { ?s ?p ?o FILTER(?o = <http://example.org/service>) }",
    "SELECT * WHERE { ?s ?p ?o FILTER(?o IN (<http://example.org/a>, <http://example.org/service>)) }",
    "SELECT * WHERE { VALUES (?x) { (<http://example.org/service>) } ?s ?p ?o }",
    'SELECT * WHERE { ?s ?p ?o FILTER(REGEX(STR(?o), "service", "i")) }',
]
