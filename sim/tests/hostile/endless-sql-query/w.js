// expect: 500 exception
// An endless recursive query in a Durable Object: workerd interrupts SQLite at the CPU limit
// and resets the object; the caller's stub throws.
import { DurableObject } from "cloudflare:workers";
export class Db extends DurableObject {
  fetch() {
    const query = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) AS n FROM c";
    return new Response(String(this.ctx.storage.sql.exec(query).one().n));
  }
}
export default { fetch(request, env) { return env.DB.get(env.DB.idFromName("a")).fetch(request); } };
