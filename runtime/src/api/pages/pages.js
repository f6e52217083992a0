// Pages Functions: the Worker `wrangler pages dev` builds from a project's `functions/`
// directory. Each file's `onRequest` / `onRequest<Method>` exports become routes by the file's
// path (`[id]` a parameter, `[[path]]` a catch-all, `index` the directory, `_middleware` every
// path below it); a request runs the matching middlewares outside-in, then the most specific
// handler, each reaching the next through `context.next()`, and the static assets last.
// Routing follows workers-sdk's filepath-routing and pages-template-worker; paths match as
// path-to-regexp 6 matches them (case-insensitive, an optional trailing slash).

const { Request, Response } = core;
const METHODS = ["Get", "Post", "Put", "Patch", "Delete", "Options", "Head"];
const HANDLER = new RegExp(`^onRequest(${METHODS.join("|")})?$`);
const NULL_BODY = [101, 204, 205, 304];

/// `[id]` → `:id`, `[[path]]` → `:path*` (names were checked when the project loaded).
const toPattern = (path) => path.replace(/\[\[([^\]]+)\]\]/g, ":$1*").replace(/\[([^\]]+)\]/g, ":$1");

/// The routes of `files` (`[path below functions/, module namespace]`), most specific first.
function routesOf(files) {
  const routes = [];
  for (const [file, namespace] of files) {
    const stem = file.replace(/\.[^./]+$/, "");
    const base = stem.slice(stem.lastIndexOf("/") + 1);
    const middleware = base === "_middleware" || base === "_middleware_";
    const dir = stem.includes("/") ? stem.slice(0, stem.lastIndexOf("/")) : "";
    const routePath = toPattern(`/${base === "index" || middleware ? dir : stem}`);
    const mountPath = toPattern(`/${dir}`);
    for (const name of Object.keys(namespace)) {
      const m = HANDLER.exec(name);
      if (!m) continue;
      const method = (m[1] ?? "").toUpperCase();
      const handlers = [namespace[name]].flat();
      const existing = routes.find((r) => r.routePath === routePath && r.method === method);
      const route = existing ?? { routePath, method, mountPath, middlewares: [], modules: [] };
      route.mountPath = mountPath;
      if (middleware) route.middlewares = handlers;
      else route.modules = handlers;
      if (!existing) routes.push(route);
    }
  }
  return routes.sort(compareRoutes);
}

function compareRoutes(a, b) {
  const segments = (path) => path.slice(1).split("/").filter(Boolean);
  const [sa, sb] = [segments(a.routePath), segments(b.routePath)];
  if (sa.length !== sb.length) return sb.length - sa.length;
  for (let i = 0; i < sa.length; i++) {
    const [wa, wb] = [sa[i].includes("*"), sb[i].includes("*")];
    if (wa !== wb) return wa ? 1 : -1;
    const [pa, pb] = [sa[i].includes(":"), sb[i].includes(":")];
    if (pa !== pb) return pa ? 1 : -1;
  }
  if (a.method !== b.method && (a.method === "" || b.method === "")) return a.method ? -1 : 1;
  return a.routePath.localeCompare(b.routePath);
}

// ---------- path-to-regexp 6's match, for the patterns above ----------
const SEGMENT = "[^\\/#\\?]+?";
const escape = (text) => text.replace(/[.+?^${}()|[\]\\/]/g, "\\$&");

/// A matcher of `pattern` (`end`: the whole path, else a prefix ending at a `/`) giving
/// `{ path, params }` or null.
function matcher(pattern, end) {
  const names = [];
  let source = "^";
  let rest = pattern;
  for (const m of pattern.matchAll(/\/:(\w+)(\*?)/g)) {
    const [token, name, many] = m;
    const literal = rest.slice(0, rest.indexOf(token));
    source += escape(literal);
    rest = rest.slice(literal.length + token.length);
    names.push([name, many === "*"]);
    source += many ? `(?:\\/(${SEGMENT}(?:\\/${SEGMENT})*))?` : `\\/(${SEGMENT})`;
  }
  source += escape(rest);
  const endDelimited = pattern.endsWith("/");
  if (end) source += "[\\/#\\?]?$";
  else source += `(?:[\\/#\\?](?=$))?${endDelimited ? "" : "(?=[\\/#\\?]|$)"}`;
  const regex = new RegExp(source, "i");
  return (path) => {
    const m = regex.exec(path);
    if (!m) return null;
    const params = {};
    names.forEach(([name, many], i) => {
      const value = m[i + 1];
      if (value !== undefined) params[name] = many ? value.split("/") : value;
    });
    return { path: m[0], params };
  };
}

/// The handlers a request runs, in order: every matching middleware (the least specific
/// first), then the first route whose handlers match the whole path.
function* handlersFor(routes, request) {
  const path = new URL(request.url).pathname;
  const applies = (route) => !route.method || route.method === request.method;
  for (const route of [...routes].reverse()) {
    if (!applies(route)) continue;
    const matched = route.matchPrefix(path);
    const mount = route.matchMount(path);
    if (matched && mount) {
      for (const handler of route.middlewares) yield { handler, params: matched.params, path: mount.path };
    }
  }
  for (const route of routes) {
    if (!applies(route)) continue;
    const matched = route.matchWhole(path);
    const mount = route.matchMount(path);
    if (matched && mount && route.modules.length) {
      for (const handler of route.modules) yield { handler, params: matched.params, path: matched.path };
      break;
    }
  }
}

const copyResponse = (r) => new Response(NULL_BODY.includes(r.status) ? null : r.body, r);

/// The Worker for a Pages project's functions.
function functionsWorker(files) {
  const routes = routesOf(files).map((r) => ({
    ...r,
    matchPrefix: matcher(r.routePath, false),
    matchWhole: matcher(r.routePath, true),
    matchMount: matcher(r.mountPath, false),
  }));
  return {
    async fetch(original, env, ctx) {
      let request = original;
      const pending = handlersFor(routes, request);
      let data = {};
      let failOpen = false;
      const next = async (input, init) => {
        if (input !== undefined) {
          const url = typeof input === "string" ? new URL(input, request.url).toString() : input;
          request = new Request(url, init);
        }
        const step = pending.next();
        if (step.done) return copyResponse(await env.ASSETS.fetch(request));
        const { handler, params, path } = step.value;
        const context = {
          request: new Request(request.clone()),
          functionPath: path,
          next,
          params,
          get data() { return data; },
          set data(value) {
            if (typeof value !== "object" || value === null) throw new Error("context.data must be an object");
            data = value;
          },
          env,
          waitUntil: ctx.waitUntil.bind(ctx),
          passThroughOnException: () => { failOpen = true; },
        };
        const response = await handler(context);
        if (!(response instanceof Response)) throw new Error("Your Pages function should return a Response");
        return copyResponse(response);
      };
      try {
        return await next();
      } catch (error) {
        if (failOpen) return copyResponse(await env.ASSETS.fetch(request));
        throw error;
      }
    },
  };
}

return { functionsWorker };
