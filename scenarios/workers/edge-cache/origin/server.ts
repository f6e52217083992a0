// The shop's origin server: what the edge cache stands in front of.
const products: Record<string, { name: string; usd: number }> = {
  "1": { name: "Mug", usd: 12.5 },
  "2": { name: "Poster", usd: 20 },
};

export default {
  fetch(request: Request): Response {
    const match = new URL(request.url).pathname.match(/^\/api\/products\/(\w+)$/);
    const product = match && products[match[1]];
    if (!product) return new Response("no such product", { status: 404 });
    return Response.json(product);
  },
};
