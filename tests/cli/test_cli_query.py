"""`essgraph query`, `export` and `serve` as a user runs them (real subprocesses, since exit codes are the point):
named queries with --param, the server's limits and formats, refusals, and one-line errors for unusable paths."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pyoxigraph as ox
import pytest

from support.processes import run_cli
from support.projects import copy_project
from support.sparql import Listener

BASE = "http://127.0.0.1:8000/"
PLAN = f"{BASE}graph/plan/mini-2024"
DCT_TITLE = "http://purl.org/dc/terms/title"
TITLE_OF = """#+ title: Title of an action
#+ description: The title of one action, in the plan's language.
#+ param: action iri required -- the action (example: http://127.0.0.1:8000/id/plan/mini-2024/action/1.2)
#+ param: lang string optional -- only titles in this language (example: fr)
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?action ?title ?lang WHERE { ?action dct:title ?title FILTER(COALESCE(LANG(?title) = ?lang, true)) }
"""
ACTION_TITLED = """#+ title: Action titled
#+ param: title lang required -- a title with its language (example: Enquête@fr)
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?action ?title WHERE { ?action dct:title ?title }
"""
NO_HEADER = "PREFIX dct: <http://purl.org/dc/terms/>\nSELECT ?t WHERE { ?a dct:title ?t }\n"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o . ?p ?q ?r }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The mini project, built once, with two named queries and a query file without header."""
    root = copy_project("mini", tmp_path_factory.mktemp("cli-query"))
    (root / "queries").mkdir()
    (root / "queries" / "title-of.rq").write_text(TITLE_OF, encoding="utf-8")
    (root / "queries" / "action-titled.rq").write_text(ACTION_TITLED, encoding="utf-8")
    (root / "plain.rq").write_text(NO_HEADER, encoding="utf-8")
    built = run_cli("build", cwd=root)
    assert built.returncode == 0, built.stderr
    return root


def query(project: Path, *args: str, **kw) -> subprocess.CompletedProcess:
    return run_cli("query", *args, cwd=project, **kw)


def triples(project: Path) -> str:
    return json.loads(query(project, COUNT, "-f", "json").stdout)["results"]["bindings"][0]["n"]["value"]


# -- named queries and their parameters ---------------------------------------------------------------------------

def test_a_named_query_binds_its_parameters_as_rdf_terms(project):
    done = query(project, "title-of", "--param", f"action={BASE}id/plan/mini-2024/action/1.2", "-f", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["action,title,lang", f"{BASE}id/plan/mini-2024/action/1.2,Rencontre,"]
    by_lang = query(project, "action-titled", "-p", "title=Enquête@fr", "-f", "tsv")
    assert by_lang.returncode == 0, by_lang.stderr
    assert by_lang.stdout.splitlines()[1:] == [f'<{BASE}id/plan/mini-2024/action/1.1>\t"Enquête"@fr']
    optional = query(project, "queries/title-of.rq", "-p", f"action={BASE}id/plan/mini-2024", "-p", "lang=en")
    assert optional.returncode == 0 and "(0 rows)" in optional.stdout


def test_a_missing_required_parameter_is_an_error_listing_the_parameters(project):
    done = query(project, "title-of")
    assert done.returncode == 2
    assert done.stdout == ""  # never the whole graph
    assert "query 'title-of' needs the parameter 'action' (iri)" in done.stderr
    assert "action (iri, required) -- the action" in done.stderr
    assert "lang (string, optional)" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("params,message", [
    (["colour=red", f"action={BASE}x"], "query 'title-of' has no parameter colour"),
    (["action=not an iri"], "parameter 'action': 'not an iri' is not a valid iri"),
    ([f"action={BASE}x> }} UNION {{ ?s ?p ?o"], "is not a valid iri"),       # refused, never pasted into the text
    (["action"], "--param 'action' is not NAME=VALUE"),
    ([f"action={BASE}a", f"action={BASE}b"], "the parameter 'action' is given more than once"),
])
def test_bad_parameters_exit_2_and_say_why(project, params, message):
    done = query(project, "title-of", *[arg for p in params for arg in ("--param", p)])
    assert done.returncode == 2 and done.stdout == ""
    assert message in done.stderr and "Traceback" not in done.stderr


def test_parameters_need_a_named_query(project):
    for text in ("plain.rq", "SELECT * WHERE { ?s ?p ?o }"):
        done = query(project, text, "-p", "t=x")
        assert done.returncode == 2 and "declares no parameters" in done.stderr


# -- the server's execution: refusals, limits, formats ------------------------------------------------------------

@pytest.mark.parametrize("update", [
    "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "PREFIX ex: <http://example.org/>\nCLEAR ALL",
    "LOAD <http://127.0.0.1:9/data.ttl>",
])
def test_updates_are_refused_with_a_clear_message_and_change_nothing(project, update):
    before = triples(project)
    done = query(project, update)
    assert done.returncode == 2
    assert "SPARQL Update is refused: essgraph is read-only" in done.stderr and "essgraph build" in done.stderr
    assert triples(project) == before


def test_service_is_refused_and_nothing_is_sent(project):
    listener = Listener()
    try:
        done = query(project, f"SELECT * WHERE {{ SERVICE <{listener.url}sparql> {{ ?s ?p ?o }} }}")
        assert done.returncode == 2 and "SERVICE (federated query) at line 1, column 18" in done.stderr
        time.sleep(0.3)
        assert listener.received == []
    finally:
        listener.close()


def test_a_service_clause_hidden_from_the_tokens_is_refused_on_the_parsed_form(project):
    listener = Listener()
    try:
        hidden = f"SELECT * WHERE {{ ?s ?p ?o FILTER(?a<?b)SERVICE#>\n<{listener.url}sparql> {{ }} }}"
        done = query(project, hidden)
        assert done.returncode == 2 and "SERVICE (federated query) at line 1, column 40" in done.stderr
        time.sleep(0.3)
        assert listener.received == []
    finally:
        listener.close()


def test_the_row_cap_is_the_servers(project):
    assert query(project, "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 5", "--max-rows", "5").returncode == 0
    over = query(project, "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 6", "--max-rows", "5")
    assert over.returncode == 2 and over.stdout == ""
    assert "the query returns more than 5 results" in over.stderr
    env = query(project, "CONSTRUCT WHERE { ?s ?p ?o }", env={"ESSGRAPH_MAX_RESULT_ROWS": "3"})
    assert env.returncode == 2 and "more than 3 results" in env.stderr


def _processes_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def test_the_time_limit_really_stops_the_query(project):
    marker = f"# {uuid.uuid4()}"  # in the query text, hence in the command line of the query process
    started = time.monotonic()
    done = query(project, f"{RUNAWAY} {marker}", "--timeout", "1")
    assert done.returncode == 2, done.stderr
    assert "ran longer than the time limit of 1 s and was stopped" in done.stderr
    assert time.monotonic() - started < 30  # generous: the point is that it stops, not how fast this machine is
    assert _processes_with(marker) == []  # the query process was killed, not left running


@pytest.mark.parametrize("fmt,check", [
    (None, lambda out: ox.parse(out.encode(), format=ox.RdfFormat.TURTLE)),
    ("ntriples", lambda out: ox.parse(out.encode(), format=ox.RdfFormat.N_TRIPLES)),
    ("jsonld", lambda out: ox.parse(out.encode(), format=ox.RdfFormat.JSON_LD)),
    ("rdfxml", lambda out: ox.parse(out.encode(), format=ox.RdfFormat.RDF_XML)),
])
def test_construct_answers_in_the_servers_graph_formats(project, fmt, check):
    done = query(project, f"CONSTRUCT {{ ?s <{DCT_TITLE}> ?o }} WHERE {{ GRAPH <{PLAN}> {{ ?s <{DCT_TITLE}> ?o }} }}",
                 *(["-f", fmt] if fmt else []))
    assert done.returncode == 0, done.stderr
    assert len(list(check(done.stdout))) == 3


def test_select_and_ask_answer_in_the_servers_result_formats(project):
    xml = query(project, f"SELECT ?t FROM <{PLAN}> WHERE {{ ?a <http://purl.org/dc/terms/title> ?t }}", "-f", "xml")
    assert xml.returncode == 0
    assert len(list(ox.parse_query_results(xml.stdout.encode(), format=ox.QueryResultsFormat.XML))) == 3
    assert query(project, "ASK { ?s ?p ?o }").stdout == "true\n"
    assert json.loads(query(project, "ASK { ?s ?p ?o }", "-f", "json").stdout)["boolean"] is True


def test_a_format_the_query_form_has_not_is_refused(project):
    done = query(project, "CONSTRUCT WHERE { ?s ?p ?o }", "-f", "csv")
    assert done.returncode == 2
    assert "format csv is not available for a CONSTRUCT query" in done.stderr and "turtle" in done.stderr


def test_relative_iris_resolve_against_the_endpoint_of_the_build(project):
    done = query(project, "SELECT ?t WHERE { <id/plan/mini-2024> <http://purl.org/dc/terms/title> ?t }", "-f", "csv")
    assert done.stdout.splitlines() == ["t", "Mini plan"]


def test_queries_are_refused_without_the_kernel_filter(project):
    """Fail closed: where the seccomp filter cannot be installed (here: an architecture it has no table for), no
    query runs at all, and the error says why."""
    script = ("import platform, sys; platform.machine = lambda: 'sparc'; from essgraph.cli import main; "
              "sys.exit(main(sys.argv[1:]))")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESSGRAPH_")}
    done = subprocess.run([sys.executable, "-c", script, "query", "ASK {}"], cwd=project, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 3, done.stderr
    assert "queries are refused: the kernel filter that keeps them off the network could not be installed" \
        in done.stderr and "sparc" in done.stderr


# -- export ---------------------------------------------------------------------------------------------------------

def test_export_takes_the_graph_iris_of_the_project_file(project, tmp_path):
    relative = run_cli("export", "-f", "ntriples", "--graph", "graph/plan/mini-2024", cwd=project)
    absolute = run_cli("export", "-f", "ntriples", "--graph", f"{BASE}graph/plan/mini-2024", cwd=project)
    assert relative.returncode == 0 and relative.stdout == absolute.stdout
    assert len(relative.stdout.splitlines()) == 9


def test_export_of_an_unknown_graph_is_an_error_listing_the_graphs(project):
    done = run_cli("export", "--graph", "graph/plan/nope", cwd=project)
    assert done.returncode == 2 and done.stdout == ""
    assert f"the store has no graph {BASE}graph/plan/nope" in done.stderr
    assert "graph/plan/mini-2024" in done.stderr


def test_an_unwritable_output_is_one_line_and_exit_2(project, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    done = run_cli("export", "--output", str(blocker / "dump.ttl"), cwd=project)
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == \
        f"essgraph export: cannot write {blocker / 'dump.ttl'}: {blocker}: a file is where a folder is needed"
    assert "Traceback" not in done.stderr and blocker.read_text() == "not a folder"


def test_an_unwritable_store_is_one_line_and_exit_2_before_any_work(tmp_path):
    root = copy_project("mini", tmp_path)
    (root / "var").write_text("a file where the store folder goes")
    done = run_cli("build", cwd=root)
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == \
        "essgraph build: cannot write the store folder var/store: a file is where a folder is needed"
    assert "Traceback" not in done.stderr and done.stdout == ""


# -- serve ----------------------------------------------------------------------------------------------------------

def test_serve_on_a_busy_port_says_so_and_exits_3(project):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_cli("serve", "--port", str(port), cwd=project, timeout=60)
    assert done.returncode == 3
    assert f"cannot serve on 127.0.0.1:{port}: the address is already in use" in done.stderr
    assert "serving" not in done.stderr and "Traceback" not in done.stderr
