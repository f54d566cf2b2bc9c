"""The projects the tests publish, each built once per test session and shared by every test that only reads it.

Projects (``PROJECTS``): the repository's own (``real``), and the fixture projects of tests/fixtures: ``pages``
(two small plans for the Linked Data pages), ``sparql`` (the endpoint's, with 1,000 bulk triples written at build
time so that a three-way cross product never ends), ``catalog`` (a Saint-Maur excerpt with the repository's
data/catalog/ metadata), ``second-plan`` (the real project plus a fictional second plan), ``three-plans`` (the
real project plus two fictional plans) and ``operator`` (a copy of the real project whose operator gives a contact
e-mail, for the harvesters' tests).

Each build's base IRI names a port reserved for the whole session (``processes.reserve_port``), so the same
build can be served in-process (``Built.serve``: no socket) and, when a test needs a real process (the browser,
signals), by ``essgraph serve`` on that very port (``Built.real_server``), where every link of its pages works.
Tests that change a project copy it (``copy_project``) and build their copy themselves.

One session, several test processes (pytest-xdist): the first process (``start_session``, from conftest) reserves
the ports and makes the builds folder, and the test processes it starts find both in their environment; the first
of them to need a project builds it, under a lock, and the others wait for it and use the same build.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Callable

import pyoxigraph as ox

from essgraph.app import create_app
from essgraph.build.builds import Build, StoreDir
from essgraph.build.pipeline import Builder, BuildReport
from essgraph.project import load_project
from essgraph.rdf.namespaces import ESS
from essgraph.settings import Settings
from essgraph.web.published import Published, open_published
from support.asgi import InProcess
from support.processes import Server, reserve_port

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
FIXTURES = TESTS / "fixtures"


def repository_project_head(title: str, extra: str = "") -> str:
    """The beginning of a project file that validates and builds with this repository's shapes, integrity queries,
    vocabulary and reference data (absolute paths), ``extra`` TOML (e.g. ``[project.publisher]``) after
    ``[project]``; a test appends its own plan datasets."""
    return f"""[project]
title = "{title}"
shapes = ["{ROOT}/shapes/*.ttl"]
integrity = ["{ROOT}/shapes/integrity/*.rq"]
{extra}
[[dataset]]
id = "ontology"
kind = "vocabulary"
[[dataset.graph]]
iri = "graph/ontology"
files = ["{ROOT}/ontology/*.ttl", "{ROOT}/ontology/schemes/*.ttl"]

[[dataset]]
id = "reference"
kind = "reference"
[[dataset.graph]]
iri = "graph/reference"
files = ["{ROOT}/data/reference/*.ttl"]
"""


def copy_project(name: str, dest: Path) -> Path:
    """Copy fixture project ``name`` (a folder of tests/fixtures) to ``dest``; returns its folder."""
    target = dest / name
    shutil.copytree(FIXTURES / name, target)
    return target


def build(project_file: Path, base: str, store: Path) -> BuildReport:
    """Build a project as ``essgraph build`` does (validation included) into ``store``."""
    return Builder(load_project(project_file), base, store).run(write=True)


def sparql_project(dest: Path) -> Path:
    """A copy of the SPARQL fixture project with ``data/bulk-1.ttl`` (1,000 triples): with it,
    ``SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }`` has 10^9 solutions, far more than any time limit allows."""
    project = copy_project("sparql", dest)
    lines = [f"@prefix ess: <{ESS}> ."] + [f"<id/bulk/{i}> ess:value {i} ." for i in range(1000)]
    (project / "data" / "bulk-1.ttl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return project


def catalog_project(dest: Path, with_catalog: bool = True) -> Path:
    """A copy of the catalog fixture project, with this repository's catalog metadata (data/catalog/)."""
    project = dest / "project"
    shutil.copytree(FIXTURES / "catalog", project)
    if with_catalog:
        shutil.copytree(ROOT / "data" / "catalog", project / "data" / "catalog")
    return project


SECOND = ROOT / "tests" / "fixtures" / "second-plan"
OPERATOR = """
[project.publisher]
name = "Réseau d'essai des plans ESS (opérateur fictif de test)"
iri = "id/organisation/reseau-d-essai"
type = "NonProfitOrganisation"
homepage = "https://example.org/reseau-d-essai"
"""
THIRD_PLAN = """
[[dataset]]
id = "val-d-essai-2025"
kind = "plan"
[[dataset.graph]]
iri = "graph/plan/val-d-essai-2025"
files = ["third/plan.ttl", "third/classification.ttl"]
"""
PLANS = """
[[dataset]]
id = "valmont-sur-essai-2024"
kind = "plan"
[[dataset.graph]]
iri = "graph/plan/valmont-sur-essai-2024"
files = ["valmont/plan.ttl", "valmont/classification.ttl"]

""" + THIRD_PLAN + """
[[dataset]]
id = "test-reference"
kind = "reference"
[[dataset.graph]]
iri = "graph/reference/test"
files = ["valmont/reference.ttl", "third/reference.ttl"]
"""


def town_plan(folder: Path, slug: str = "val-d-essai", year: str = "2025", town: str = "Val-d'Essai") -> None:
    """Another fictional plan: the Valmont plan made another town's (every IRI and name of the town changed);
    its plan, classification and reference files in ``folder``."""
    folder.mkdir()
    for name in ("plan.ttl", "classification.ttl", "reference.ttl"):
        text = (SECOND / name).read_text(encoding="utf-8")
        text = text.replace("valmont-sur-essai-2024", f"{slug}-{year}").replace("valmont-sur-essai", slug)
        text = text.replace("valmont", slug)
        text = text.replace("Valmont-sur-Essai", town).replace("Valmont", town)
        (folder / name).write_text(text, encoding="utf-8")


def three_plan_project(tmp: Path) -> Path:
    """The catalog fixture's Saint-Maur excerpt, the Valmont plan and a third town's (:func:`town_plan`), published
    by an operator (``OPERATOR``); returns the project file."""
    project = catalog_project(tmp)
    shutil.copytree(SECOND, project / "valmont")
    town_plan(project / "third")
    config = project / "essgraph.toml"
    text = config.read_text(encoding="utf-8")
    head, rest = text.split("[project.publisher]", 1)
    rest = rest.split("\n\n", 1)[1]  # drop the fixture's own publisher table
    config.write_text(head + OPERATOR.strip() + "\n\n" + rest + PLANS, encoding="utf-8")
    return config


def operator_project(dest: Path) -> Path:
    """A copy of the repository's project whose [project.publisher] gives a contact e-mail (a reserved example
    domain: the real project has no verified address to publish)."""
    project = dest / "operator"
    project.mkdir()
    for name in ("data", "ontology", "shapes", "queries"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    text = (ROOT / "essgraph.toml").read_text(encoding="utf-8")
    marker = 'homepage = "https://www.saint-maur.com/"'
    assert marker in text
    (project / "essgraph.toml").write_text(
        text.replace(marker, marker + '\nemail = "' + OPERATOR_EMAIL + '"', 1), encoding="utf-8"
    )
    return project


OPERATOR_EMAIL = "opendata@example.org"


def current_state(project: Path) -> tuple[str, str]:
    """The build a project folder serves: where ``current`` points and its data version."""
    store = StoreDir(project / "var" / "store")
    build = store.current()
    assert build is not None
    return os.readlink(store.current_link), build.manifest["data_version"]


def no_partial_left(project: Path) -> bool:
    """No build in progress was left behind in a project folder's store."""
    return not list((project / "var" / "store" / "builds").glob(".partial-*"))


# name -> (make the project folder in a scratch folder, or use it in place) -> the project file
PROJECTS: dict[str, Callable[[Path], Path]] = {
    "real": lambda _dest: ROOT / "essgraph.toml",
    "pages": lambda _dest: FIXTURES / "pages" / "essgraph.toml",
    "second-plan": lambda _dest: FIXTURES / "second-plan" / "essgraph.toml",
    "three-plans": lambda _dest: FIXTURES / "three-plans" / "essgraph.toml",
    "sparql": lambda dest: sparql_project(dest) / "essgraph.toml",
    "catalog": lambda dest: catalog_project(dest) / "essgraph.toml",
    "operator": lambda dest: operator_project(dest) / "essgraph.toml",
}


@dataclass
class Built:
    """One project built for ``base`` into ``store``; what serves it is made on demand and closed by ``close()``."""

    name: str
    config: Path
    store: Path
    base: str
    port: int
    workdir: Path
    _published: Published | None = None
    _served: dict = field(default_factory=dict)
    _server: Server | None = None
    _serving: IO | None = None

    def settings(self, **overrides) -> Settings:
        return Settings(config=self.config, store=self.store, base_iri=self.base, port=self.port,
                        log_level="warning", **overrides)

    @property
    def current(self) -> Build:
        return StoreDir(self.store).require_current()

    @property
    def published(self) -> Published:
        """The build as the server publishes it (in memory), shared by every in-process app of this build."""
        if self._published is None:
            self._published = open_published(self.settings())
        return self._published

    @property
    def memory(self) -> ox.Store:
        return self.published.store

    def subjects_under(self, prefixes: tuple[str, ...]) -> list[str]:
        """Every subject IRI of the build that starts with one of ``prefixes``."""
        found = {q.subject.value for q in self.memory.quads_for_pattern(None, None, None, None)
                 if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(prefixes)}
        return sorted(found)

    def serve(self, **settings) -> InProcess:
        """The app with these settings, served in-process (its lifespan run); one per set of settings."""
        key = tuple(sorted(settings.items()))
        if key not in self._served:
            app = create_app(self.settings(**settings), self.published)
            self._served[key] = InProcess(app, self.base)
        return self._served[key]

    def real_server(self) -> Server:
        """``essgraph serve`` on the port the base IRI names: every link it sends works from a browser. One per build
        and test process, kept until the session ends. The port is the session's, shared by the parallel test
        processes (pytest-xdist), which is why the modules serving one project run in one process (``SERVED_TOGETHER``
        in tests/conftest.py); a lock file beside the build guards it (released by ``close()`` or by the holder's
        death): a process that finds the port held waits, then fails naming the remedy."""
        if self._server is None:
            self._serving = open(self.workdir.parent / f"{self.name}.serve.lock", "w")
            deadline = time.monotonic() + SERVE_WAIT_S
            while True:
                try:
                    fcntl.flock(self._serving, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"another test process has served {self.name!r} on port {self.port} "
                                           f"for {SERVE_WAIT_S} s: list the test modules that serve it in "
                                           "SERVED_TOGETHER (tests/conftest.py)")
                    time.sleep(0.5)
            self._server = self.process(port=self.port)
        return self._server

    def process(self, port: int | None = None, python_args: tuple[str, ...] = ("-m", "essgraph"),
                **settings) -> Server:
        """Another ``essgraph serve`` of this build with these settings (the caller closes it); on a free port
        unless ``port`` is given, with the build's base IRI; ``python_args`` as for :class:`Server`."""
        env = {"ESSGRAPH_CONFIG": str(self.config), "ESSGRAPH_STORE": str(self.store),
               "ESSGRAPH_BASE_IRI": self.base, "ESSGRAPH_LOG_LEVEL": "warning"}
        env.update({f"ESSGRAPH_{k.upper()}": str(v) for k, v in settings.items()})
        return Server(self.workdir, env=env, port=port, python_args=python_args)

    def close(self) -> None:
        for served in self._served.values():
            served.close()
        self._served.clear()
        if self._server is not None:
            self._server.close()
            self._server = None
        if self._serving is not None:
            self._serving.close()   # releases the port for the other test processes
            self._serving = None


SERVE_WAIT_S = 60   # how long a test process waits for another to let go of a project's real server
SAME_BASE = {"second-plan": "real"}   # compared with the real project IRI for IRI (never served by a real server)
PORTS_VAR = "PYTEST_ESSGRAPH_PORTS"     # {project: port} of this test session
BUILDS_VAR = "PYTEST_ESSGRAPH_BUILDS"   # the folder of this test session's builds


def start_session() -> None:
    """In the first test process: a port reserved for each project, an empty builds folder, both put in the
    environment that the test processes it starts (pytest-xdist) inherit."""
    ports = {name: reserve_port() for name in PROJECTS if name not in SAME_BASE}
    os.environ[PORTS_VAR] = json.dumps(ports)
    os.environ[BUILDS_VAR] = tempfile.mkdtemp(prefix="essgraph-test-builds-")


def end_session() -> None:
    shutil.rmtree(os.environ.pop(BUILDS_VAR), ignore_errors=True)


def port_of(name: str) -> int:
    return json.loads(os.environ[PORTS_VAR])[SAME_BASE.get(name, name)]


def base_of(name: str) -> str:
    """The base IRI of project ``name``'s session build: http://127.0.0.1:{a port reserved for this session}/.
    Known before the build, so test modules may spell expected IRIs with it."""
    return f"http://127.0.0.1:{port_of(name)}/"


class Builds:
    """The session's builds, one per project, made on first use (``builds["real"]``) by whichever test process
    needs it first; what this process serves from them is closed by ``close()``."""

    def __init__(self, scratch: Path):
        self.scratch = scratch
        self._built: dict[str, Built] = {}

    def __getitem__(self, name: str) -> Built:
        if name not in self._built:
            workdir = self.scratch / name
            done = self.scratch / f"{name}.json"
            with open(self.scratch / f"{name}.lock", "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)   # released when the file closes, or when its process dies
                if not done.exists():
                    shutil.rmtree(workdir, ignore_errors=True)   # what a test process killed mid-build left
                    workdir.mkdir()
                    config = PROJECTS[name](workdir)
                    build(config, base_of(name), workdir / "store")
                    done.write_text(json.dumps({"config": str(config)}), encoding="utf-8")
            config = Path(json.loads(done.read_text(encoding="utf-8"))["config"])
            self._built[name] = Built(name, config, workdir / "store", base_of(name), port_of(name), workdir)
        return self._built[name]

    def close(self) -> None:
        for built in self._built.values():
            built.close()
