// vitest/config as edgesim reads a project's vitest config.

export const defineConfig = (config) => config;
export const defineProject = (config) => config;
export const defineWorkspace = (config) => config;

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
export function mergeConfig(defaults, overrides) {
  const out = { ...defaults };
  for (const [k, v] of Object.entries(overrides ?? {})) {
    out[k] = isObject(v) && isObject(out[k]) ? mergeConfig(out[k], v) : Array.isArray(v) && Array.isArray(out[k]) ? [...out[k], ...v] : v;
  }
  return out;
}

export const configDefaults = Object.freeze({
  include: ["**/*.{test,spec}.?(c|m)[jt]s?(x)"],
  exclude: ["**/node_modules/**", "**/dist/**", "**/cypress/**", "**/.{idea,git,cache,output,temp}/**", "**/{karma,rollup,webpack,vite,vitest,jest,ava,babel,nyc,cypress,tsup,build,eslint,prettier}.config.*"],
});
export const defaultInclude = configDefaults.include;
export const defaultExclude = configDefaults.exclude;
