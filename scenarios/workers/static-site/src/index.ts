interface Env {
  ASSETS: Fetcher;
  VISITS: KVNamespace;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/api/visits") {
      const seen = Number((await env.VISITS.get("count")) ?? "0") + 1;
      await env.VISITS.put("count", String(seen));
      return Response.json({ visits: seen, colo: request.cf?.colo });
    }
    if (url.pathname === "/api/manifest") {
      // The Worker reads its own static files through the binding.
      const page = await env.ASSETS.fetch(new URL("/", url));
      const html = await page.text();
      const scripts = [...html.matchAll(/src="([^"]+)"/g)].map((m) => m[1]);
      return Response.json({ status: page.status, etag: page.headers.get("etag"), scripts });
    }
    return Response.json({ error: `no API at ${url.pathname}` }, { status: 404 });
  },
} satisfies ExportedHandler<Env>;
