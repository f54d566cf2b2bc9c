"""The SPARQL 1.1 endpoint: request parsing (protocol), isolated execution (engine, worker, sandbox), result
serialization (results), the service description, and the in-memory copy of the published build (memory).

How a query travels::

    HTTP request --protocol--> Request (query text, dataset, media type)
        --lexer--> refused early: updates, SERVICE; the query form picks the offers for content negotiation
        --engine--> a worker process (forked from a zygote that holds the in-memory store) runs the query,
                    counts rows against the cap and serializes the whole answer, with no network (seccomp)
        <--engine-- status + body, or an error; a worker over the time limit is killed and replaced
"""
