// URLPattern (WICG), compiled and matched natively (ops.rs beside this file).

const { G, define } = core;

const URL_PATTERN_PARTS = ["protocol", "username", "password", "hostname", "port", "pathname", "search", "hash"];

/// A pattern or match input as the native side takes it (JSON text).
function urlPatternInput(input) {
  if (typeof input === "string") return JSON.stringify(input);
  if (input === null || typeof input !== "object") return JSON.stringify(String(input));
  const init = {};
  for (const k of [...URL_PATTERN_PARTS, "baseURL"]) if (input[k] !== undefined) init[k === "baseURL" ? "baseUrl" : k] = String(input[k]);
  return JSON.stringify(init);
}

/// workerd's spec-compliant URLPattern (the default since compatibility date 2025-05-01) says
/// only which call failed (urlpattern-standard.c++), whatever the pattern's fault was.
function urlPatternCall(what, f) {
  try {
    return f();
  } catch {
    throw new TypeError(`Failed to ${what} URLPattern`);
  }
}

class URLPattern {
  #id; #parts = {}; #regexpGroups;
  constructor(input = {}, baseURL, options) {
    if (typeof baseURL === "object" && baseURL !== null && options === undefined) { options = baseURL; baseURL = undefined; }
    const r = urlPatternCall("construct", () => ops.urlPatternNew(urlPatternInput(input), baseURL === undefined ? null : String(baseURL), !!options?.ignoreCase));
    this.#id = Number(r[0]);
    URL_PATTERN_PARTS.forEach((k, i) => { this.#parts[k] = r[i + 1]; });
    this.#regexpGroups = r[9] === "true";
  }
  test(input = {}, baseURL) { return this.#run("test", input, baseURL) !== null; }
  exec(input = {}, baseURL) { return this.#run("exec", input, baseURL); }
  #run(what, input, baseURL) {
    const json = urlPatternCall(what, () => ops.urlPatternExec(this.#id, urlPatternInput(input), baseURL === undefined ? null : String(baseURL)));
    const out = JSON.parse(json);
    if (out === null) return null;
    for (const k of URL_PATTERN_PARTS) for (const [g, v] of Object.entries(out[k].groups)) if (v === null) out[k].groups[g] = undefined;
    out.inputs = baseURL === undefined ? [input] : [input, baseURL];
    return out;
  }
  static _part(p, k) { return p.#parts[k]; }
  get hasRegExpGroups() { return this.#regexpGroups; }
  get [Symbol.toStringTag]() { return "URLPattern"; }
}
for (const k of URL_PATTERN_PARTS) Object.defineProperty(URLPattern.prototype, k, { get() { return URLPattern._part(this, k); }, configurable: true });
define(G, "URLPattern", URLPattern);

return {};
