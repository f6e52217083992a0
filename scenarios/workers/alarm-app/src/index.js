// A reminder object: POST /arm sets its alarm 1 s ahead. The alarm handler fails its first two
// runs (a flaky dependency), so the platform retries it after 2 s and then 4 s more; the third
// run succeeds. GET /status answers 200 once the reminder has fired, with every run's time.
import { DurableObject } from "cloudflare:workers";

export class Reminder extends DurableObject {
  async arm() {
    await this.ctx.storage.setAlarm(Date.now() + 1000);
    return "armed";
  }

  async alarm(info) {
    const runs = (await this.ctx.storage.get("runs")) ?? [];
    runs.push({ at: Date.now(), retryCount: info.retryCount });
    await this.ctx.storage.put("runs", runs);
    if (runs.length < 3) throw new Error("flaky dependency");
    await this.ctx.storage.put("fired", true);
  }

  async status() {
    return {
      fired: (await this.ctx.storage.get("fired")) ?? false,
      runs: (await this.ctx.storage.get("runs")) ?? [],
    };
  }
}

export default {
  async fetch(request, env) {
    const stub = env.REMINDER.getByName("daily");
    if (request.method === "POST") return new Response(await stub.arm());
    const status = await stub.status();
    return Response.json(status, { status: status.fired ? 200 : 425 });
  },
};
