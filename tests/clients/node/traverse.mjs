// Comunica link traversal (@comunica/query-sparql-link-traversal) from a seed IRI; only 127.0.0.1 is fetched
// (any other host answers a local 404, so a test never uses the network). Prints one JSON line:
// {"rows": [...], "error": null | message, "requests": [{method, url, accept, status, type}], "blocked": [url]}.
//   node traverse.mjs SEED_IRI QUERY
import { QueryEngine } from '@comunica/query-sparql-link-traversal';

const [, , seed, query] = process.argv;
const requests = [];
const blocked = [];
const localOnly = async (input, init) => {
  const url = new URL(typeof input === 'string' ? input : input.url);
  if (url.hostname !== '127.0.0.1') {
    blocked.push(url.href);
    return new Response('not fetched in tests', { status: 404, headers: { 'content-type': 'text/plain' } });
  }
  const res = await fetch(input, init);
  requests.push({
    method: init?.method ?? 'GET',
    url: url.href,
    accept: new Headers(init?.headers).get('accept'),
    status: res.status,
    type: res.headers.get('content-type'),
  });
  return res;
};
let rows = [];
let error = null;
try {
  const bindings = await (await new QueryEngine().queryBindings(query, { sources: [seed], lenient: true, fetch: localOnly })).toArray();
  rows = bindings.map((b) => Object.fromEntries([...b].map(([k, v]) => [k.value, v.value])));
} catch (e) {
  error = String(e.message).slice(0, 2000);
}
// exit once written: traversal may leave requests pending, and a pipe is written asynchronously
process.stdout.write(JSON.stringify({ rows, error, requests, blocked: [...new Set(blocked)] }) + '\n', () => process.exit(0));
