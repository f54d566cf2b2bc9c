"""An index updated incrementally (essgraph.search.incremental) answers every search exactly like an index built
whole from the same data.

A copy of the three-plan project is built once, then rebuilt after each change: (a) Clairval's plan renamed, an
action of it involving another organisation, and an organisation of the reference data (involved in actions of
the other plans) given another name by Clairval's graph, (b) the Valmont plan removed, (c) the Valmont plan added
back; then (d) a reference dataset changed, which rebuilds the index whole. Each
rebuild updates the previous index (the build's log says so); the index built whole is written from the rebuilt
store itself (``write_search_index`` with no previous build), so both describe the very same data. Real builds, a
real store, real SQLite: the answers compared are those the site shows (hits in order with their excerpts, totals,
facet values with their counts and labels, the plans' overview in every order, counts per plan).
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from essgraph.build.builds import StoreDir
from essgraph.search import incremental
from essgraph.search import index as index_module
from essgraph.search.index import index_path, write_search_index
from essgraph.search.overview import PLAN_SORTS
from support.projects import FIXTURES, ROOT, build

BASE = "http://incremental.test/"
LEVER = "https://w3id.org/essgraph/def/lever/"

#: (text, filters, page, size, listed): words, phrases, prefixes, exclusions, facets alone and combined, pages
SEARCHES = [
    ("", {}, 1, 20, None),
    ("", {}, 3, 7, None),
    ("", {}, 1, 20, 3),
    ("jardin", {}, 1, 20, None),
    ("jardins partagés", {}, 1, 5, None),
    ("jardin", {}, 2, 2, None),
    ('"économie sociale"', {}, 1, 10, None),
    ("coop*", {}, 1, 10, None),
    ("économie -jardin", {}, 1, 10, None),
    ("2.9", {}, 1, 10, None),
    ("Clairval", {}, 1, 50, None),
    ("Clairval", {}, 2, 3, 2),
    ("ressourcerie", {}, 1, 10, None),
    ("territoire solidaire", {}, 1, 10, None),
    ("fraternité", {}, 1, 10, None),
    ("Valmont", {}, 1, 10, None),
    ("chambre fictive", {}, 1, 50, None),
    ("coopératives", {"type": ("action",)}, 2, 5, None),
    ("vie locale", {}, 1, 20, None),
    ("réseau", {"type": ("organisation",)}, 1, 10, None),
    ("", {"type": ("action",)}, 2, 10, None),
    ("", {"type": ("plan",)}, 1, 10, None),
    ("", {"type": ("organisation",)}, 1, 100, None),
    ("", {"plan": ("clairval-2025",)}, 1, 50, None),
    ("", {"plan": ("valmont-sur-essai-2024",)}, 1, 50, None),
    ("", {"collectivite": ("ville-de-clairval",)}, 1, 50, None),
    ("", {"org": ("rtes",)}, 1, 50, None),
    ("", {"org": ("ressourcerie-de-clairval", "cress")}, 1, 50, None),
    ("", {"lever": ("commande-publique-responsable",)}, 1, 20, None),
    ("", {"type": ("action",), "status": ("a-venir", "en-cours")}, 1, 20, None),
    ("", {"type": ("action",), "year": ("2025",), "has": ("budget",)}, 1, 20, None),
    ("jardin", {"type": ("action",), "lever": ("animation-territoriale",)}, 1, 20, None),
    ("marché", {"plan": ("clairval-2025", "saint-maur-des-fosses-2021")}, 1, 5, None),
    ("", {"legal": ("JORFTEXT000041553759",)}, 1, 20, None),
    ("", {"lever": ("nope",)}, 1, 20, None),
]


CRESS_LABEL = """
<id/organisation/cress> skos:altLabel "Chambre fictive des coopératives"@fr .
"""


def answers(path: Path) -> dict:
    """Everything the site shows from an index, value ids left out (they name nothing a reader sees)."""
    from essgraph.search.query import SearchIndex

    index = SearchIndex(path)
    found: dict = {"meta": {k: v for k, v in index.meta.items() if k != "merged_values"}}
    for text, filters, page, size, listed in SEARCHES:
        r = index.search(text, filters, page, size, listed)
        found[repr((text, filters, page, size, listed))] = (
            r.total,
            r.pages,
            [(h.iri, h.kind, h.title, h.number, h.plan, h.excerpt) for h in r.hits],
            {f: [(v.facet, v.key, v.label, v.iri, v.docs, n, chosen) for v, n, chosen in values]
             for f, values in r.facets.items()},
            r.unknown,
            r.not_listed,
        )
    for sort in PLAN_SORTS:
        for descending in (False, True):
            found[f"plans {sort} {descending}"] = [index.plans(sort, descending, page, 2) for page in (1, 2)]
    for lever in ("commande-publique-responsable", "animation-territoriale", "accompagnement-des-acteurs"):
        found[f"per plan {lever}"] = [(p["key"], n) for p, n in index.plan_counts("lever", LEVER + lever)]
    return found


def project_file(folder: Path, with_valmont: bool = True) -> Path:
    """The three-plan project's file in ``folder``, its paths made absolute (the Clairval files are ``folder``'s)."""
    text = (FIXTURES / "three-plans" / "essgraph.toml").read_text(encoding="utf-8")
    text = text.replace('"../../../', f'"{ROOT}/').replace('"../second-plan/', f'"{FIXTURES}/second-plan/')
    if not with_valmont:
        start = text.index('[[dataset]]\nid = "valmont-sur-essai-2024"')
        text = text[:start] + text[text.index("[[dataset]]", start + 1) :]
    path = folder / "essgraph.toml"
    path.write_text(text, encoding="utf-8")
    return path


class Log(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@pytest.fixture(scope="module", params=["spaced ranks", "no room between ranks"])
def rebuilt(request, tmp_path_factory):
    """Per change: (the index updated by the rebuild, the index written whole from the rebuilt store, the log).
    With "no room between ranks", a full build ranks documents 1, 2, 3...: every update must rank them all again."""
    folder = tmp_path_factory.mktemp("incremental")
    patch = pytest.MonkeyPatch()
    if request.param == "no room between ranks":
        patch.setattr(index_module, "RANK_GAP", 1)
        patch.setattr(incremental, "RANK_GAP", 1)
    for name in ("plan.ttl", "classification.ttl", "reference.ttl"):
        (folder / name).write_bytes((FIXTURES / "three-plans" / name).read_bytes())
    store = folder / "store"
    build(project_file(folder), BASE, store)
    log, logger = Log(), logging.getLogger("essgraph.search")
    logger.addHandler(log)
    level = logger.level
    logger.setLevel(logging.INFO)
    results = {}
    try:
        plan = folder / "plan.ttl"
        text = plan.read_text(encoding="utf-8")
        for old, new in [
            ("Clairval, territoire d'économie solidaire", "Zéro déchet : Clairval, fraternité et économie solidaire"),
            ("<id/organisation/rtes> , <id/organisation/cress>",
             "<id/organisation/ressourcerie-de-clairval> , <id/organisation/cress>"),
            ('prov:agent <id/organisation/rtes> ; ess:sourceWording "RTES"',
             'prov:agent <id/organisation/ressourcerie-de-clairval> ; ess:sourceWording "Ressourcerie"'),
        ]:
            assert old in text
            text = text.replace(old, new)
        # a label of the reference data's CRESS given by Clairval's graph: shown by the actions of the other plans
        # involving the CRESS too
        plan.write_text(text + CRESS_LABEL, encoding="utf-8")
        for change, with_valmont in [("changed", True), ("removed", False), ("added", True), ("context", True)]:
            del log.lines[:]
            if change == "context":
                reference = folder / "reference.ttl"
                text = reference.read_text(encoding="utf-8")
                assert "Service vie locale de Clairval" in text
                reference.write_text(text.replace("Service vie locale", "Service de la vie locale"), encoding="utf-8")
            build(project_file(folder, with_valmont), BASE, store)
            current = StoreDir(store).require_current()
            whole = folder / f"whole-{change}"
            write_search_index(current.open(), whole, BASE)
            updated = folder / f"updated-{change}.sqlite"  # kept: the next builds prune this one
            shutil.copyfile(index_path(current.path), updated)
            results[change] = (updated, index_path(whole), list(log.lines))
    finally:
        logger.removeHandler(log)
        logger.setLevel(level)
        patch.undo()
    return results


@pytest.mark.parametrize("change", ["changed", "removed", "added"])
def test_the_rebuild_updated_the_previous_index(rebuilt, change):
    updated, _, lines = rebuilt[change]
    assert any("read again" in line for line in lines), lines
    assert not any("rebuilt whole" in line for line in lines), lines


def test_a_changed_reference_dataset_rebuilds_the_index_whole(rebuilt):
    """Reference data label documents of every plan: the index is rebuilt whole, and says why."""
    _, _, lines = rebuilt["context"]
    assert any("rebuilt whole (a dataset that is not a plan changed)" in line for line in lines), lines


@pytest.mark.parametrize("change", ["changed", "removed", "added", "context"])
def test_the_updated_index_answers_like_one_built_whole(rebuilt, change):
    updated, whole, _ = rebuilt[change]
    got, expected = answers(updated), answers(whole)
    assert got.keys() == expected.keys()
    for question in expected:
        assert got[question] == expected[question], question


def test_the_changes_show_in_the_answers(rebuilt):
    """The checks above compare two indexes: these make sure they saw the changes (renamed plan, organisation
    link, plan removed then added)."""
    changed = answers(rebuilt["changed"][0])
    removed = answers(rebuilt["removed"][0])
    assert changed[repr(("fraternité", {}, 1, 10, None))][0] >= 1
    rtes = changed[repr(("", {"org": ("rtes",)}, 1, 50, None))][2]
    assert not any(iri.startswith(BASE + "id/plan/clairval-2025/") for iri, *_ in rtes)
    assert removed[repr(("", {"plan": ("valmont-sur-essai-2024",)}, 1, 50, None))][0] == 0
    assert removed["meta"]["plans"] == "2" and changed["meta"]["plans"] == "3"
    cress = {iri for iri, *_ in changed[repr(("chambre fictive", {}, 1, 50, None))][2]}
    assert BASE + "id/organisation/cress" in cress
    assert any(iri.startswith(BASE + "id/plan/saint-maur-des-fosses-2021/") for iri in cress)
