// POST /jobs/<name> enqueues a job. The consumer of "jobs" processes each job and records it
// in KV; a job named "poison" always fails and is retried, and after its retries lands in the
// dead-letter queue, whose consumer records it as dead. GET /jobs/<name> tells which happened.
export default {
  async fetch(request, env) {
    const name = new URL(request.url).pathname.replace(/^\/jobs\//, "");
    if (request.method === "POST") {
      await env.JOBS.send({ name });
      return new Response("queued", { status: 202 });
    }
    const done = await env.RESULTS.get("done:" + name);
    if (done !== null) return new Response(done);
    const dead = await env.RESULTS.get("dead:" + name);
    if (dead !== null) return new Response(dead, { status: 410 });
    return new Response("pending", { status: 404 });
  },

  async queue(batch, env) {
    for (const message of batch.messages) {
      const { name } = message.body;
      if (batch.queue === "jobs-dlq") {
        await env.RESULTS.put("dead:" + name, `dead after ${message.attempts} attempt(s) in the DLQ`);
        message.ack();
      } else if (name === "poison") {
        message.retry();
      } else {
        await env.RESULTS.put("done:" + name, `done on attempt ${message.attempts}`);
        message.ack();
      }
    }
  },
};
