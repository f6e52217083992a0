// @cloudflare/vitest-pool-workers/config as edgesim reads a project's vitest config: the
// helpers return what they are given, and `resolveConfig` reduces the config to the JSON the
// driver needs (sim/src/test/project.rs `VitestConfig`).

export function defineWorkersConfig(config) {
  return config;
}
export const defineWorkersProject = defineWorkersConfig;

/// Migrations are read by the driver, from the directory named here.
export async function readD1Migrations(migrationsPath) {
  return { $edgesimD1Migrations: String(migrationsPath) };
}

/// vitest 4's plugin form (`plugins: [cloudflareTest({ ... })]`).
export function cloudflareTest(options) {
  return { name: "@cloudflare/vitest-pool-workers", $edgesimWorkers: options };
}

const pick = (o, keys) => Object.fromEntries(keys.filter((k) => o?.[k] !== undefined).map((k) => [k, o[k]]));

/// The Miniflare options edgesim applies to a Worker (sim/src/test/project.rs
/// `MiniflareOverrides`); `serviceBindings` given as functions do not survive as JSON.
const WORKER_OPTIONS = ["bindings", "compatibilityDate", "compatibilityFlags", "kvNamespaces", "d1Databases", "r2Buckets", "durableObjects", "queueProducers", "queueConsumers", "serviceBindings"];

/// `miniflare.workers`: each auxiliary Worker's name, script and options.
const auxiliaryWorkers = (workers) =>
  workers === undefined ? undefined : [workers].flat().map((w) => pick(w, ["name", "scriptPath", "modules", ...WORKER_OPTIONS]));

export async function resolveConfig(config) {
  let c = await config;
  if (typeof c === "function") c = await c({ mode: "test", command: "serve" });
  const test = c?.test ?? {};
  let workers = test.poolOptions?.workers;
  const plugin = (c?.plugins ?? []).flat().find((p) => p && p.$edgesimWorkers !== undefined);
  if (workers === undefined && plugin) workers = plugin.$edgesimWorkers;
  if (typeof workers === "function") {
    const provided = test.provide ?? {};
    workers = await workers({ inject: (key) => provided[key] });
  }
  workers = workers ?? {};
  const miniflare = workers.miniflare ?? {};
  return {
    include: test.include,
    exclude: test.exclude,
    testTimeout: test.testTimeout,
    hookTimeout: test.hookTimeout,
    globalSetup: test.globalSetup === undefined ? undefined : [test.globalSetup].flat(),
    setupFiles: test.setupFiles === undefined ? undefined : [test.setupFiles].flat(),
    provide: test.provide,
    workers: {
      main: workers.main,
      singleWorker: workers.singleWorker,
      // The plugin form is vitest-pool-workers 0.13 on, which isolates storage per test file
      // only (its `isolatedStorage` option is gone): each file is a simulation of its own.
      isolatedStorage: plugin !== undefined && test.poolOptions?.workers === undefined ? false : workers.isolatedStorage,
      wrangler: workers.wrangler === undefined ? undefined : pick(workers.wrangler, ["configPath", "environment"]),
      miniflare: { ...pick(miniflare, WORKER_OPTIONS), workers: auxiliaryWorkers(miniflare.workers) },
    },
  };
}
