// The quotes API: the old path redirects to /v2, which answers with the symbol asked for.
export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/quote") return Response.redirect(`https://api.quotes.example/v2/quote${url.search}`, 301);
    if (url.pathname !== "/v2/quote") return new Response("not found", { status: 404 });
    const symbol = url.searchParams.get("symbol");
    return Response.json({ symbol, price: 100 + symbol.length, currency: "USD" });
  },
};
