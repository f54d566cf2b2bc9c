"""HTML for people: the query page (static, with its settings injected), the list of canned queries, and one
canned query with its parameters form and its results as a table. Every value is escaped."""

from __future__ import annotations

import json
from html import escape
from importlib import resources
from urllib.parse import urlencode

from essgraph import urls
from essgraph.rdf import formats
from essgraph.rdf.namespaces import PREFIXES, sparql_prefixes
from essgraph.sparql.named import NamedQuery

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


def query_page(timeout_s: float, max_rows: int) -> str:
    config = {
        "endpoint": urls.SPARQL,
        "queries": urls.QUERIES,
        "prefixes": PREFIXES,
        "default_query": DEFAULT_QUERY,
        "timeout_s": timeout_s,
        "max_rows": max_rows,
        "downloads": {kind: [_download(f) for f in shown] for kind, shown in DOWNLOADS.items()},
    }
    data = json.dumps(config).replace("<", "\\u003c")  # cannot close the <script> element
    page = static_file("index.html").decode("utf-8")
    for name, value in (
        ("CONFIG", data),
        ("STATIC", urls.SPARQL_STATIC),
        ("SPARQL", urls.SPARQL),
        ("QUERIES", urls.QUERIES),
    ):
        page = page.replace(f"__ESSGRAPH_{name}__", value)
    return page


def _page(title: str, root: str, body: str) -> str:
    return (
        f'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)} · essgraph</title>\n"
        f'<link rel="stylesheet" href="{root}{urls.SPARQL_STATIC}sparql.css">\n</head>\n<body>\n{body}\n</body>\n</html>\n'
    )


def query_list_page(queries: dict[str, NamedQuery]) -> str:
    items = "\n".join(
        f'<li><a href="{urls.QUERIES}/{escape(q.name)}">{escape(q.title)}</a>'
        f"{' — ' + escape(q.description) if q.description else ''}</li>"
        for q in queries.values()
    )
    body = (
        f"<header><h1>Canned queries</h1><p>Each query answers in HTML, JSON and CSV at its own URL. "
        f'<a href="{urls.SPARQL}">Write your own query</a>.</p></header>\n<main>\n'
        f"<ul>{items or '<li>No query is published yet.</li>'}</ul>\n</main>"
    )
    return _page("Canned queries", "", body)


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


def results_table(data: dict) -> str:
    if "boolean" in data:
        return f'<p class="boolean">{"true" if data["boolean"] else "false"}</p>'
    names = data["head"]["vars"]
    head = "".join(f'<th scope="col">{escape(v)}</th>' for v in names)
    rows = "\n".join(
        f'<tr><td class="num">{i}</td>' + "".join(f"<td>{_term(b.get(v))}</td>" for v in names) + "</tr>"
        for i, b in enumerate(data["results"]["bindings"], 1)
    )
    count = len(data["results"]["bindings"])
    return (
        f"<p>{count} row{'s' if count != 1 else ''}</p>\n"
        f'<div class="output"><table><thead><tr><th>#</th>{head}</tr></thead>\n<tbody>{rows}</tbody></table></div>'
    )


def canned_query_page(query: NamedQuery, values: dict[str, str], results_html: str, formats: list[str]) -> str:
    inputs = "\n".join(
        f'<label for="p-{escape(p.name)}">{escape(p.name)} ({escape(p.type)}{", required" if p.required else ""})'
        f'</label><input id="p-{escape(p.name)}" name="{escape(p.name)}" value="{escape(values.get(p.name, ""))}" '
        f'placeholder="{escape(p.example)}"{" required" if p.required else ""}>'
        f"{'<small> ' + escape(p.description) + '</small>' if p.description else ''}"
        for p in query.params
    )
    form = (
        (
            f'<form class="params" method="get" action="{escape(query.name)}">{inputs}'
            f'<p><button type="submit">Run</button></p></form>'
        )
        if query.params
        else ""
    )
    links = " ".join(
        f'<a href="{escape(query.name)}?{escape(urlencode({**values, "format": f}))}">{f.upper()}</a>' for f in formats
    )
    downloads = f"<p>Download: {links}</p>" if formats else ""
    editor = f"../{urls.SPARQL}?" + urlencode({"query": query.text})
    body = (
        f"<header><h1>{escape(query.title)}</h1><p>{escape(query.description)}</p>"
        f'<p><a href="../{urls.QUERIES}">All canned queries</a> · <a href="{escape(editor)}">Open in the query editor</a>'
        f"</p></header>\n<main>\n{form}\n<section><h2>Results</h2>{downloads}\n{results_html}"
        f'</section>\n<section><h2>Query</h2><pre class="sparql">{escape(query.text)}</pre></section>\n</main>'
    )
    return _page(query.title, "../", body)
