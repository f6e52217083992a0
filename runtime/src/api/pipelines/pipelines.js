// Pipelines: `env.PIPELINE.send(records)`. The docs' contract: the records are an array of
// objects that JSON serializes; the promise resolves once they are ingested. Each record is
// serialized here, so a value JSON cannot carry (a BigInt, a cycle) throws JSON's own TypeError,
// and what the pipeline ingests is each record's JSON text.

class Pipeline {
  #pipeline;
  constructor(pipeline) { this.#pipeline = pipeline; }
  async send(records) {
    if (!Array.isArray(records) || records.some((r) => r === null || typeof r !== "object" || Array.isArray(r))) {
      throw new TypeError("send(): records must be an array of objects that JSON can serialize.");
    }
    const texts = records.map((r) => JSON.stringify(r));
    ops.pipelineSend(this.#pipeline, texts);
  }
}

return { Pipeline };
