// An edge cache in front of a shop's origin: product pages come from the origin server (in
// Ashburn) and are kept in each colo's cache for a minute; images come from a static file
// server; prices are converted with a third-party exchange-rate API.
interface Env {
  ORIGIN: string;
  ASSETS: string;
  RATES: string;
}

async function cached(request: Request, upstream: string, ctx: ExecutionContext): Promise<Response> {
  const cache = caches.default;
  const hit = await cache.match(request.url);
  if (hit) {
    const response = new Response(hit.body, hit);
    response.headers.set("x-cache", "HIT");
    return response;
  }
  const fresh = await fetch(upstream);
  if (!fresh.ok) return fresh;
  const response = new Response(fresh.body, fresh);
  response.headers.set("cache-control", "public, max-age=60");
  ctx.waitUntil(cache.put(request.url, response.clone()));
  response.headers.set("x-cache", "MISS");
  return response;
}

async function price(env: Env, url: URL): Promise<Response> {
  const currency = url.searchParams.get("currency") ?? "EUR";
  const product = await (await fetch(`${env.ORIGIN}/api/products/1`)).json<{ usd: number }>();
  const rates = await fetch(env.RATES);
  if (!rates.ok) return new Response("rates unavailable", { status: 502 });
  const { rates: table } = await rates.json<{ rates: Record<string, number> }>();
  const rate = table[currency];
  if (rate === undefined) return new Response(`unknown currency ${currency}`, { status: 400 });
  return Response.json({ currency, price: Math.round(product.usd * rate * 100) / 100 });
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/img/")) return fetch(`${env.ASSETS}${url.pathname}`);
    if (url.pathname === "/price") return price(env, url);
    if (url.pathname.startsWith("/products/")) {
      return cached(request, `${env.ORIGIN}/api${url.pathname}`, ctx);
    }
    return new Response("not found", { status: 404 });
  },
} satisfies ExportedHandler<Env>;
