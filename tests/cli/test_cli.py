"""The CLI as a user runs it: documented exit codes, clear messages, every command."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
import rdflib

from support.processes import run_cli
from support.projects import copy_project

BROKEN_TURTLE = """@prefix ess: <https://w3id.org/essgraph/def#> .
@prefix dct: <http://purl.org/dc/terms/> .
<id/plan/mini-2024/action/9> a ess:Action ;
    dct:title "unterminated .
"""

UNTAGGED_TITLE = """@prefix ess: <https://w3id.org/essgraph/def#> .
@prefix dct: <http://purl.org/dc/terms/> .
<id/plan/mini-2024/action/1.3> a ess:Action ; dct:title "no language tag" .
"""


def test_build_prints_summary_and_exits_0(mini: Path):
    result = run_cli("build", cwd=mini)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "http://127.0.0.1:8000/graph/plan/mini-2024" in out
    assert "1 plan(s), 2 action(s)" in out
    assert "1 warning(s)" in out
    assert "action/1.2 path https://w3id.org/essgraph/def#objective: The action has no objective" in out


def test_validate_conforming_exits_0_and_writes_no_store(mini: Path):
    result = run_cli("validate", cwd=mini)
    assert result.returncode == 0, result.stderr
    assert "conforms" in result.stdout
    assert not (mini / "var" / "store" / "current").exists()


def test_validate_violation_exits_1_naming_focus_path_value_message(mini: Path):
    (mini / "data" / "plan.ttl").write_text((mini / "data" / "plan.ttl").read_text() + UNTAGGED_TITLE)
    result = run_cli("validate", cwd=mini)
    assert result.returncode == 1
    line = next(l for l in result.stdout.splitlines() if l.strip().startswith("[mini-2024] Violation"))
    assert "http://127.0.0.1:8000/id/plan/mini-2024/action/1.3" in line        # focus node
    assert "path http://purl.org/dc/terms/title" in line                         # path
    assert 'value "no language tag"' in line                                     # value
    assert "An action needs a title with a language tag" in line                 # message


def test_validate_json_report(mini: Path):
    (mini / "data" / "plan.ttl").write_text((mini / "data" / "plan.ttl").read_text() + UNTAGGED_TITLE)
    result = run_cli("validate", "--format", "json", cwd=mini)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["conforms"] is False and report["violations"] == 1 and report["warnings"] == 2
    violation = next(r for r in report["results"] if r["severity"] == "Violation")
    assert violation["focus"].endswith("/action/1.3") and violation["path"] == "http://purl.org/dc/terms/title"


def test_syntax_error_exits_2_with_file_line_column(mini: Path):
    (mini / "data" / "plan.ttl").write_text(BROKEN_TURTLE)
    for command in ("validate", "build"):
        result = run_cli(command, cwd=mini)
        assert result.returncode == 2, result.stderr
        assert "plan.ttl:4:" in result.stderr and "syntax error" in result.stderr
        assert "Traceback" not in result.stderr


def test_broken_rdfxml_is_refused_with_position(mini: Path, tmp_path: Path):
    bad = tmp_path / "truncated.rdf"
    bad.write_text('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n<rdf:Description>\n')
    result = run_cli("validate", str(bad), cwd=mini)
    assert result.returncode == 2
    assert "truncated.rdf:3:" in result.stderr


def test_missing_project_file_exits_2(tmp_path: Path):
    result = run_cli("build", cwd=tmp_path)
    assert result.returncode == 2
    assert "project file not found" in result.stderr and "hint:" in result.stderr


def test_bad_setting_exits_2(mini: Path):
    result = run_cli("build", "--base-iri", "not a url", cwd=mini)
    assert result.returncode == 2
    assert "base_iri" in result.stderr and "Traceback" not in result.stderr


def test_query_needs_a_store(mini: Path):
    result = run_cli("query", "SELECT * { ?s ?p ?o }", cwd=mini)
    assert result.returncode == 2
    assert "no build yet" in result.stderr


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The mini project built once for the tests that only read it (they write their outputs elsewhere)."""
    project = copy_project("mini", tmp_path_factory.mktemp("cli-built"))
    assert run_cli("build", cwd=project).returncode == 0
    return project


QUERY = ("PREFIX dct: <http://purl.org/dc/terms/> "
         "SELECT ?t { GRAPH <http://127.0.0.1:8000/graph/plan/mini-2024> { ?a dct:title ?t } } ORDER BY ?t")


def test_query_formats(built: Path):
    table = run_cli("query", QUERY, cwd=built)
    assert table.returncode == 0
    assert table.stdout.splitlines()[0].strip() == "t"
    assert "Enquête @fr" in table.stdout and "(3 rows)" in table.stdout
    csv_out = run_cli("query", QUERY, "--format", "csv", cwd=built).stdout
    assert csv_out.splitlines() == ["t", "Enquête", "Mini plan", "Rencontre"]
    tsv_out = run_cli("query", QUERY, "--format", "tsv", cwd=built).stdout
    assert tsv_out.splitlines()[1] == '"Enquête"@fr'
    data = json.loads(run_cli("query", QUERY, "--format", "json", cwd=built).stdout)
    assert [b["t"]["value"] for b in data["results"]["bindings"]] == ["Enquête", "Mini plan", "Rencontre"]


def test_query_from_file_and_named_query(mini: Path):
    assert run_cli("build", cwd=mini).returncode == 0
    (mini / "queries").mkdir()
    (mini / "queries" / "titles.rq").write_text("#+ title: Titles\n" + QUERY)
    by_name = run_cli("query", "titles", "--format", "csv", cwd=mini)
    by_path = run_cli("query", "queries/titles.rq", "--format", "csv", cwd=mini)
    assert by_name.returncode == 0 and by_name.stdout == by_path.stdout
    assert "Rencontre" in by_name.stdout


def test_query_syntax_error_exits_2(built: Path):
    result = run_cli("query", "SELECT ?x WHERE { ?x ?y }", cwd=built)
    assert result.returncode == 2
    assert "SPARQL syntax error" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("fmt,rdflib_format,quads", [
    ("turtle", "turtle", False), ("ntriples", "nt", False), ("nquads", "nquads", True),
    ("trig", "trig", True), ("jsonld", "json-ld", True), ("rdfxml", "xml", False),
])
def test_export_every_format_parses(built: Path, tmp_path: Path, fmt: str, rdflib_format: str, quads: bool):
    out = tmp_path / f"dump.{fmt}"
    result = run_cli("export", "--format", fmt, "--output", str(out), cwd=built)
    assert result.returncode == 0, result.stderr
    graph = rdflib.Dataset() if quads else rdflib.Graph()
    graph.parse(out, format=rdflib_format)
    title = rdflib.URIRef("http://purl.org/dc/terms/title")
    pairs = graph.subject_objects(title) if not quads else ((q[0], q[2]) for q in graph.quads((None, title, None, None)))
    titles = {str(o) for s, o in pairs if str(s).startswith("http://127.0.0.1:8000/id/plan/")}
    assert titles == {"Mini plan", "Enquête", "Rencontre"}
    if quads:
        graphs = {str(q[3]) for q in graph.quads((None, None, None, None))}
        assert "http://127.0.0.1:8000/graph/plan/mini-2024" in graphs


def test_export_gzip(built: Path, tmp_path: Path):
    out = tmp_path / "dump.nt"
    result = run_cli("export", "--format", "ntriples", "--gzip", "--output", str(out),
                     "--graph", "http://127.0.0.1:8000/graph/plan/mini-2024", cwd=built)
    assert result.returncode == 0
    text = gzip.decompress((tmp_path / "dump.nt.gz").read_bytes()).decode()
    assert len(text.strip().splitlines()) == 9


def test_extra_files_in_every_format_are_published(mini: Path):
    extra = mini / "extra"
    extra.mkdir()
    ex = "http://example.org/"
    (extra / "a.ttl").write_text(f'<{ex}a> <{ex}p> "turtle" .')
    (extra / "b.nt").write_text(f'<{ex}b> <{ex}p> "ntriples" .\n')
    (extra / "c.nq").write_text(f'<{ex}c> <{ex}p> "nquads" <{ex}graph/c> .\n')
    (extra / "d.trig").write_text(f'<{ex}graph/d> {{ <{ex}d> <{ex}p> "trig" }}')
    (extra / "e.jsonld").write_text(json.dumps({"@id": f"{ex}e", f"{ex}p": "jsonld"}))
    (extra / "f.rdf").write_text(
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
        '<rdf:Description rdf:about="http://example.org/f"><ex:p>rdfxml</ex:p></rdf:Description></rdf:RDF>')
    files = sorted(str(p) for p in extra.iterdir())
    result = run_cli("build", *files, cwd=mini)
    assert result.returncode == 0, result.stderr
    for graph in ("graph/file/a", "graph/file/b", "graph/file/e", "graph/file/f"):
        assert f"http://127.0.0.1:8000/{graph}" in result.stdout
    assert f"{ex}graph/c" in result.stdout and f"{ex}graph/d" in result.stdout
    rows = run_cli("query", f"SELECT ?v {{ ?s <{ex}p> ?v }} ORDER BY ?v", "--format", "csv", cwd=mini).stdout
    assert rows.split() == ["v", "jsonld", "nquads", "ntriples", "rdfxml", "trig", "turtle"]


def test_unknown_extension_is_refused(mini: Path):
    (mini / "notes.txt").write_text("hello")
    result = run_cli("build", "notes.txt", cwd=mini)
    assert result.returncode == 2
    assert "unknown RDF file extension '.txt'" in result.stderr
