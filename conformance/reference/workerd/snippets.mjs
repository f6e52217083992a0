// Records what workerd answers to short snippets of Worker code: each file in ./snippets/
// (a JSON array of bodies of async functions of `env`, which has an R2 bucket `BUCKET`, a KV
// namespace `KV`, a D1 database `DB`, a queue producer `QUEUE`, a text binding `GREETING` and
// a SQLite Durable Object `SQL` (and `KV_OBJECT`, one without SQLite), send_email bindings
// `EMAIL` (any address), `EMAIL_ONE` (one destination) and `EMAIL_LIST` (allowed lists), and
// `EmailMessage` from cloudflare:email in scope; and of `sql`, snippet-worker.js's
// helper that runs one query in it; or `{ "compatibility_flags": [...], "compatibility_date": "...",
// "snippets": [...], "wasm": { NAME: "(module …)" } }`, the date 2026-04-20 unless given; each
// WebAssembly module, written as WAT, is imported as NAME from "./NAME.wasm") becomes
// ./results/snippets-<name>.json, one
// [snippet, outcome, value] per snippet: outcome "ok" with the returned value as JSON, or the
// constructor name of what it threw with the message. conformance/tests/differential_snippets.rs
// runs the same Worker (snippet-worker.js, filled in by both) in edgesim.
//
//   npm ci --no-audit --no-fund && node snippets.mjs [NAME...]
import { Miniflare, Log, LogLevel } from "miniflare";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import initWabt from "wabt";

const wabt = await initWabt();

const dir = new URL("./snippets/", import.meta.url).pathname;
const only = process.argv.slice(2);

/// The Worker that runs `snippets` in order (snippet-worker.js, shared with edgesim's side).
const template = readFileSync(new URL("./snippet-worker.js", import.meta.url), "utf8");
function snippetWorker(snippets, wasmNames) {
  const fns = snippets.map((s) => `async (env, sql) => {${s}\n}`).join(",\n");
  const imports = wasmNames.map((name) => `import ${name} from "./${name}.wasm";\n`).join("");
  return imports + template.replace("/* SNIPPETS */", () => fns);
}

for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
  const name = file.replace(/\.json$/, "");
  if (only.length && !only.includes(name)) continue;
  const recorded = JSON.parse(readFileSync(dir + file, "utf8"));
  const {
    snippets,
    compatibility_flags: compatibilityFlags = [],
    compatibility_date: compatibilityDate = "2026-04-20",
    wasm = {},
  } = Array.isArray(recorded) ? { snippets: recorded } : recorded;
  const wasmNames = Object.keys(wasm).sort();
  const wasmModules = wasmNames.map((name) => ({
    type: "CompiledWasm",
    path: `${name}.wasm`,
    contents: wabt.parseWat(`${name}.wat`, wasm[name]).toBinary({}).buffer,
  }));
  const mf = new Miniflare({
    // Handed to workerd as a module as it is: Miniflare's own import scan would refuse a
    // `node:*` import the flags do not allow before workerd could.
    modules: [
      { type: "ESModule", path: "snippets.mjs", contents: snippetWorker(snippets, wasmNames) },
      ...wasmModules,
    ],
    compatibilityDate,
    compatibilityFlags,
    cf: false,
    r2Buckets: ["BUCKET"],
    kvNamespaces: ["KV"],
    d1Databases: ["DB"],
    queueProducers: { QUEUE: { queueName: "snippets" } },
    durableObjects: {
      SQL: { className: "SqlObject", useSQLite: true },
      KV_OBJECT: { className: "KvObject", useSQLite: false },
    },
    email: {
      send_email: [
        { name: "EMAIL" },
        { name: "EMAIL_ONE", destination_address: "one@example.com" },
        { name: "EMAIL_LIST", allowed_destination_addresses: ["a@example.com", "b@example.com"], allowed_sender_addresses: ["sender@example.com"] },
      ],
    },
    bindings: { GREETING: "hello" },
    log: new Log(LogLevel.WARN),
  });
  const answers = await (await mf.dispatchFetch("http://localhost/")).json();
  await mf.dispose();
  const out = snippets.map((s, i) => [s, ...answers[i]]);
  writeFileSync(new URL(`./results/snippets-${name}.json`, import.meta.url), JSON.stringify(out, null, 1) + "\n");
  console.log(`results/snippets-${name}.json: ${out.length} answers`);
}
