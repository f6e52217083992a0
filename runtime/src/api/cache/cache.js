// The Cache API (`caches.default`, `caches.open(name)`), over ops.cache. The checks `put` makes
// before anything is sent, and their texts, are workerd's (api/cache.c++); what is stored and
// for how long is decided by the data centre's cache (storage/cache.rs).

const { G, define, URL, Headers, Request, Response, BODY_USED, awaitOp } = core;

const CACHE_NAME_LENGTH_MAX = 1024;

function cacheRequest(request) {
  return request instanceof Request ? request : new Request(request);
}

class Cache {
  #name;
  constructor(name) { this.#name = name; }

  async match(request, options) {
    const req = cacheRequest(request);
    if (req.method !== "GET" && !options?.ignoreMethod) return undefined;
    const found = await awaitOp(ops.cache("match", [this.#name, req.url], Headers._flat(req.headers), 0, null));
    if (found === null) return undefined;
    const [status, statusText, headers, bytes] = found;
    return new Response(status === 304 ? null : bytes, { status, statusText, headers });
  }

  async put(request, response) {
    const req = cacheRequest(request);
    if (req.method !== "GET") throw new TypeError("Cannot cache response to non-GET request.");
    if (!(response instanceof Response)) throw new TypeError("Failed to execute 'put' on 'Cache': parameter 2 is not of type 'Response'.");
    if (response.status === 206) throw new TypeError("Cannot cache response to a range request (206 Partial Content).");
    const vary = response.headers.get("vary");
    if (vary !== null && vary.split(",").some((v) => v.trim() === "*")) throw new TypeError("Cannot cache response with 'Vary: *' header.");
    if (response.type === "error") throw new TypeError("Cache is unable to store an error response");
    if (response.status === 101) throw new TypeError("Cannot cache WebSocket upgrade response.");
    if (response.bodyUsed) throw new TypeError(BODY_USED);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const protocol = new URL(req.url).protocol;
    if (protocol !== "http:" && protocol !== "https:") return undefined;
    await awaitOp(ops.cache("put", [this.#name, req.url], Headers._flat(response.headers), response.status, bytes));
    return undefined;
  }

  async delete(request, options) {
    const req = cacheRequest(request);
    if (req.method !== "GET" && !options?.ignoreMethod) return false;
    return awaitOp(ops.cache("delete", [this.#name, req.url], [], 0, null));
  }
}
define(G, "Cache", Cache);

class CacheStorage {
  #default = new Cache("default");
  #opened = [];
  get default() { return this.#default; }
  async open(name) {
    name = String(name);
    if (name.length >= CACHE_NAME_LENGTH_MAX) throw new TypeError("Cache name is too long.");
    if (!this.#opened.includes(name)) this.#opened.push(name);
    return new Cache(`named/${name}`);
  }
  async keys() { return [...this.#opened]; }
}
define(G, "CacheStorage", CacheStorage);
define(G, "caches", new CacheStorage());

return {};
