export default { async fetch(request, env) { return new Response(String(await env.KV.get("k"))); } };
