// A gateway that asks another Worker, the auth service, who a request's token belongs to —
// over JS RPC for the check, over HTTP for the health page — before it answers.
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/health") return env.AUTH_HTTP.fetch("https://auth/health");
    const token = url.searchParams.get("token") ?? "";
    try {
      const user = await env.AUTH.verify(token);
      const calls = await env.AUTH.callsSoFar;
      return Response.json({ user, calls });
    } catch (e) {
      // The auth Worker's own error, with its class, as thrown there.
      return Response.json({ error: `${e.name}: ${e.message}`, remote: e.remote }, { status: 401 });
    }
  },
};
