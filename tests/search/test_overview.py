"""The plans' overview sorted in Python (essgraph.search.overview) gives the order SQL gives with a French
collation (accents and case ignored; plans without a value last in both directions; then title, key), for every
column and direction, on the three-plan project."""

from __future__ import annotations

import sqlite3

import pytest

from essgraph.search.french import fold
from essgraph.search.index import index_path
from essgraph.search.overview import NUMERIC, PLAN_SORTS
from essgraph.search.query import SearchIndex


@pytest.fixture(scope="module")
def index(builds) -> SearchIndex:
    return SearchIndex(index_path(builds["three-plans"].current.path))


def sql_order(index: SearchIndex, column: str, descending: bool) -> list[str]:
    db = sqlite3.connect(index.path)
    db.create_collation("fr", lambda a, b: (fold(a) > fold(b)) - (fold(a) < fold(b)))
    collate = "" if column in NUMERIC else " COLLATE fr"
    order = f"{column} IS NULL, {column}{collate}{' DESC' if descending else ''}, title COLLATE fr, key"
    return [key for (key,) in db.execute(f"SELECT key FROM plan ORDER BY {order}")]


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("sort", sorted(PLAN_SORTS))
def test_the_order_is_the_one_sql_gives(index, sort, descending):
    rows, total = index.plans(sort, descending, size=10)
    assert total == 3
    assert [r["key"] for r in rows] == sql_order(index, PLAN_SORTS[sort], descending)


def test_pages_and_subsets_keep_the_order(index):
    every = [r["key"] for r in index.plans("adopted", True, size=10)[0]]
    assert [r["key"] for r in index.plans("adopted", True, page=2, size=2)[0]] == every[2:]
    subset = index.plans("adopted", True, keys=[every[2], every[0]])
    assert ([r["key"] for r in subset[0]], subset[1]) == ([every[0], every[2]], 2)
    assert index.plans("adopted", True, page=5, size=2) == ([], 3)
