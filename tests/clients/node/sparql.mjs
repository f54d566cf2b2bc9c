// Comunica (@comunica/query-sparql) queries a SPARQL endpoint and prints what it got, as one JSON line.
//   node sparql.mjs ENDPOINT_URL QUERIES_JSON
// QUERIES_JSON: {"name": {"query": "...", "kind": "bindings"|"boolean"|"quads", "source": "sparql"|"auto"}}.
// Each answer: {"rows": [{var: value}]} | {"boolean": b} | {"quads": n} | {"error": message}.
import { QueryEngine } from '@comunica/query-sparql';

const [, , endpoint, queriesJson] = process.argv;
const engine = new QueryEngine();
const out = {};
for (const [name, { query, kind, source }] of Object.entries(JSON.parse(queriesJson))) {
  const sources = [source === 'auto' ? endpoint : { type: 'sparql', value: endpoint }];
  try {
    if (kind === 'boolean') {
      out[name] = { boolean: await engine.queryBoolean(query, { sources }) };
    } else if (kind === 'quads') {
      out[name] = { quads: (await (await engine.queryQuads(query, { sources })).toArray()).length };
    } else {
      const rows = await (await engine.queryBindings(query, { sources })).toArray();
      out[name] = { rows: rows.map((b) => Object.fromEntries([...b].map(([k, v]) => [k.value, v.value]))) };
    }
  } catch (e) {
    out[name] = { error: String(e.message).slice(0, 2000) };
  }
}
console.log(JSON.stringify(out));
