"""The real clients the tests of tests/clients/ drive, installed from the project's own files on first use.

* **Python harvesters** — udata (data.gouv.fr) and ckanext-dcat with CKAN — in a virtual environment of their own
  made from the ``harvesters`` extra of pyproject.toml (only its requirements: essgraph itself is not installed
  there). They pin Flask, SQLAlchemy, MongoEngine... and register pytest plugins; kept apart, the main environment
  stays what a user installs. The tests run them as scripts (tests/clients/harvesters/*.py) that print JSON.
* **npm packages** — Comunica and its link-traversal engine — from tests/clients/node/package.json and its
  lockfile (``npm ci``); tests/clients/node/node_modules links to them.

Both are heavy to make (measured here with warm pip and npm caches: about 1 m 30 s and 565 MB for the harvesters,
50 s and 200 MB for npm), so they are kept in a cache outside the clone, ``$ESSGRAPH_CLIENTS_CACHE`` (default
``~/.cache/essgraph-clients``), in a folder named by the hash of what they are made from
(``harvesters-<hash>``, ``npm-<hash>``): a fresh clone, another worktree or the next CI run reuse them in well
under a second, and a changed requirement list or lockfile makes a new one. A folder is made under a lock and
marked complete last, so parallel test processes never use half of one.

``.ci/run`` installs both before the tests (``python tests/support/clients.py``); a test that needs one installs it
when missing. When ``npm`` or ``node`` is missing, the JavaScript tests are skipped with the reason
(``apt-get install nodejs npm``).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tomllib
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NODE_DIR = ROOT / "tests" / "clients" / "node"
NPM_FILES = ("package.json", "package-lock.json")
COMPLETE = ".essgraph-complete"


def cache_dir() -> Path:
    """Where the client environments are kept, shared by every clone of the repository on this machine."""
    configured = os.environ.get("ESSGRAPH_CLIENTS_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "essgraph-clients"


def harvester_requirements() -> list[str]:
    """The ``harvesters`` extra of pyproject.toml: the one list of what the harvester environment holds."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return list(project["project"]["optional-dependencies"]["harvesters"])


@contextmanager
def _locked(name: str):
    """An exclusive lock shared by every process using the cache (one installation at a time)."""
    cache_dir().mkdir(parents=True, exist_ok=True)
    with open(cache_dir() / f".{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _made(folder: Path, make) -> Path:
    """``folder``, made first by ``make(folder)`` unless a previous run completed it (its :data:`COMPLETE` marker,
    written last: an interrupted installation is started again from scratch)."""
    if not (folder / COMPLETE).is_file():
        shutil.rmtree(folder, ignore_errors=True)
        make(folder)
        (folder / COMPLETE).write_text("")
    return folder


def _run(*command: str | Path, cwd: Path = ROOT) -> None:
    done = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def harvesters_python() -> Path:
    """The Python of the harvester environment, made first when its requirements have none yet."""
    requirements = harvester_requirements()

    def make(folder: Path) -> None:
        _run(sys.executable, "-m", "venv", folder)
        listing = folder / "requirements.txt"
        listing.write_text("\n".join(requirements) + "\n", encoding="utf-8")
        _run(folder / "bin" / "python", "-m", "pip", "install", "-q", "-r", listing)

    with _locked("harvesters"):
        venv = _made(cache_dir() / f"harvesters-{_digest(json.dumps(requirements))}", make)
    return venv / "bin" / "python"


def node_missing() -> str | None:
    """Why the JavaScript clients cannot run here, or None."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    return f"{' and '.join(missing)} not installed (apt-get install nodejs npm)" if missing else None


def node_modules() -> Path:
    """tests/clients/node/node_modules: a link to the packages of its lockfile, installed first (``npm ci``)."""
    files = {name: (NODE_DIR / name).read_text(encoding="utf-8") for name in NPM_FILES}

    def make(folder: Path) -> None:
        folder.mkdir(parents=True)
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        _run("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error", cwd=folder)

    with _locked("npm"):
        installed = _made(cache_dir() / f"npm-{_digest(json.dumps(files))}", make) / "node_modules"
        link = NODE_DIR / "node_modules"
        if not (link.is_symlink() and link.resolve() == installed.resolve()):
            if link.is_symlink() or link.is_file():
                link.unlink()
            elif link.is_dir():
                shutil.rmtree(link)  # a folder npm made here itself
            link.symlink_to(installed, target_is_directory=True)
    return link


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
