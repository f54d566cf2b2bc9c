"""The real clients the tests of tests/clients/ drive, installed from the project's own files on first use.

* **Python harvesters** — udata (data.gouv.fr) and ckanext-dcat with CKAN — in a virtual environment of their own,
  ``.venv-harvesters`` at the repository's root, from the ``harvesters`` extra of pyproject.toml (only its
  requirements: essgraph itself is not installed there). They pin Flask, SQLAlchemy, MongoEngine... and register
  pytest plugins; kept apart, the main environment stays what a user installs. Measured here: 1 m 28 s and 565 MB
  the first time, a few seconds when up to date. The tests run them as scripts (tests/clients/harvesters/*.py)
  that print JSON.
* **npm packages** — Comunica and its link-traversal engine — from tests/clients/node/package.json and its
  lockfile (``npm ci``, about 40 s and 200 MB with a warm npm cache), into tests/clients/node/node_modules.

``.ci/run`` installs both before the tests (``python tests/support/clients.py``); a test that needs one installs
it when missing (a lock file keeps parallel test processes from installing it twice). A stamp (the hash of what was
installed) makes a changed requirement list or lockfile reinstall. When ``npm`` or ``node`` is missing, the
JavaScript tests are skipped with the reason (``apt-get install nodejs npm``).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
import subprocess
import sys
import tomllib
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HARVESTERS_VENV = ROOT / ".venv-harvesters"
NODE_DIR = ROOT / "tests" / "clients" / "node"
STAMP = ".essgraph-installed"


def harvester_requirements() -> list[str]:
    """The ``harvesters`` extra of pyproject.toml: the one list of what the harvester environment holds."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return list(project["project"]["optional-dependencies"]["harvesters"])


@contextmanager
def _locked(name: str):
    """An exclusive lock shared by every test process of this repository (one installation at a time)."""
    path = ROOT / f".{name}.lock"
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _run(*command: str | Path, cwd: Path = ROOT) -> None:
    done = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def harvesters_python() -> Path:
    """The Python of the harvester environment, made or updated first when its requirements changed."""
    requirements = harvester_requirements()
    wanted = _digest(json.dumps(requirements))
    python = HARVESTERS_VENV / "bin" / "python"
    stamp = HARVESTERS_VENV / STAMP
    with _locked("venv-harvesters"):
        if not (python.exists() and stamp.exists() and stamp.read_text() == wanted):
            _run(sys.executable, "-m", "venv", HARVESTERS_VENV)
            listing = HARVESTERS_VENV / "requirements.txt"
            listing.write_text("\n".join(requirements) + "\n", encoding="utf-8")
            _run(python, "-m", "pip", "install", "-q", "-r", listing)
            stamp.write_text(wanted)
    return python


def node_missing() -> str | None:
    """Why the JavaScript clients cannot run here, or None."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    return f"{' and '.join(missing)} not installed (apt-get install nodejs npm)" if missing else None


def node_modules() -> Path:
    """tests/clients/node/node_modules, installed (``npm ci``) first when the lockfile changed."""
    wanted = _digest((NODE_DIR / "package-lock.json").read_text(encoding="utf-8"))
    modules = NODE_DIR / "node_modules"
    stamp = modules / STAMP
    with _locked("npm-clients"):
        if not (stamp.exists() and stamp.read_text() == wanted):
            _run("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error", cwd=NODE_DIR)
            stamp.write_text(wanted)
    return modules


def run_node(script: str, *args: str, timeout: float = 300) -> dict:
    """Run tests/clients/node/{script} with ``args``; it prints one JSON object, returned here."""
    node_modules()
    done = subprocess.run(
        ["node", str(NODE_DIR / script), *args], cwd=NODE_DIR, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        raise RuntimeError(f"node {script} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_harvester(script: str, *args: str, timeout: float = 300) -> dict | list:
    """Run tests/clients/harvesters/{script} in the harvester environment; it prints one JSON value."""
    python = harvesters_python()
    done = subprocess.run(
        [str(python), str(ROOT / "tests" / "clients" / "harvesters" / script), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{script} failed ({done.returncode}):\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":  # .ci/run: install both before the tests
    print(f"harvesters: {harvesters_python()}")
    reason = node_missing()
    print(f"npm clients: {node_modules()}" if reason is None else f"npm clients: skipped, {reason}")
