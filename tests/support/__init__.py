"""Helpers shared by the tests (no test here).

* ``projects``: the fixture projects and the repository's own project, built once per test session;
* ``processes``: the CLI as a subprocess, and ``Server``, the one harness of a real ``essgraph serve`` process;
* ``asgi``: ``InProcess``, an app served inside the test process (no socket) with its lifespan run;
* ``rdf``: parsing answers with pyoxigraph, graph comparison, the rdflib cross-check;
* ``html``: reading pages (``Page``) and crawling every link of a site;
* ``deref``: fetching one IRI in every format and saying what is wrong;
* ``sparql``: the query worker processes of a server, runaway queries, a listener that records connections;
* ``browser``: headless Chromium through the DevTools protocol.
"""
