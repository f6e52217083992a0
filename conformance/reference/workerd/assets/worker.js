// The Worker behind the recorded static-assets site (public/): answers what assets do not,
// and reaches the assets itself through `env.ASSETS` at /via-binding?path=...
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/via-binding") {
      const target = new URL(url.searchParams.get("path"), url);
      const init = { method: url.searchParams.get("method") ?? "GET", headers: request.headers };
      const response = await env.ASSETS.fetch(target, init);
      const headers = new Headers(response.headers);
      headers.set("x-via", "binding");
      return new Response(response.body, { status: response.status, headers });
    }
    return new Response(`worker ${request.method} ${url.pathname}`, {
      headers: { "content-type": "text/plain", "x-served-by": "worker" },
    });
  },
};
