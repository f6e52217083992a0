// @cloudflare/vitest-pool-workers/config as edgesim reads a project's vitest config: the
// helpers return what they are given, and `resolveConfig` reduces the config to the JSON the
// driver needs (sim/src/test/project.rs `VitestConfig`).

import { listeningAddresses, acceptConnection } from "edgesim:test/config-net";
import { httpServerHandler } from "cloudflare:node";

export function defineWorkersConfig(config) {
  return config;
}
export const defineWorkersProject = defineWorkersConfig;

/// Migrations are read by the driver, from the directory named here.
export async function readD1Migrations(migrationsPath) {
  return { $edgesimD1Migrations: String(migrationsPath) };
}

/// The pool's `buildPagesASSETSBinding(dir)`: the Pages project's assets, which edgesim
/// serves itself (sim/src/test/project.rs `pages_functions`).
export async function buildPagesASSETSBinding(assetsPath) {
  if (typeof assetsPath !== "string") {
    throw new TypeError("Failed to execute 'buildPagesASSETSBinding': parameter 1 is not of type 'string'.");
  }
  return { $edgesimPagesAssets: assetsPath };
}

/// vitest 4's plugin form (`plugins: [cloudflareTest({ ... })]`).
export function cloudflareTest(options) {
  return { name: "@cloudflare/vitest-pool-workers", $edgesimWorkers: options };
}

const pick = (o, keys) => Object.fromEntries(keys.filter((k) => o?.[k] !== undefined).map((k) => [k, o[k]]));

/// The Miniflare options edgesim applies to a Worker (sim/src/test/project.rs
/// `MiniflareOverrides`).
const WORKER_OPTIONS = ["bindings", "compatibilityDate", "compatibilityFlags", "kvNamespaces", "d1Databases", "r2Buckets", "hyperdrives", "durableObjects", "queueProducers", "queueConsumers", "serviceBindings", "outboundService"];

/// A function in the options (a `serviceBindings` entry, `outboundService`) does not survive
/// as JSON: it becomes a marker with its path in the pool options, and the config's isolate
/// in the run (sim/src/test/config_worker.rs) calls it there when the binding is used.
const FUNCTION_MARKER = "$edgesimConfigFunction";

/// `options` with the functions among its Worker options marked; `path` leads to it.
function workerOptions(options, path) {
  const picked = pick(options, WORKER_OPTIONS);
  if (typeof picked.outboundService === "function") picked.outboundService = { [FUNCTION_MARKER]: [...path, "outboundService"] };
  if (picked.serviceBindings !== undefined) {
    picked.serviceBindings = Object.fromEntries(
      Object.entries(picked.serviceBindings).map(([name, target]) => [
        name,
        typeof target === "function" ? { [FUNCTION_MARKER]: [...path, "serviceBindings", name] } : target,
      ]),
    );
  }
  return picked;
}

/// `miniflare.workers`: each auxiliary Worker's name, script and options.
const auxiliaryWorkers = (workers) =>
  workers === undefined
    ? undefined
    : [workers].flat().map((w, i) => ({ ...pick(w, ["name", "scriptPath", "modules"]), ...workerOptions(w, ["miniflare", "workers", i]) }));

/// The config module's value, what its global setups provided, and its pool options
/// (`poolOptions.workers`, or the plugin's), made once per isolate: the setups run first, as
/// vitest runs them before the pool starts, so the options function's `inject()` sees what
/// they provide; and a config function then closes over the very values the run's bindings
/// were read from.
let loaded;
function load(config) {
  loaded ??= (async () => {
    let c = await config;
    if (typeof c === "function") c = await c({ mode: "test", command: "serve" });
    const test = c?.test ?? {};
    const { provided, teardowns } = await runGlobalSetups(test);
    let workers = test.poolOptions?.workers;
    const plugin = (c?.plugins ?? []).flat().find((p) => p && p.$edgesimWorkers !== undefined);
    if (workers === undefined && plugin) workers = plugin.$edgesimWorkers;
    if (typeof workers === "function") workers = await workers({ inject: (key) => provided[key] });
    return { c, test, plugin, provided, teardowns, workers: workers ?? {} };
  })();
  return loaded;
}

/// The function at `path` in the pool options (a marker's path).
export async function configFunction(config, path) {
  const { workers } = await load(config);
  const [list, ...rest] = path[0] === "miniflare" && path[1] === "workers" ? [[workers.miniflare.workers].flat()[path[2]], ...path.slice(3)] : [workers, ...path];
  const fn = rest.reduce((at, key) => at?.[key], list);
  if (typeof fn !== "function") throw new Error(`edgesim: the vitest config has no function at ${path.join(".")}`);
  return fn;
}

export async function resolveConfig(config) {
  const { c, test, plugin, provided, workers } = await load(config);
  const miniflare = workers.miniflare ?? {};
  // vite's `define`: a string is an expression, anything else stands for its JSON.
  const define = Object.entries(c?.define ?? {}).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]);
  return {
    define: Object.fromEntries(define),
    include: test.include,
    exclude: test.exclude,
    testTimeout: test.testTimeout,
    hookTimeout: test.hookTimeout,
    globalSetup: test.globalSetup === undefined ? undefined : [test.globalSetup].flat(),
    setupFiles: test.setupFiles === undefined ? undefined : [test.setupFiles].flat(),
    provide: provided,
    listening: listeningAddresses(),
    // A path or glob stays; an inline project config is named, for the driver to refuse.
    projects: test.projects === undefined ? undefined
      : [test.projects].flat().map((p) => (typeof p === "string" ? p : { inline: String(p?.test?.name ?? "") })),
    workers: {
      main: workers.main,
      singleWorker: workers.singleWorker,
      // The plugin form is vitest-pool-workers 0.13 on, which isolates storage per test file
      // only (its `isolatedStorage` option is gone): each file is a simulation of its own.
      isolatedStorage: plugin !== undefined && test.poolOptions?.workers === undefined ? false : workers.isolatedStorage,
      wrangler: workers.wrangler === undefined ? undefined : pick(workers.wrangler, ["configPath", "environment"]),
      miniflare: { ...workerOptions(miniflare, ["miniflare"]), workers: auxiliaryWorkers(miniflare.workers) },
    },
  };
}

/// A Worker's connection to `authority` (the `host:port` it asked for), where a global setup's
/// node:net server listens, once the setups have run in this isolate.
export async function acceptListened(config, authority, connection) {
  await load(config);
  return acceptConnection(authority, connection);
}

/// A Worker's `fetch()` to port `port`, where a global setup's node:http server listens,
/// once the setups have run in this isolate.
export async function serveListened(config, port, request) {
  await load(config);
  return await httpServerHandler({ port }).fetch(request);
}

/// Runs the global setups' teardowns, as vitest runs them once the tests are done: the last
/// setup's first. A teardown's throw is the run's error.
export async function runTeardowns(config) {
  const { teardowns } = await load(config);
  for (const teardown of [...teardowns].reverse()) await teardown();
}

/// Runs the config's `test.globalSetup` files as vitest runs them before any test (Node's code,
/// here in the config's isolate): each default export (or `setup`) gets a TestProject with
/// `provide`, whose values `inject()` then answers; the function a setup returns, or a module's
/// `teardown` export, is its teardown.
async function runGlobalSetups(test) {
  const teardowns = [];
  const provided = { ...(test.provide ?? {}) };
  const files = test.globalSetup === undefined ? [] : [test.globalSetup].flat();
  const project = {
    provide(key, value) {
      provided[key] = value;
    },
    config: { root: globalThis.__dirname },
    onTestsRerun() {},
  };
  for (const file of files) {
    const specifier = file.startsWith("/") || file.startsWith(".") ? file : `./${file}`;
    const module = await import(specifier);
    const setup = module.default ?? module.setup;
    const returned = typeof setup === "function" ? await setup(project) : undefined;
    if (typeof returned === "function") teardowns.push(returned);
    if (typeof module.teardown === "function") teardowns.push(() => module.teardown(project));
  }
  return { provided, teardowns };
}
