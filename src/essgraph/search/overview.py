"""The plans' overview from the search index: one row per plan (collectivité, type of territory, department,
region, adoption date, number of actions, levers), sorted by any column in French order (accents and case ignored;
plans without a value last, whatever the direction; then by title) and paged.

Each order is worked out once per index and column and remembered: the ``plan`` table is small (one row per plan),
and sorting it in SQL with a French collation called back into Python took 0.2 s a page at 1,000 plans.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from essgraph.search.french import fold

#: the columns the plans' overview can be sorted by (URL value -> column)
PLAN_SORTS = {
    "title": "title",
    "collectivite": "collectivite",
    "type": "type",
    "department": "department",
    "region": "region",
    "adopted": "adopted",
    "actions": "actions",
    "levers": "levers",
}
NUMERIC = frozenset({"actions", "levers"})


class PlanOverview:
    """Mixed into :class:`essgraph.search.query.SearchIndex`, which gives it its connection and facet values."""

    _orders: dict[tuple[str, bool], list[str]]

    def _db(self) -> sqlite3.Connection:
        raise NotImplementedError

    def value_by_iri(self, facet: str, iri: str) -> Any:
        raise NotImplementedError

    def plans(
        self,
        sort: str = "title",
        descending: bool = False,
        page: int = 1,
        size: int = 50,
        keys: list[str] | None = None,
    ) -> tuple[list[dict], int]:
        """One page of the plans' overview (and the number of plans), sorted by one of PLAN_SORTS; each plan's
        ``lever_list`` is its levers as (key, label, number of actions), most used first."""
        order = self._order(sort, descending)
        if keys is not None:
            wanted = set(keys)
            order = [key for key in order if key in wanted]
        shown = order[(page - 1) * size : page * size]
        cursor = self._db().execute("SELECT * FROM plan WHERE key IN (%s)" % ",".join("?" * len(shown)), shown)
        names = [c[0] for c in cursor.description]
        by_key = {row[0]: dict(zip(names, row)) for row in cursor}
        rows = [by_key[key] for key in shown]
        for row in rows:  # [[key, label, actions], ...], most used first
            row["lever_list"] = json.loads(row["lever_list"])
        return rows, len(order)

    def _order(self, sort: str, descending: bool) -> list[str]:
        """Every plan's key in the order asked: by the column, those without a value last, then by title, key."""
        found = self._orders.get((sort, descending))
        if found is None:
            column = PLAN_SORTS[sort]
            rows = self._db().execute(f"SELECT key, title, {column} FROM plan").fetchall()
            rows.sort(key=lambda row: (fold(row[1]), row[0]))
            valued = [row for row in rows if row[2] is not None]
            valued.sort(key=lambda row: row[2] if column in NUMERIC else fold(row[2]), reverse=descending)
            found = self._orders[(sort, descending)] = [row[0] for row in valued + [r for r in rows if r[2] is None]]
        return found

    def plan_counts(self, facet: str, iri: str) -> list[tuple[dict, int]]:
        """Per plan, the number of its actions with this facet value (a lever, a field...), most first."""
        value = self.value_by_iri(facet, iri)
        if value is None:
            return []
        rows = (
            self._db()
            .execute(
                "SELECT d.plan, COUNT(*) FROM doc_value dv JOIN doc d ON d.id = dv.doc "
                "WHERE dv.value = ? AND d.kind = 'action' GROUP BY d.plan",
                [value.id],
            )
            .fetchall()
        )
        plans, _ = self.plans(keys=[plan for plan, _ in rows], size=len(rows) or 1)
        by_key = {p["key"]: p for p in plans}
        found = [(by_key[plan], n) for plan, n in rows if plan in by_key]
        return sorted(found, key=lambda item: (-item[1], fold(item[0]["title"])))
