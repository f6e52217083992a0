// Every two minutes a cron trigger records when it ran; GET / reports the runs so far.
export default {
  async scheduled(controller, env, ctx) {
    const runs = JSON.parse((await env.STATE.get("runs")) ?? "[]");
    runs.push({ cron: controller.cron, scheduledTime: controller.scheduledTime, at: Date.now() });
    ctx.waitUntil(env.STATE.put("runs", JSON.stringify(runs)));
  },
  async fetch(request, env) {
    return new Response((await env.STATE.get("runs")) ?? "[]", { headers: { "content-type": "application/json" } });
  },
};
