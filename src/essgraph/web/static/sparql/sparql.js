// The SPARQL query page: an editor, the example queries of queries/, results as a table, download links.
// Plain JavaScript, no library, nothing from another host. All URLs are relative to the page (served at /sparql).
"use strict";

(function () {
  const config = JSON.parse(document.getElementById("essgraph-config").textContent);
  const $ = (id) => document.getElementById(id);
  const form = $("query-form"), editor = $("query"), runButton = $("run"), status = $("status");
  const results = $("results"), output = $("output"), errorBox = $("error"), downloads = $("downloads");
  const prefixes = Object.entries(config.prefixes || {}).sort((a, b) => b[1].length - a[1].length);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "class") node.className = value; else node.setAttribute(key, value);
    }
    for (const child of children) node.append(child);
    return node;
  }

  function shorten(iri) {
    for (const [name, ns] of prefixes) {
      const local = iri.slice(ns.length);
      if (iri.startsWith(ns) && /^[\w.-]*$/.test(local)) return name + ":" + local;
    }
    return "<" + iri + ">";
  }

  function iriNode(iri) {
    return /^https?:\/\//.test(iri) ? el("a", { href: iri, class: "term", title: iri }, shorten(iri))
                                    : el("span", { class: "term", title: iri }, shorten(iri));
  }

  // A term of the SPARQL JSON results format (https://www.w3.org/TR/sparql11-results-json/)
  function termNode(term) {
    if (!term) return document.createTextNode("");
    if (term.type === "uri") return iriNode(term.value);
    if (term.type === "bnode") return el("span", { class: "term" }, "_:" + term.value);
    if (term.type === "triple") {
      const v = term.value;
      return el("span", { class: "term" }, "<< ", termNode(v.subject), " ", termNode(v.predicate), " ",
                termNode(v.object), " >>");
    }
    const node = el("span", { class: "literal" }, term.value);
    if (term["xml:lang"]) node.append(el("span", { class: "lang" }, "@" + term["xml:lang"]));
    else if (term.datatype && !term.datatype.endsWith("#string")) {
      node.append(el("span", { class: "datatype" }, shorten(term.datatype)));
    }
    return node;
  }

  function table(head, rows) {
    const thead = el("thead", {}, el("tr", {}, el("th", {}, "#"), ...head.map((h) => el("th", { scope: "col" }, h))));
    const tbody = el("tbody");
    rows.forEach((cells, i) => {
      tbody.append(el("tr", {}, el("td", { class: "num" }, String(i + 1)), ...cells.map((c) => el("td", {}, c))));
    });
    return el("table", {}, thead, tbody);
  }

  // N-Triples, one triple a line: enough to show a CONSTRUCT or DESCRIBE result as a table.
  const NT_TERM = /\s*(?:<([^>]*)>|_:(\S+)|"((?:[^"\\]|\\.)*)"(?:@([A-Za-z0-9-]+)|\^\^<([^>]*)>)?)/y;
  function unescapeLiteral(text) {
    return text.replace(/\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))/g, (m, u4, u8, c) =>
      u4 || u8 ? String.fromCodePoint(parseInt(u4 || u8, 16))
               : ({ t: "\t", n: "\n", r: "\r", b: "\b", f: "\f" }[c] || c));
  }
  function parseNTriples(text) {
    const triples = [];
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      NT_TERM.lastIndex = 0;
      const terms = [];
      for (let i = 0; i < 3; i++) {
        const m = NT_TERM.exec(line);
        if (!m) break;
        if (m[1] !== undefined) terms.push({ type: "uri", value: m[1] });
        else if (m[2] !== undefined) terms.push({ type: "bnode", value: m[2] });
        else terms.push({ type: "literal", value: unescapeLiteral(m[3]), "xml:lang": m[4], datatype: m[5] });
      }
      if (terms.length === 3) triples.push(terms);
    }
    return triples;
  }

  function setDownloads(query, kind) {
    downloads.replaceChildren();
    // [format name, label, file extension] of each format, from the server's format registry
    const formats = kind === "graph" ? config.downloads.graph : config.downloads.results;
    downloads.append("Télécharger : ");
    for (const [name, label, extension] of formats) {
      const params = new URLSearchParams({ query, format: name });
      downloads.append(el("a", { href: config.endpoint + "?" + params, download: "results." + extension }, label), " ");
    }
  }

  function plural(n, word) {
    return n.toLocaleString("fr") + " " + word + (n > 1 ? "s" : "");
  }

  function showError(message) {
    errorBox.hidden = false;
    errorBox.textContent = message;
  }

  async function run() {
    const query = editor.value;
    if (!query.trim()) return;
    results.hidden = false;
    errorBox.hidden = true;
    output.replaceChildren();
    downloads.replaceChildren();
    runButton.disabled = true;
    status.textContent = "Requête en cours…";
    history.replaceState(null, "", "?" + new URLSearchParams({ query }));
    const started = performance.now();
    try {
      const response = await fetch(config.endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded",
                   Accept: "application/sparql-results+json, application/n-triples;q=0.9" },
        body: new URLSearchParams({ query }),
      });
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      const type = response.headers.get("Content-Type") || "";
      if (!response.ok) {
        let message = "Erreur " + response.status;
        try {
          const body = await response.json();
          message = body.error.message + (body.error.hint ? "\nConseil : " + body.error.hint : "");
        } catch (e) { /* not our JSON error body */ }
        showError(message);
        status.textContent = "Échec après " + seconds.replace(".", ",") + " s";
        return;
      }
      if (type.startsWith("application/n-triples")) {
        const triples = parseNTriples(await response.text());
        output.append(table(["sujet", "prédicat", "objet"], triples.map((t) => t.map(termNode))));
        setDownloads(query, "graph");
        status.textContent = plural(triples.length, "triplet") + " en " + seconds.replace(".", ",") + " s";
        return;
      }
      const data = await response.json();
      setDownloads(query, "results");
      if ("boolean" in data) {
        output.append(el("p", { class: "boolean" }, data.boolean ? "vrai" : "faux"));
        status.textContent = "Réponse en " + seconds.replace(".", ",") + " s";
        return;
      }
      const vars = data.head.vars;
      const rows = data.results.bindings.map((b) => vars.map((v) => termNode(b[v])));
      output.append(table(vars, rows));
      status.textContent = plural(rows.length, "ligne") + " en " + seconds.replace(".", ",") + " s";
    } catch (e) {
      showError("La requête a échoué : " + e.message);
      status.textContent = "";
    } finally {
      runButton.disabled = false;
    }
  }

  async function loadExamples() {
    try {
      const response = await fetch(config.queries, { headers: { Accept: "application/json" } });
      const list = (await response.json()).queries || [];
      $("examples-empty").hidden = list.length > 0;
      for (const q of list) {
        const button = el("button", { type: "button", lang: "en", title: q.description || q.title, "data-name": q.name }, q.title);
        button.addEventListener("click", () => { editor.value = q.sparql; editor.focus(); run(); });
        $("example-list").append(el("li", {}, button));
      }
    } catch (e) {
      $("examples-empty").hidden = false;
    }
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
  editor.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); run(); }
  });
  const fromUrl = new URLSearchParams(location.search).get("query");
  editor.value = fromUrl || config.default_query;
  loadExamples();
  if (fromUrl) run();
})();
