"""``essgraph import`` and ``essgraph template``: the two commands of the intake (registered by essgraph.cli).

``import FILE --out DIR`` converts a workbook (essgraph's template or a TeT sheet) into Turtle files in DIR,
validated like a build would (the project's shapes, ontology and reference data), and prints what it made. Exit
codes: 0 converted, 1 data errors (every problem listed at its cell, nothing written), 2 unreadable file or bad
usage. ``template --out FILE.xlsx|FILE.ods|DIR`` writes the blank template (one example row per table and a
"Lisez-moi" sheet); with ``--plan ID`` it writes a published plan back into the template.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from essgraph.errors import EXIT_OK
from essgraph.intake.problems import ERROR, IntakeDataError, report
from essgraph.intake.read import FORMATS, convert_file
from essgraph.intake.sources import OUTPUTS

HEADER = (
    "Plan converted by essgraph import from {name} ({fmt} format); edit the workbook and convert it again\n"
    "rather than this file. Relative IRIs, no @base (resolved against the deployment's base IRI)."
)


def add_parsers(sub, common, epilog: str) -> None:
    p = sub.add_parser(
        "import",
        help="convert a plan workbook (essgraph template or TeT sheet) to Turtle",
        epilog="exit codes: 0 converted, 1 data errors (listed, nothing written), 2 unreadable file or bad usage",
    )
    common(p)
    p.add_argument("file", type=Path, help="an XLSX or ODS workbook, or a data package folder (datapackage.json)")
    p.add_argument("--out", type=Path, required=True, help="folder to write plan.ttl, classification.ttl, ...")
    p.add_argument(
        "--format",
        choices=FORMATS,
        default="auto",
        dest="input_format",
        help="essgraph (the template), tet (Territoires en Transitions) or auto (default)",
    )
    p.add_argument("--plan-id", default="", help="the plan's identifier (default: the workbook's plan id)")
    p.add_argument("--report", choices=("text", "json"), default="text", help="how problems are printed")

    p = sub.add_parser(
        "template", help="write the plan template (blank, or a published plan with --plan)", epilog=epilog
    )
    common(p)
    p.add_argument("--out", type=Path, required=True, help="FILE.xlsx, FILE.ods, or a folder (data package of CSV)")
    p.add_argument("--plan", default="", help="the id of a published plan to write into the template")


def cmd_import(args, settings) -> int:
    from essgraph.intake.reference import load_reference
    from essgraph.project import load_project

    project = load_project(settings.config)
    ref = load_reference(project)
    try:
        converted = convert_file(args.file, ref, args.input_format, args.plan_id)
        with tempfile.TemporaryDirectory(prefix="essgraph-import-") as tmp:
            files = _write(converted, Path(tmp), args.file.name, args.input_format)
            problems = converted.problems + _validate(project, converted, files, settings)
            if any(p.severity == ERROR for p in problems):
                raise IntakeDataError(problems, what=args.file.name)
            written = _publish(files, args.out)
    except IntakeDataError as exc:
        if args.report == "json":
            print(json.dumps([p.as_dict() for p in exc.problems], ensure_ascii=False, indent=1))
        raise
    _summary(converted, written, args, problems, settings.config)
    return EXIT_OK


def _write(converted, folder: Path, name: str, fmt: str) -> dict[str, Path]:
    files = {}
    for output in OUTPUTS:
        graph = getattr(converted, output)
        if len(graph):
            path = folder / f"{output}.ttl"
            path.write_bytes(graph.turtle(HEADER.format(name=name, fmt=fmt)))
            files[output] = path
    return files


def _validate(project, converted, files: dict[str, Path], settings) -> list:
    """The converted plan checked like a build checks it (shapes, integrity queries); results at their cells."""
    from essgraph.build.pipeline import Builder
    from essgraph.intake.locate import FrenchMessages, Locator
    from essgraph.project import Dataset, GraphSource

    plan_id = converted.plan_id
    graphs = [GraphSource(f"graph/plan/{plan_id}", tuple(files[k] for k in ("plan", "organisations") if k in files))]
    if "classification" in files:
        graphs.append(GraphSource(f"graph/plan/{plan_id}/classification", (files["classification"],)))
    context = [d for d in project.datasets if d.kind in ("vocabulary", "reference")]
    check = replace(project, datasets=tuple(context) + (Dataset(plan_id, "plan", tuple(graphs)),))
    result = Builder(check, settings.base_iri, None, shacl_engine=settings.shacl_engine).run(write=False)
    locator = Locator(settings.base_iri, converted.locations, FrenchMessages(project.shapes))
    problems = []
    for r in result.results:
        found = locator.problem(r)
        if found is not None:
            problems.append(found)
        elif r.severity == "Violation":
            from essgraph.intake.problems import Problem, Where

            problems.append(Problem(Where(r.dataset or "?"), r.message, r.message, value=r.value))
    return problems


def _publish(files: dict[str, Path], out: Path) -> list[Path]:
    """Copy the checked files into ``out``: each written aside and renamed, only once all of them are ready."""
    out.mkdir(parents=True, exist_ok=True)
    staged = []
    for path in files.values():
        tmp = out / f".{path.name}.essgraph-import.tmp"
        shutil.copyfile(path, tmp)
        staged.append((tmp, out / path.name))
    for tmp, target in staged:
        tmp.replace(target)
    for name in OUTPUTS:  # an output the new conversion does not have must not linger from an older one
        stale = out / f"{name}.ttl"
        if name not in files and stale.exists() and stale.read_bytes().startswith(b"# Plan converted by essgraph"):
            stale.unlink()
    return [target for _, target in staged]


def _summary(converted, written: list[Path], args, problems: list, config: Path) -> None:
    print(
        f"plan {converted.plan_id}: {converted.sections} section(s), {converted.actions} action(s), "
        f"{len(converted.minted)} new organisation(s) or place(s)"
    )
    print("actions: " + ", ".join(converted.numbers))
    for iri, name in converted.minted:
        print(f"  new, not in the reference data: <{iri}> {name}")
    for path in written:
        print(f"wrote {path}")
    warnings = [p for p in problems if p.severity != ERROR]
    if warnings:
        print(report(warnings))
    plan_id, root = converted.plan_id, config.resolve().parent
    rel = {p.stem: Path(os.path.relpath(p.resolve(), root)).as_posix() for p in written}
    main = ", ".join(f'"{rel[k]}"' for k in ("plan", "organisations") if k in rel)
    lines = [
        f"to publish it, add to {config.name}:",
        "[[dataset]]",
        f'id = "{plan_id}"',
        'kind = "plan"',
        "[[dataset.graph]]",
        f'iri = "graph/plan/{plan_id}"',
        f"files = [{main}]",
    ]
    if "classification" in rel:
        lines += [
            "[[dataset.graph]]",
            f'iri = "graph/plan/{plan_id}/classification"',
            f'files = ["{rel["classification"]}"]',
        ]
    workbook = Path(os.path.relpath(args.file.resolve(), root)).as_posix()
    lines.append(f'or list the workbook itself, converted at every build: files = ["{workbook}"]')
    print("\n".join(lines))


def cmd_template(args, settings) -> int:
    from essgraph.intake.blank import example_rows, readme
    from essgraph.intake.reference import load_reference
    from essgraph.intake.workbook import write_template
    from essgraph.project import load_project

    ref = load_reference(load_project(settings.config))
    if args.plan:
        from essgraph.build.builds import StoreDir
        from essgraph.intake.export import Exporter

        current = StoreDir(settings.store).require_current()
        base = current.manifest.get("base_iri", settings.base_iri)  # the IRIs of that build
        tables = Exporter(current.open(), base, ref, args.plan).tables()
    else:
        tables = example_rows()
    written = write_template(args.out, tables, readme(ref), ref)
    for path in written:
        print(f"wrote {path}")
    return EXIT_OK
