"""axe-core, the accessibility rules engine (npm package ``axe-core``), run inside pages opened in Chromium.

Its ``axe.min.js`` comes from ``tests/browser/node_modules`` (``npm ci --prefix tests/browser``, which .ci/run
does; :func:`axe_source` runs it when the package is missing) and is injected into the page through the DevTools
protocol — nothing is fetched by the page itself. :func:`violations` runs every rule axe-core runs by default
(WCAG 2.0, 2.1 and 2.2 A and AA, and its best practices) and returns what it reports, one line per failing element.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

BROWSER_TESTS = Path(__file__).resolve().parents[1] / "browser"
AXE = BROWSER_TESTS / "node_modules" / "axe-core" / "axe.min.js"


def axe_source() -> str:
    """The text of axe.min.js, installing the npm package first when it is missing."""
    if not AXE.is_file():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is missing: install Debian's npm (apt-get install npm), then run "
                        "npm ci --prefix tests/browser (or .ci/run)")
        done = subprocess.run([npm, "ci", "--prefix", str(BROWSER_TESTS), "--no-audit", "--no-fund"],
                              capture_output=True, text=True, timeout=300)
        if done.returncode != 0 or not AXE.is_file():
            pytest.fail(f"npm ci --prefix tests/browser failed: {done.stderr[-2000:]}")
    return AXE.read_text(encoding="utf-8")


def violations(page, source: str) -> list[str]:
    """What axe-core reports on the page as it is now: 'rule (impact): element — message', one per element."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(source + "\n;true")
    found = page.evaluate("""axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => [n.target.join(" "), n.failureSummary])})))""")
    return [f"{v['id']} ({v['impact']}): {target} — {v['help']}: {summary}"
            for v in found for target, summary in v["nodes"]]


def report(found: list[str]) -> str:
    return json.dumps(found, ensure_ascii=False, indent=1)
