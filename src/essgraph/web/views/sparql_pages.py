"""HTML for people, in French with the site's header (Jinja templates extending ``base.html``): the query page (its
settings given to sparql.js), the list of canned queries, and one canned query with its parameters form and its
results as a table. Every value is escaped; the queries' own titles and descriptions (``queries/*.rq`` headers) are
in English, like the rest of the code, and marked so (``lang="en"``)."""

from __future__ import annotations

import json
from html import escape
from importlib import resources
from urllib.parse import urlencode

from fastapi import Request
from markupsafe import Markup

from essgraph import urls
from essgraph.rdf import formats
from essgraph.rdf.namespaces import PREFIXES, sparql_prefixes
from essgraph.sparql.named import NamedQuery
from essgraph.web.views import pages as views
from essgraph.web.views.site import Site

STATIC_FILES = {"sparql.css": "text/css; charset=utf-8", "sparql.js": "text/javascript; charset=utf-8"}
DEFAULT_QUERY = (
    sparql_prefixes("ess", "dct", "skos")
    + """
SELECT ?graph (COUNT(*) AS ?triples)
WHERE { GRAPH ?graph { ?s ?p ?o } }
GROUP BY ?graph
ORDER BY DESC(?triples)
"""
)


def static_file(name: str) -> bytes:
    return resources.files("essgraph.web").joinpath("static", "sparql", name).read_bytes()


#: the download links of the query page, in the order shown
DOWNLOADS = {
    "results": (formats.SPARQL_JSON, formats.CSV, formats.TSV, formats.SPARQL_XML),
    "graph": (formats.TURTLE, formats.NTRIPLES, formats.JSONLD, formats.RDFXML),
}


def _download(f: formats.Format) -> tuple[str, str, str]:
    """(name, label, file extension): RDF syntaxes by their name, results formats by their short name."""
    return f.name, f.label if f.rdf else f.name.upper(), f.extension


def _crumbs(site: Site, *more: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Accueil", site.base), *more]


def query_page(request: Request, site: Site, timeout_s: float, max_rows: int) -> str:
    """The query page: the editor, the example queries, the results (sparql.js runs the queries)."""
    config = {
        "endpoint": site.sparql,
        "queries": site.queries,
        "prefixes": PREFIXES,
        "default_query": DEFAULT_QUERY,
        "timeout_s": timeout_s,
        "max_rows": max_rows,
        "downloads": {kind: [_download(f) for f in shown] for kind, shown in DOWNLOADS.items()},
    }
    return views.render(
        request,
        "sparql.html",
        site=site,
        crumbs=_crumbs(site),
        config=config,
        timeout_s=timeout_s,
        max_rows=max_rows,
    )


def query_list_page(request: Request, site: Site, queries: dict[str, NamedQuery]) -> str:
    return views.render(
        request,
        "queries.html",
        site=site,
        crumbs=_crumbs(site, ("SPARQL", site.sparql)),
        queries=list(queries.values()),
    )


def query_list_json(queries: dict[str, NamedQuery]) -> dict:
    return {
        "queries": [
            {
                "name": q.name,
                "title": q.title,
                "description": q.description,
                "url": f"{urls.QUERIES}/{q.name}",
                "parameters": [
                    {
                        "name": p.name,
                        "type": p.type,
                        "required": p.required,
                        "description": p.description,
                        "example": p.example,
                    }
                    for p in q.params
                ],
                "sparql": q.text,
            }
            for q in queries.values()
        ]
    }


def _term(term: dict | None) -> str:
    if not term:
        return ""
    value = escape(term.get("value", "") if isinstance(term.get("value"), str) else json.dumps(term.get("value")))
    if term.get("type") == "uri":
        href = value if value.startswith(("http://", "https://")) else None
        return f'<a href="{href}">{value}</a>' if href else f'<span class="term">&lt;{value}&gt;</span>'
    if term.get("type") == "bnode":
        return f'<span class="term">_:{value}</span>'
    if term.get("xml:lang"):
        return f'{value}<span class="lang">@{escape(term["xml:lang"])}</span>'
    return value


def results_table(data: dict) -> Markup:
    """A SPARQL JSON result as an HTML table (every value escaped)."""
    if "boolean" in data:
        return Markup(f'<p class="boolean">{"vrai" if data["boolean"] else "faux"}</p>')
    names = data["head"]["vars"]
    head = "".join(f'<th scope="col">{escape(v)}</th>' for v in names)
    rows = "\n".join(
        f'<tr><td class="num">{i}</td>' + "".join(f"<td>{_term(b.get(v))}</td>" for v in names) + "</tr>"
        for i, b in enumerate(data["results"]["bindings"], 1)
    )
    count = len(data["results"]["bindings"])
    return Markup(
        f"<p>{count} ligne{'s' if count > 1 else ''}</p>\n"
        f'<div class="output"><table><caption class="visually-hidden">Résultats</caption><thead><tr>'
        f'<th scope="col">#</th>{head}</tr></thead>\n<tbody>{rows}</tbody></table></div>'
    )


def graph_text(body: bytes) -> Markup:
    """A CONSTRUCT or DESCRIBE answer (Turtle) shown as text."""
    return Markup(f'<pre class="sparql">{escape(body.decode("utf-8"))}</pre>')


def canned_query_page(
    request: Request,
    site: Site,
    query: NamedQuery,
    values: dict[str, str],
    results: Markup | None,
    names: list[str],
    note: str | None = None,
) -> str:
    """One canned query: its parameters form, its results (or what is wrong), its downloads and its text."""
    downloads = [(f.upper(), f"{query.name}?" + urlencode({**values, "format": f})) for f in names]
    return views.render(
        request,
        "query.html",
        site=site,
        query=query,
        values=values,
        results=results,
        note=note,
        downloads=downloads,
        editor=f"{site.sparql}?" + urlencode({"query": query.text}),
        crumbs=_crumbs(site, ("SPARQL", site.sparql), ("Requêtes", site.queries)),
    )
