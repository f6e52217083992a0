// The Vectorize binding (`[[vectorize]]`, workerd's vectorize-api.ts). Indexes live in
// Cloudflare's network, which a simulation never calls (`wrangler dev` reaches them remotely):
// the binding has the index's methods, so a Worker that binds one loads and runs, a test can
// mock them (`vi.spyOn(env.VECTORIZE, "query")`), and an unmocked call rejects saying why.

const unanswered = (index, method) =>
  new Error(
    `edgesim does not reach Vectorize: ${method}() on index "${index}" has no answer in a simulation; in a test, mock it (vi.spyOn(env.<binding>, "${method}"))`,
  );

class VectorizeIndex {
  #index;
  constructor(index) { this.#index = index; }
  async describe() { throw unanswered(this.#index, "describe"); }
  async query() { throw unanswered(this.#index, "query"); }
  async queryById() { throw unanswered(this.#index, "queryById"); }
  async insert() { throw unanswered(this.#index, "insert"); }
  async upsert() { throw unanswered(this.#index, "upsert"); }
  async getByIds() { throw unanswered(this.#index, "getByIds"); }
  async deleteByIds() { throw unanswered(this.#index, "deleteByIds"); }
}

return { VectorizeIndex };
