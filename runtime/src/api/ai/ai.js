// The Workers AI binding (`[ai]`, workerd's ai-api.ts `Ai`). Its models run in Cloudflare's
// network, which a simulation never calls: the binding has the methods code calls, so a
// Worker that binds AI loads and runs, a test can mock them (`vi.spyOn(env.AI, "run")`), and
// an unmocked call rejects saying why.

const unanswered = (method) =>
  new Error(
    `edgesim does not reach Workers AI: env.<AI>.${method}() has no answer in a simulation; in a test, mock it (vi.spyOn(env.AI, "${method}").mockResolvedValue(...))`,
  );

class Ai {
  lastRequestId = null;
  aiGatewayLogId = null;
  lastRequestHttpStatusCode = null;
  lastRequestInternalStatusCode = null;
  async fetch() { throw unanswered("fetch"); }
  async run() { throw unanswered("run"); }
  async models() { throw unanswered("models"); }
  async toMarkdown() { throw unanswered("toMarkdown"); }
  getLogs() { return []; }
  gateway() { throw unanswered("gateway"); }
  autorag() { throw unanswered("autorag"); }
  aiSearch() { throw unanswered("aiSearch"); }
}

return { Ai };
