// A link shortener written in the service-worker format, as many Workers and tutorials still
// are: no module syntax, handlers registered with addEventListener, bindings (LINKS, SITE_NAME)
// as globals.
//
//   POST /links {"slug","url"}  stores a link        GET /links/:slug  redirects, counting the hit
//   GET /digest                 the cron's digest     after the response (event.waitUntil)
//   /static/*                   the origin's files (no respondWith: default handling)
//   /legacy/*                   the origin's pages, reached because the Worker fails there
//                               after passThroughOnException()

addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (url.pathname.startsWith("/static/")) return;
  if (url.pathname.startsWith("/legacy/")) {
    event.passThroughOnException();
    throw new Error("the legacy pages are the origin's");
  }
  event.respondWith(handle(event, url));
});

async function handle(event, url) {
  if (url.pathname === "/links" && event.request.method === "POST") {
    const { slug, url: target } = await event.request.json();
    if (!/^[\w-]{1,32}$/.test(slug ?? "") || !URL.canParse(target)) {
      return new Response("expected {\"slug\": \"[A-Za-z0-9_-]{1,32}\", \"url\": \"<absolute URL>\"}\n", { status: 400 });
    }
    await LINKS.put(`link:${slug}`, target);
    return new Response(`https://${SITE_NAME}/${slug}\n`, { status: 201 });
  }
  const slug = /^\/links\/([\w-]+)$/.exec(url.pathname)?.[1];
  if (slug) {
    const target = await LINKS.get(`link:${slug}`);
    if (target === null) return new Response(`no link ${slug}\n`, { status: 404 });
    event.waitUntil(countHit(slug));
    return Response.redirect(target, 302);
  }
  if (url.pathname === "/digest") {
    return new Response((await LINKS.get("digest")) ?? "{}", { headers: { "content-type": "application/json" } });
  }
  return new Response(`${SITE_NAME}: POST /links to shorten a URL\n`);
}

async function countHit(slug) {
  const hits = Number((await LINKS.get(`hits:${slug}`)) ?? 0);
  await LINKS.put(`hits:${slug}`, String(hits + 1));
}

// Every two minutes: how many times each link was followed.
addEventListener("scheduled", (event) => {
  event.waitUntil((async () => {
    const { keys } = await LINKS.list({ prefix: "hits:" });
    const hits = {};
    for (const { name } of keys) hits[name.slice("hits:".length)] = Number(await LINKS.get(name));
    await LINKS.put("digest", JSON.stringify({ cron: event.cron, scheduledTime: event.scheduledTime, hits }));
  })());
});
