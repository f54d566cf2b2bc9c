"""What changed since the previous build: the datasets a rebuild must redo, and the build folder the rest of the work
is reused from.

Computed once by the pipeline (:func:`changes_since`) and read by every step that reuses the previous build's work
(the store's graphs, dumps, VoID statistics, the search index, the catalog), so that they all agree on what
"unchanged" means: same content hash (:class:`essgraph.build.report.DatasetState`), and a previous build made for the
same base IRI by the same essgraph version (its IRIs, blank-node labels and file formats are then those of this
build). Anything else is a full build: nothing is reused.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from essgraph import __version__
from essgraph.build.builds import Build
from essgraph.build.report import DatasetState

PLAN = "plan"
#: up to this many plans changed (and no context dataset): a rebuild reads what changed from the on-disk store, one
#: plan at a time (the dumps' CSV: one query per plan); more, and its whole-store passes read a copy in memory (4-10x
#: faster to query; 17 s to copy 1,000 plans)
LOCAL_MAX = 8


@dataclass(frozen=True)
class Changes:
    #: the previous build, when its work may be reused (None: a full build)
    previous: Build | None
    #: ids of the datasets added or whose content changed (every dataset in a full build)
    changed: frozenset[str]
    #: ids of the previous build's datasets no longer in the project
    removed: frozenset[str]
    #: a dataset other than a plan (vocabulary, reference data: the labels plans' artifacts show) changed, was added
    #: or removed — what is derived from a plan together with that context must then be redone for every plan
    context_changed: bool

    @property
    def incremental(self) -> bool:
        return self.previous is not None

    @property
    def previous_path(self) -> Path | None:
        return self.previous.path if self.previous is not None else None

    @property
    def local(self) -> bool:
        """A rebuild whose work is local to a few plans: each step reads the changed plans' graphs (and what they
        link to) from the store, never the whole of it; the on-disk store serves."""
        return self.incremental and not self.context_changed and len(self.changed | self.removed) <= LOCAL_MAX

    def reusable(self, dataset_id: str) -> bool:
        """The previous build's work for this dataset's own content may be reused."""
        return self.previous is not None and dataset_id not in self.changed

    def reusable_with_context(self, dataset_id: str) -> bool:
        """The previous build's work made from this dataset together with the context datasets may be reused."""
        return self.reusable(dataset_id) and not self.context_changed

    def previous_dataset(self, dataset_id: str) -> dict | None:
        """The previous manifest's entry of a dataset (id, kind, hash, graphs, triples, files), if any."""
        return self._previous_datasets.get(dataset_id)

    @cached_property
    def _previous_datasets(self) -> dict[str, dict]:
        if self.previous is None:
            return {}
        return {d["id"]: d for d in self.previous.manifest.get("datasets", [])}


def full_build(states: list[DatasetState]) -> Changes:
    return Changes(None, frozenset(st.dataset.id for st in states), frozenset(), True)


def changes_since(previous: Build | None, states: list[DatasetState], base_iri: str) -> Changes:
    """What changed from ``previous`` (the current build, if any) to the datasets ``states`` about to be built."""
    manifest = previous.manifest if previous is not None else None
    if (
        previous is None
        or not manifest
        or manifest.get("base_iri") != base_iri
        or manifest.get("essgraph_version") != __version__
    ):
        return full_build(states)
    before = {d["id"]: d for d in manifest.get("datasets", [])}
    changed = frozenset(st.dataset.id for st in states if before.get(st.dataset.id, {}).get("hash") != st.hash)
    removed = frozenset(before) - {st.dataset.id for st in states}
    kinds = {st.dataset.id: st.dataset.kind for st in states}
    context_changed = any(kinds[i] != PLAN for i in changed) or any(before[i].get("kind") != PLAN for i in removed)
    return Changes(previous, changed, removed, context_changed)
