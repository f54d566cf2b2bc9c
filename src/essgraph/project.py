"""The project file (``essgraph.toml``): which RDF sources are published, in which named graphs.

A project is a list of *datasets*. A dataset is the unit that is validated and rebuilt together: the ontology,
the reference data, or one plan. Each dataset has one or more named graphs, each filled from files (globs,
relative to the project file). Graph IRIs may be relative: they are resolved against the deployment's base IRI.

Example::

    [project]
    title = "Saint-Maur, Ville d'initiatives solidaires"
    shapes = ["shapes/*.ttl"]

    [project.publisher]                 # who operates the deployment: the publisher of the DCAT-AP catalog
    name = "Ville de Saint-Maur-des-Fossés"
    iri = "id/organisation/ville-de-saint-maur-des-fosses"
    type = "LocalAuthority"             # ADMS publisher type (code or IRI)
    homepage = "https://www.saint-maur.com/"
    email = "opendata@example.org"      # optional: the e-mail of the catalog's contact point

    [[dataset]]
    id = "saint-maur-des-fosses-2021"
    kind = "plan"
    [[dataset.graph]]
    iri = "graph/plan/saint-maur-des-fosses-2021"
    files = ["data/plans/saint-maur-des-fosses-2021/*.ttl"]

A plan dataset may also list its own ``files``: workbooks or data packages of the plan template (converted by the
build, see :mod:`essgraph.intake`) and RDF files (graph ``graph/plan/{id}``)::

    [[dataset]]
    id = "my-city-2024"
    kind = "plan"
    files = ["plans/my-city-2024.xlsx"]
"""

from __future__ import annotations

import glob
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urljoin

from essgraph import urls
from essgraph.errors import ConfigError
from essgraph.intake.read import is_workbook
from essgraph.rdf.parse import format_for

DATASET_KINDS = ("vocabulary", "reference", "plan")
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


@dataclass(frozen=True)
class GraphSource:
    """One named graph and the files that fill it (triples go to ``iri``; quad files keep their own graphs)."""

    iri: str
    files: tuple[Path, ...]


@dataclass(frozen=True)
class Dataset:
    id: str
    kind: str
    graphs: tuple[GraphSource, ...]
    title: str = ""
    #: workbooks or data packages the build converts into this (plan) dataset's graphs (essgraph.intake)
    workbooks: tuple[Path, ...] = ()

    @property
    def files(self) -> tuple[Path, ...]:
        return tuple(f for g in self.graphs for f in g.files) + self.workbooks


ADMS_PUBLISHER_TYPES = "http://purl.org/adms/publishertype/"
PUBLISHER_KEYS = ("name", "iri", "type", "homepage", "email")


@dataclass(frozen=True)
class Publisher:
    """The deployment's operator: publisher of the catalog, of the whole-graph dataset and of the SPARQL service
    (each plan dataset is published by its own collectivité)."""

    name: str
    iri: str  # relative to the base IRI, or absolute
    type: str = ""  # an ADMS publisher-type IRI
    homepage: str = ""
    email: str = ""  # the e-mail address of the catalog's contact point (vcard:hasEmail), if the operator gives one


@dataclass(frozen=True)
class Project:
    root: Path
    config_file: Path | None
    title: str
    shapes: tuple[Path, ...]
    integrity_queries: tuple[Path, ...]
    datasets: tuple[Dataset, ...] = field(default_factory=tuple)
    publisher: Publisher | None = None

    def resolve(self, iri: str, base_iri: str) -> str:
        """Resolve a graph IRI of the project file against the deployment's base IRI."""
        return urljoin(base_iri, iri)

    def with_extra_files(self, files: list[Path]) -> "Project":
        """A copy with each extra file published as its own plan dataset (graph ``graph/file/{stem}``)."""
        extra = []
        taken = {d.id for d in self.datasets}
        for path in files:
            path = path.resolve()
            if not path.is_file():
                raise ConfigError(f"{path}: no such file", hint="pass existing RDF files or workbooks to publish")
            workbook = is_workbook(path)
            if not workbook:
                format_for(path)  # refuses unknown extensions early, with the list of known ones
            ds_id = _slug(path.parent.name if path.name == "datapackage.json" else path.stem)
            while ds_id in taken:
                ds_id += "-1"
            taken.add(ds_id)
            if workbook:  # converted by the build (essgraph.intake): plan id = dataset id unless the plan says one
                extra.append(Dataset(ds_id, "plan", (), title=path.name, workbooks=(path,)))
            else:
                extra.append(Dataset(ds_id, "plan", (GraphSource(urls.FILE_GRAPH + ds_id, (path,)),), title=path.name))
        return replace(self, datasets=self.datasets + tuple(extra))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-") or "file"


def _expand(root: Path, patterns: list[str], where: str, required: bool = True) -> tuple[Path, ...]:
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        raise ConfigError(f"{where}: 'files' must be a list of glob patterns (strings)")
    found: list[Path] = []
    for pattern in patterns:
        matches = sorted(Path(p) for p in glob.glob(str(root / pattern), recursive=True))
        matches = [m for m in matches if m.is_file()]
        if not matches and required:
            raise ConfigError(
                f"{where}: pattern {pattern!r} matches no file under {root}", hint="fix the pattern or remove it"
            )
        found.extend(m.resolve() for m in matches)
    return tuple(dict.fromkeys(found))  # de-duplicated, order kept


def _publisher(meta: dict, where: str) -> Publisher | None:
    raw = meta.get("publisher")
    if raw is None:
        return None
    where = f"{where} [project.publisher]"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: must be a table ({', '.join(PUBLISHER_KEYS)})")
    unknown = set(raw) - set(PUBLISHER_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {sorted(unknown)}", hint="known keys: " + ", ".join(PUBLISHER_KEYS))
    values = {k: raw.get(k, "") for k in PUBLISHER_KEYS}
    if not all(isinstance(v, str) for v in values.values()):
        raise ConfigError(f"{where}: {', '.join(PUBLISHER_KEYS)} are strings")
    for key, what in (
        ("name", "the operator's name, as the catalog shows it"),
        ("iri", "its IRI, relative to the base IRI (id/organisation/...) or absolute"),
    ):
        if not values[key].strip():
            raise ConfigError(f"{where}: '{key}' is required ({what})")
    kind = values["type"]
    if kind and ":" not in kind:
        kind = ADMS_PUBLISHER_TYPES + kind
    email = values["email"].strip().removeprefix("mailto:")
    if email and not re.fullmatch(r"[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+", email):
        raise ConfigError(
            f"{where}: email {email!r} is not an e-mail address", hint='e.g. email = "opendata@example.org"'
        )
    return Publisher(values["name"].strip(), values["iri"].strip(), kind, values["homepage"].strip(), email)


def _dataset_files(root: Path, entry: dict, ds_id: str, kind: str, where: str):
    """A dataset's own ``files``: workbooks (converted by the build) and RDF files (graph ``graph/plan/{id}``)."""
    if "files" not in entry:
        return (), ()
    files = _expand(root, entry["files"], f"{where} files")
    workbooks = tuple(f for f in files if is_workbook(f))
    rdf = tuple(f for f in files if not is_workbook(f))
    for f in rdf:
        format_for(f)
    if workbooks and kind != "plan":
        raise ConfigError(f"{where}: workbooks hold plans: this dataset's kind must be 'plan', not {kind!r}")
    return workbooks, rdf


def load_project(config_file: Path) -> Project:
    """Read and check ``essgraph.toml``; every error names the file and the entry at fault."""
    config_file = config_file.resolve()
    try:
        raw = tomllib.loads(config_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"{config_file}: project file not found", hint="run essgraph from the project folder or pass --config"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{config_file}: not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{config_file}: not UTF-8 text") from None
    root = config_file.parent
    meta = raw.get("project", {})
    if not isinstance(meta, dict):
        raise ConfigError(f"{config_file}: [project] must be a table")
    unknown = set(raw) - {"project", "dataset"}
    if unknown:
        raise ConfigError(
            f"{config_file}: unknown section(s) {sorted(unknown)}", hint="known sections: [project] and [[dataset]]"
        )
    shapes = _expand(root, meta.get("shapes", []), f"{config_file} [project] shapes")
    integrity = _expand(root, meta.get("integrity", []), f"{config_file} [project] integrity")
    datasets = []
    seen: set[str] = set()
    for i, entry in enumerate(raw.get("dataset", [])):
        where = f"{config_file} [[dataset]] #{i + 1}"
        ds_id = entry.get("id")
        if not isinstance(ds_id, str) or not _ID.match(ds_id):
            raise ConfigError(f"{where}: 'id' must be a lowercase identifier like 'my-city-2024', got {ds_id!r}")
        where = f"{config_file} dataset {ds_id!r}"
        if ds_id in seen:
            raise ConfigError(f"{where}: duplicate dataset id")
        seen.add(ds_id)
        kind = entry.get("kind", "plan")
        if kind not in DATASET_KINDS:
            raise ConfigError(f"{where}: kind must be one of {', '.join(DATASET_KINDS)}, got {kind!r}")
        graphs = []
        for j, g in enumerate(entry.get("graph", [])):
            iri = g.get("iri")
            if not isinstance(iri, str) or not iri:
                raise ConfigError(f"{where} graph #{j + 1}: 'iri' is required (relative to the base IRI or absolute)")
            files = _expand(root, g.get("files", []), f"{where} graph {iri!r}")
            for f in files:
                format_for(f)
            graphs.append(GraphSource(iri, files))
        workbooks, rdf = _dataset_files(root, entry, ds_id, kind, where)
        if rdf:
            graphs.insert(0, GraphSource(f"graph/plan/{ds_id}", rdf))
        if not graphs and not workbooks:
            raise ConfigError(
                f"{where}: needs at least one [[dataset.graph]] with files, or its own 'files' "
                "(a plan's workbooks or RDF files)"
            )
        datasets.append(Dataset(ds_id, kind, tuple(graphs), title=str(entry.get("title", "")), workbooks=workbooks))
    return Project(
        root,
        config_file,
        str(meta.get("title", "")),
        shapes,
        integrity,
        tuple(datasets),
        _publisher(meta, str(config_file)),
    )
