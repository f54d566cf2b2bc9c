"""The ``essgraph`` command: build, validate, query, export, serve; import and template (plan workbooks).

Exit codes: 0 success (data conforms), 1 the data has SHACL violations, 2 unreadable input or bad usage
(project file, syntax error, missing store, bad query or parameter, a store or output path that cannot be
written), 3 the server cannot listen (address in use), 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from urllib.parse import urljoin

from pydantic import ValidationError

from essgraph import __version__
from essgraph.errors import (
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_UNAVAILABLE,
    EXIT_VIOLATIONS,
    EssgraphError,
    OutputError,
    StoreError,
)
from essgraph.rdf.formats import RDF_FORMATS
from essgraph.settings import SHACL_ENGINES, Settings

EPILOG = (
    f"exit codes: {EXIT_OK} ok / conforms, {EXIT_VIOLATIONS} SHACL violations, {EXIT_INPUT} unreadable input "
    f"or bad usage, {EXIT_UNAVAILABLE} the server cannot listen, {EXIT_INTERRUPTED} interrupted"
)
QUERY_FORMATS = (
    "table (default), json, xml, csv, tsv for SELECT and ASK; turtle (default), ntriples, jsonld, "
    "rdfxml for CONSTRUCT and DESCRIBE"
)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="project file (default essgraph.toml; env ESSGRAPH_CONFIG)")
    parser.add_argument("--store", type=Path, help="store folder (default var/store; env ESSGRAPH_STORE)")
    parser.add_argument("--base-iri", help="public base IRI (default http://127.0.0.1:8000/; env ESSGRAPH_BASE_IRI)")
    parser.add_argument(
        "--shacl-engine",
        choices=SHACL_ENGINES,
        help="SHACL Core engine (default auto; env ESSGRAPH_SHACL_ENGINE)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="essgraph", description=__doc__.split("\n")[0], epilog=EPILOG)
    parser.add_argument("--version", action="version", version=f"essgraph {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("build", help="validate the sources and build the store (swapped in atomically)", epilog=EPILOG)
    _common(p)
    p.add_argument("files", nargs="*", type=Path, help="extra RDF files to publish, each as its own dataset")
    p.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show a progress bar (default: when stderr is a terminal)",
    )

    p = sub.add_parser("validate", help="the build's checks, without writing the store", epilog=EPILOG)
    _common(p)
    p.add_argument("files", nargs="*", type=Path, help="extra RDF files to validate, each as its own dataset")
    p.add_argument("--format", choices=("text", "json"), default="text", help="report format")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None)

    p = sub.add_parser("query", help="run a SPARQL query against the store", epilog=EPILOG)
    _common(p)
    p.add_argument("query", help="a .rq file, a query name of queries/, a SPARQL string, or - for stdin")
    p.add_argument("--format", "-f", help=QUERY_FORMATS)
    p.add_argument(
        "--param",
        "-p",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a parameter of a named query, bound as an RDF term (repeat for each parameter)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        dest="query_timeout_s",
        metavar="SECONDS",
        help="time limit; the query is stopped past it (default 10; env ESSGRAPH_QUERY_TIMEOUT_S)",
    )
    p.add_argument(
        "--max-rows",
        type=int,
        dest="max_result_rows",
        metavar="N",
        help="most rows or triples; more is an error (default 10000; env ESSGRAPH_MAX_RESULT_ROWS)",
    )

    p = sub.add_parser("export", help="write a dump of the store", epilog=EPILOG)
    _common(p)
    p.add_argument("--format", "-f", default="turtle", choices=[f.name for f in RDF_FORMATS])
    p.add_argument("--output", "-o", type=Path, help="file to write (default: standard output)")
    p.add_argument("--gzip", action="store_true", help="gzip the output")
    p.add_argument(
        "--graph",
        help="only this named graph: its IRI, or relative to the base IRI as in the project file (graph/plan/...)",
    )

    p = sub.add_parser("serve", help="serve the store over HTTP (builds first if there is no store)", epilog=EPILOG)
    _common(p)
    p.add_argument("--host", help="listen address (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default 8000)")
    p.add_argument("--workers", type=int, help="worker processes (default 1)")

    from essgraph.intake.commands import add_parsers

    add_parsers(sub, _common, EPILOG)
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {
        k: getattr(args, k, None)
        for k in (
            "config",
            "store",
            "base_iri",
            "shacl_engine",
            "host",
            "port",
            "workers",
            "query_timeout_s",
            "max_result_rows",
        )
    }
    return Settings(**{k: v for k, v in overrides.items() if v is not None})


def _project(settings: Settings, files: list[Path]):
    from essgraph.project import load_project

    project = load_project(settings.config)
    return project.with_extra_files(files) if files else project


class _Bar:
    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.last = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or total < 2:
            return
        width = 30
        filled = width * done // total
        sys.stderr.write(f"\r{stage:<10} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _progress(args) -> _Bar:
    enabled = args.progress if args.progress is not None else sys.stderr.isatty()
    return _Bar(enabled)


def _print_results(report, limit: int = 50) -> None:
    shown = report.violations + report.warnings
    for r in shown[:limit]:
        print(f"  [{r.dataset}] {r.line()}")
    if len(shown) > limit:
        print(f"  ... and {len(shown) - limit} more (essgraph validate --format json lists them all)")


def _summary(report) -> None:
    print(
        f"data version {report.data_version}  base {report.base_iri}  ({report.seconds:.2f} s, "
        f"{report.reused} of {len(report.datasets)} datasets unchanged)"
    )
    print("triples per graph:")
    for iri, n in sorted(report.graph_triples.items()):
        print(f"  {n:>9}  {iri}")
    c = report.counts
    print(
        f"total {c['triples']} triples: {c['plans']} plan(s), {c['actions']} action(s), "
        f"{c['organisations']} organisation(s)"
    )
    print(
        f"validation: {'conforms' if report.conforms else 'DOES NOT CONFORM'}, "
        f"{len(report.violations)} violation(s), {len(report.warnings)} warning(s)"
    )


def cmd_build(args) -> int:
    from essgraph.build.pipeline import Builder

    settings = _settings(args)
    _writable_folder(settings.store, "--store or ESSGRAPH_STORE")
    report = Builder(
        _project(settings, args.files),
        settings.base_iri,
        settings.store,
        _progress(args),
        settings.shacl_engine,
        settings.keep_builds,
    ).run(write=True)
    _summary(report)
    _print_results(report)
    print(f"published {report.build_path}")
    return EXIT_OK


def cmd_validate(args) -> int:
    from essgraph.build.pipeline import Builder

    settings = _settings(args)
    store = settings.store if settings.store.exists() else None  # reuse cached results when there is a store
    report = Builder(
        _project(settings, args.files), settings.base_iri, store, _progress(args), settings.shacl_engine
    ).run(write=False)
    if args.format == "json":
        print(
            json.dumps(
                {
                    "conforms": report.conforms,
                    "data_version": report.data_version,
                    "violations": len(report.violations),
                    "warnings": len(report.warnings),
                    "results": [r.as_dict() for r in report.results],
                },
                ensure_ascii=False,
                indent=1,
            )
        )
    else:
        _summary(report)
        _print_results(report)
    return EXIT_OK if report.conforms else EXIT_VIOLATIONS


def _writable_folder(folder: Path, setting: str) -> None:
    """Fail at once, in one line, when ``folder`` cannot be made or written (before any long work)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise OutputError.from_os_error(
            exc, f"the store folder {folder}", f"choose a folder this user may write with {setting}"
        ) from None


def cmd_query(args) -> int:
    from essgraph.build.builds import StoreDir
    from essgraph.sparql import local

    settings = _settings(args)
    if args.query == "-":
        query = local.LocalQuery(sys.stdin.read(), "standard input")
    else:
        query = local.resolve_query(args.query, settings.config.parent / "queries")
    output = local.run_local(query, args.param, args.format, StoreDir(settings.store), settings)
    sys.stdout.flush()
    sys.stdout.buffer.write(output)
    return EXIT_OK


def _export_graph(name: str, build, store) -> str:
    """The graph to export, given as in the project file (relative to the base IRI) or absolute."""
    import pyoxigraph as ox

    base = build.manifest.get("base_iri", "")
    iri = urljoin(base, name)  # the project file's rule: graph IRIs resolve against the base IRI
    try:
        known = store.contains_named_graph(ox.NamedNode(iri))
    except ValueError:
        known = False
    if not known:
        graphs = sorted(g.value for g in store.named_graphs())
        shown = ", ".join(g[len(base) :] if g.startswith(base) else g for g in graphs[:20])
        raise StoreError(
            f"the store has no graph {iri}" + (f" (--graph {name})" if iri != name else ""),
            f"its graphs: {shown}{', …' if len(graphs) > 20 else ''}",
        )
    return iri


def cmd_export(args) -> int:
    from essgraph.build.builds import StoreDir
    from essgraph.rdf.formats import rdf_format
    from essgraph.rdf.serialize import export_to_file, write_dump

    settings = _settings(args)
    fmt = rdf_format(args.format)
    build, _lease = StoreDir(settings.store).lease_current()  # held until this command exits: never pruned meanwhile
    store = build.open()
    graph = _export_graph(args.graph, build, store) if args.graph else None
    if args.output:
        try:
            path = export_to_file(store, fmt, args.output, args.gzip, graph)
        except OSError as exc:
            raise OutputError.from_os_error(
                exc, str(args.output), "choose --output in a folder this user may write"
            ) from None
        print(f"wrote {path} ({path.stat().st_size} bytes)", file=sys.stderr)
    elif args.gzip:
        import gzip

        with gzip.GzipFile(fileobj=sys.stdout.buffer, mode="wb", mtime=0) as out:
            write_dump(store, fmt, out, graph)
    else:
        write_dump(store, fmt, sys.stdout.buffer, graph)
    return EXIT_OK


def cmd_serve(args) -> int:
    from essgraph.build.builds import StoreDir
    from essgraph.web.listen import listen, run

    settings = _settings(args)
    sock = listen(settings.host, settings.port)  # first: a busy port is said at once, and stays ours
    try:
        if StoreDir(settings.store).current() is None:
            print(f"no store at {settings.store}: building it first", file=sys.stderr)
            args.files, args.progress = [], None
            cmd_build(args)
        from essgraph.app import create_app
        from essgraph.web.published import current_build

        build, lease = current_build(settings)  # fails early, with a clear message, on a store built for another base
        lease.release()
        print(
            f"serving data version {build.manifest['data_version']} on http://{settings.host}:{settings.port}/ "
            "(new builds are picked up while it runs)",
            file=sys.stderr,
        )
        if settings.workers == 1:
            started = run(sock, settings, create_app(settings))
        else:
            for name, value in settings.model_dump().items():  # the workers read the same settings
                os.environ[f"ESSGRAPH_{name.upper()}"] = str(value)
            started = run(sock, settings)
    finally:
        sock.close()
    return EXIT_OK if started else EXIT_UNAVAILABLE


def cmd_import(args) -> int:
    from essgraph.intake.commands import cmd_import as run

    return run(args, _settings(args))


def cmd_template(args) -> int:
    from essgraph.intake.commands import cmd_template as run

    return run(args, _settings(args))


COMMANDS = {
    "build": cmd_build,
    "validate": cmd_validate,
    "query": cmd_query,
    "export": cmd_export,
    "serve": cmd_serve,
    "import": cmd_import,
    "template": cmd_template,
}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except EssgraphError as exc:
        print(f"essgraph {args.command}: {exc}", file=sys.stderr)
        return exc.exit_code
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        print(f"essgraph {args.command}: invalid setting: {problems}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print(f"\nessgraph {args.command}: interrupted; nothing was changed", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as exc:  # a file system failure not foreseen above: one line, never a traceback
        if isinstance(exc, BrokenPipeError):
            return EXIT_OK
        print(
            f"essgraph {args.command}: {exc.filename or 'a file'}: {exc.strerror or exc}\n  hint: check the "
            "paths given (--config, --store, --output) and that this user may read and write them",
            file=sys.stderr,
        )
        return EXIT_INPUT


if __name__ == "__main__":
    sys.exit(main())
