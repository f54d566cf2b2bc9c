"""The project's shapes, loaded and compiled once, and the validation of a batch of datasets with them.

SHACL Core is evaluated by essgraph's engine (:mod:`.core`) when it supports every feature the shapes use, else by
pySHACL (:mod:`.pyshacl_adapter`); SHACL-SPARQL constraints always by pyoxigraph (:mod:`.sparql_constraints`).
Violations stop a build; warnings and infos are kept in the build report.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib

from essgraph.errors import ShapesError
from essgraph.rdf.parse import read_quads
from essgraph.rdf.rdflib_bridge import to_rdflib_term
from essgraph.settings import SHACL_ENGINES
from essgraph.validate.results import Result, finding_result, pick_message, sort_results, term_text


def load_shapes(files: tuple[Path, ...]) -> rdflib.Graph:
    """The shapes of ``files`` as one rdflib graph (what pySHACL reads and the engine compiles), parsed by
    pyoxigraph: syntax errors name file, line and column, and literals keep their lexical form (rdflib's parser
    would turn ``sh:uniqueLang "1"^^xsd:boolean`` into ``true``, which SHACL does not)."""
    graph = rdflib.Graph()
    for path in files:
        prefixes: dict[str, str] = {}
        bnodes: dict = {}
        for q in read_quads(path, path.resolve().as_uri(), None, prefixes):
            graph.add(
                (
                    to_rdflib_term(q.subject, bnodes),
                    to_rdflib_term(q.predicate, bnodes),
                    to_rdflib_term(q.object, bnodes),
                )
            )
        for prefix, namespace in prefixes.items():
            graph.bind(prefix, namespace, override=False)
    return graph


@dataclass(frozen=True)
class CompiledShapes:
    """The shapes, ready to run: SHACL Core by the essgraph engine (or pySHACL), SHACL-SPARQL by pyoxigraph."""

    core: rdflib.Graph
    sparql: tuple
    engine: Any = None  # a core.Engine, or None to run the core shapes with pySHACL

    @classmethod
    def load(cls, files: tuple[Path, ...], engine: str = "auto") -> "CompiledShapes":
        return cls.from_graph(load_shapes(files), engine)

    @classmethod
    def from_graph(cls, shapes: rdflib.Graph, engine: str = "auto") -> "CompiledShapes":
        from essgraph.validate.core import Engine, unsupported
        from essgraph.validate.sparql_constraints import compile_constraints

        if engine not in SHACL_ENGINES:
            raise ShapesError(f"unknown SHACL engine {engine!r}", hint="use one of " + ", ".join(SHACL_ENGINES))
        core, sparql = compile_constraints(shapes)
        missing = unsupported(core)
        if engine == "essgraph" and missing:
            raise ShapesError(
                "the essgraph SHACL engine does not evaluate " + ", ".join(missing),
                hint="use --shacl-engine pyshacl (or auto)",
            )
        use_engine = engine == "essgraph" or (engine == "auto" and not missing)
        return cls(core, sparql, Engine(core) if use_engine and len(core) else None)


def validate_batch(batch: list[tuple[str, list[ox.Quad]]], shapes: CompiledShapes) -> dict[str, list[Result]]:
    """Validate several datasets in one run; results are split back per dataset (that of their focus node).

    One run for many datasets avoids pySHACL's fixed cost per call (about 0.25 s here). SHACL Core constraints only
    look at a focus node's own triples, and datasets do not describe each other's resources, so a dataset's results
    do not depend on the others in its batch (which is what lets them be cached per dataset).
    """
    from essgraph.validate.core import DataGraph
    from essgraph.validate.sparql_constraints import evaluate

    data = DataGraph(batch)
    first = batch[0][0]
    results: dict[str, list[Result]] = {ds_id: [] for ds_id, _ in batch}
    if shapes.engine is not None:
        for f in shapes.engine.validate(data):
            ds_id = data.owner.get(f.focus, first)
            results[ds_id].append(finding_result(f, ds_id))
    elif len(shapes.core):
        from essgraph.validate.pyshacl_adapter import validate_with_pyshacl

        for r in validate_with_pyshacl(batch, shapes.core):
            results[r.dataset].append(r)
    if shapes.sparql:
        for c, focus, path, value, messages in evaluate(data, shapes.sparql):
            ds_id = data.owner.get(focus, first)
            results[ds_id].append(
                Result(
                    c.severity,
                    term_text(focus),
                    path,
                    term_text(value, literal=True),
                    pick_message(messages) or c.shape,
                    c.shape,
                    ds_id,
                )
            )
    return {ds_id: sort_results(r) for ds_id, r in results.items()}
