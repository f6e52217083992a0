// The Vectorize binding (`[[vectorize]]`, workerd's vectorize-api.ts). Indexes live in
// Cloudflare's network, which a simulation never calls (`wrangler dev` reaches them remotely):
// the binding has the index's methods, so a Worker that binds one loads and runs; each answers
// what the scenario declares for the index and method (`answers: { vectorize: { <index>: {
// query: ... } } }`), a test can mock them (`vi.spyOn(env.VECTORIZE, "query")`), and a call
// with no answer rejects saying why.

const unanswered = (index, method) =>
  new Error(
    `edgesim does not reach Vectorize: ${method}() on index "${index}" has no answer in a simulation; declare one in the scenario (answers: { vectorize: { ${index}: { ${method}: ... } } }), or in a test, mock it (vi.spyOn(env.<binding>, "${method}"))`,
  );

class VectorizeIndex {
  #index;
  constructor(index) { this.#index = index; }
  #answer(method) {
    const answer = ops.declaredAnswer(`vectorize:${this.#index}`, method);
    if (answer === undefined) throw unanswered(this.#index, method);
    return JSON.parse(answer);
  }
  async describe() { return this.#answer("describe"); }
  async query() { return this.#answer("query"); }
  async queryById() { return this.#answer("queryById"); }
  async insert() { return this.#answer("insert"); }
  async upsert() { return this.#answer("upsert"); }
  async getByIds() { return this.#answer("getByIds"); }
  async deleteByIds() { return this.#answer("deleteByIds"); }
}

return { VectorizeIndex };
