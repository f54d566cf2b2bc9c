"""The SPARQL 1.1 endpoint: request parsing (protocol), isolated execution (admission, engine, worker, sandbox), result
serialization (results), the service description, and the in-memory copy of the published build (memory).

How a query travels::

    HTTP request --protocol--> Request (query text, dataset, media type)
        --lexer--> refused early: updates, SERVICE; the query form picks the offers for content negotiation
        --admission--> waits its turn: a bounded queue, a cap per client, workers kept for fast queries
        --engine--> a worker process (forked from a zygote that holds the build's store) runs the query,
                    counts rows and bytes against the caps and serializes the whole answer, with no network
        <--engine-- status + body (relayed in chunks), or an error; a worker over the time limit is killed and
                    replaced, and so is a worker or zygote that dies
"""
