// ---------- fetchMock: declarative answers to outbound fetch() (undici's MockAgent API) ----------
//
// Once activated, every `fetch()` in the isolate — the Worker's and the tests' — is matched
// against the interceptors first; a match answers without leaving the isolate. What matches
// nothing goes out as usual unless `disableNetConnect()` was called.

class MockScope {
  constructor(interceptor) { this.interceptor = interceptor; }
  times(n) { this.interceptor.remaining = n; return this; }
  persist() { this.interceptor.remaining = Infinity; return this; }
  delay(ms) { this.interceptor.delayMs = ms; return this; }
}

const matches = (matcher, value) => {
  if (matcher === undefined) return true;
  if (typeof matcher === "string") return matcher === value;
  if (matcher instanceof RegExp) return matcher.test(value);
  if (typeof matcher === "function") return matcher(value) === true;
  return false;
};

class MockInterceptor {
  constructor(pool, options) {
    this.pool = pool;
    this.path = options.path;
    this.method = options.method ?? "GET";
    this.headers = options.headers;
    this.body = options.body;
    this.query = options.query;
    this.remaining = 1;
    this.delayMs = 0;
    this.answer = null;
    pool.agent.interceptors.push(this);
  }
  reply(status, data, responseOptions = {}) {
    this.answer = typeof status === "function"
      ? (opts) => { const r = status(opts); return { status: r.statusCode, data: r.data, options: r.responseOptions ?? {} }; }
      : (opts) => ({ status, data: typeof data === "function" ? data(opts) : data, options: responseOptions });
    return new MockScope(this);
  }
  replyWithError(error) {
    this.answer = () => { throw error; };
    return new MockScope(this);
  }
  matches(origin, url, request, body) {
    if (!this.pool.matchesOrigin(origin) || this.remaining <= 0) return false;
    const search = this.query ? new URLSearchParams(this.query).toString() : null;
    const path = url.pathname + url.search;
    const pathOk = search !== null
      ? matches(this.path, url.pathname) && url.searchParams.toString() === search
      : matches(this.path, path) || (typeof this.path === "string" && this.path === url.pathname && url.search === "");
    if (!pathOk || !matches(this.method, request.method)) return false;
    if (this.headers !== undefined) {
      const wanted = typeof this.headers === "function" ? null : this.headers;
      if (wanted === null) {
        if (!this.headers(Object.fromEntries(request.headers))) return false;
      } else if (!Object.entries(wanted).every(([k, v]) => matches(v, request.headers.get(k) ?? undefined))) return false;
    }
    return this.body === undefined || matches(this.body, body);
  }
  describe() {
    return `${this.method} ${this.pool.origin}${typeof this.path === "string" ? this.path : String(this.path)}`;
  }
}

class MockPool {
  constructor(agent, origin) { this.agent = agent; this.origin = origin; }
  intercept(options) { return new MockInterceptor(this, options); }
  matchesOrigin(origin) { return matches(this.origin, origin); }
}

class MockAgent {
  interceptors = [];
  #active = false;
  #netConnect = true;
  #original = null;
  get(origin) { return new MockPool(this, origin); }
  activate() {
    if (this.#active) return;
    this.#active = true;
    const original = (this.#original = core.G.fetch);
    const agent = this;
    core.G.fetch = async function fetch(input, init) {
      const request = new core.Request(input, init);
      const url = new core.URL(request.url);
      const body = request.body === null ? undefined : await request.clone().text();
      const found = agent.interceptors.find((i) => i.answer !== null && i.matches(url.origin, url, request, body));
      if (found === undefined) {
        if (!agent.#netConnect) throw agent.notMatched(url, request, body);
        return original(request);
      }
      found.remaining--;
      if (found.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, found.delayMs));
      const answer = found.answer({ path: url.pathname + url.search, method: request.method, headers: Object.fromEntries(request.headers), body, origin: url.origin });
      const data = answer.data !== null && typeof answer.data === "object" && !(answer.data instanceof ArrayBuffer) && !ArrayBuffer.isView(answer.data)
        ? JSON.stringify(answer.data)
        : answer.data;
      return new core.Response(data ?? null, { status: answer.status, headers: answer.options.headers });
    };
  }
  deactivate() {
    if (!this.#active) return;
    this.#active = false;
    core.G.fetch = this.#original;
  }
  /// undici's MockNotMatchedError for a request no interceptor answers: what differs from the
  /// origin's interceptors, checked in undici's order (path, method, body, headers).
  notMatched(url, request, body) {
    const path = url.pathname + url.search;
    let left = this.interceptors.filter((i) => i.remaining > 0 && i.pool.matchesOrigin(url.origin));
    const narrow = (keep, why) => {
      const kept = left.filter(keep);
      if (kept.length === 0) return why;
      left = kept;
      return null;
    };
    const why =
      narrow((i) => matches(i.path, path) || matches(i.path, url.pathname), `Mock dispatch not matched for path '${path}'`) ??
      narrow((i) => matches(i.method, request.method), `Mock dispatch not matched for method '${request.method}' on path '${path}'`) ??
      narrow((i) => i.body === undefined || matches(i.body, body), `Mock dispatch not matched for body '${body}' on path '${path}'`) ??
      `Mock dispatch not matched for headers '${JSON.stringify(Object.fromEntries(request.headers))}' on path '${path}'`;
    const error = new Error(`${why}: subsequent request to origin ${url.origin} was not allowed (net.connect disabled)`);
    error.name = "MockNotMatchedError";
    error.code = "UND_MOCK_ERR_MOCK_NOT_MATCHED";
    return error;
  }
  disableNetConnect() { this.#netConnect = false; }
  enableNetConnect() { this.#netConnect = true; }
  pendingInterceptors() {
    return this.interceptors.filter((i) => i.remaining > 0 && i.remaining !== Infinity);
  }
  assertNoPendingInterceptors() {
    const pending = this.pendingInterceptors();
    if (pending.length > 0) {
      throw new Error(`${pending.length} interceptor${pending.length === 1 ? " is" : "s are"} pending:\n\n${pending.map((i) => `- ${i.describe()}`).join("\n")}`);
    }
  }
}

const fetchMock = new MockAgent();
