// The Workers AI binding (`[ai]`, workerd's ai-api.ts `Ai`). Its models run in Cloudflare's
// network, which a simulation never calls: the binding has the methods code calls, so a
// Worker that binds AI loads and runs; `run()` answers what the scenario declares for the
// model (`answers: { ai: { <model>: <answer> } }`), a test can mock it
// (`vi.spyOn(env.AI, "run")`), and a call with no answer rejects saying why.

const unanswered = (method) =>
  new Error(
    `edgesim does not reach Workers AI: env.<AI>.${method}() has no answer in a simulation; declare one in the scenario (answers: { ai: { <model>: ... } }), or in a test, mock it (vi.spyOn(env.AI, "${method}").mockResolvedValue(...))`,
  );

/// A declared answer as the model's stream sends it: one server-sent event, then `[DONE]`.
const eventStream = (text) => new Response(`data: ${text}\n\ndata: [DONE]\n\n`).body;

class Ai {
  lastRequestId = null;
  aiGatewayLogId = null;
  lastRequestHttpStatusCode = null;
  lastRequestInternalStatusCode = null;
  async fetch() { throw unanswered("fetch"); }
  async run(model, inputs, options) {
    const answer = ops.declaredAnswer("ai", String(model));
    if (answer === undefined) throw unanswered("run");
    if (options?.returnRawResponse) return new Response(answer, { headers: { "content-type": "application/json" } });
    if (inputs?.stream) return eventStream(answer);
    return JSON.parse(answer);
  }
  async models() { throw unanswered("models"); }
  async toMarkdown() { throw unanswered("toMarkdown"); }
  getLogs() { return []; }
  gateway() { throw unanswered("gateway"); }
  autorag() { throw unanswered("autorag"); }
  aiSearch() { throw unanswered("aiSearch"); }
}

return { Ai };
