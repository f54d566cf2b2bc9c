"""The project file and the settings: clear errors, documented settings, precedence."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from essgraph.errors import ConfigError
from essgraph.project import load_project
from essgraph.settings import Settings, describe_settings

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "essgraph.toml"
    path.write_text(text)
    return path


def test_mini_project_is_read(mini: Path):
    project = load_project(mini / "essgraph.toml")
    assert [d.id for d in project.datasets] == ["mini-2024"]
    assert project.datasets[0].graphs[0].iri == "graph/plan/mini-2024"
    assert project.datasets[0].files == ((mini / "data" / "plan.ttl").resolve(),)
    assert project.resolve("graph/plan/mini-2024", "https://x.org/") == "https://x.org/graph/plan/mini-2024"


@pytest.mark.parametrize("text,expected", [
    ("[project\n", "not valid TOML"),
    ("[unknown]\n", "unknown section(s) ['unknown']"),
    ('[[dataset]]\nid = "Bad Id"\n', "'id' must be a lowercase identifier"),
    ('[[dataset]]\nid = "a"\nkind = "other"\n', "kind must be one of vocabulary, reference, plan"),
    ('[[dataset]]\nid = "a"\n', "needs at least one [[dataset.graph]]"),
    ('[[dataset]]\nid = "a"\n[[dataset.graph]]\nfiles = ["x.ttl"]\n', "'iri' is required"),
    ('[[dataset]]\nid = "a"\n[[dataset.graph]]\niri = "g"\nfiles = ["nothing/*.ttl"]\n',
     "pattern 'nothing/*.ttl' matches no file"),
    ('[[dataset]]\nid = "a"\n[[dataset.graph]]\niri = "g"\nfiles = "x.ttl"\n', "must be a list of glob patterns"),
    ('[[dataset]]\nid = "a"\n[[dataset.graph]]\niri = "g"\nfiles = ["*.toml"]\n', "unknown RDF file extension"),
    ('[[dataset]]\nid = "a"\n[[dataset.graph]]\niri = "g"\nfiles = ["essgraph.toml"]\n'
     '[[dataset]]\nid = "a"\n[[dataset.graph]]\niri = "g"\nfiles = ["essgraph.toml"]\n', "unknown RDF file"),
])
def test_project_file_errors_name_the_problem(tmp_path: Path, text: str, expected: str):
    with pytest.raises(ConfigError) as info:
        load_project(write(tmp_path, text))
    assert expected in str(info.value)
    assert str(tmp_path) in str(info.value)  # the message names the file


def test_duplicate_dataset_id(tmp_path: Path):
    (tmp_path / "a.ttl").write_text("")
    text = '[[dataset]]\nid = "a"\n[[dataset.graph]]\niri = "g"\nfiles = ["a.ttl"]\n' * 2
    with pytest.raises(ConfigError, match="duplicate dataset id"):
        load_project(write(tmp_path, text))


def test_real_project_file_lists_the_plan():
    project = load_project(ROOT / "essgraph.toml")
    kinds = {d.id: d.kind for d in project.datasets}
    assert kinds["saint-maur-des-fosses-2021"] == "plan"
    assert kinds["ontology"] == "vocabulary" and kinds["reference"] == "reference"


def test_settings_precedence(monkeypatch):
    monkeypatch.setenv("ESSGRAPH_PORT", "9000")
    monkeypatch.setenv("ESSGRAPH_BASE_IRI", "https://data.example.org")
    assert Settings().port == 9000
    assert Settings().base_iri == "https://data.example.org/"   # a trailing slash is added
    assert Settings(port=9100).port == 9100                      # a flag beats the environment


@pytest.mark.parametrize("field,value", [("base_iri", "ftp://x/"), ("base_iri", "http://x/?q=1"), ("port", 0),
                                         ("log_level", "loud"), ("query_timeout_s", 0)])
def test_bad_settings_are_refused(field, value):
    with pytest.raises(ValidationError):
        Settings(**{field: value})


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, env, _default, help_text in describe_settings():
        assert help_text, f"setting {name} has no description"
        assert f"`{env}`" in readme, f"README.md does not document {env}"
