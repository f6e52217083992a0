//! Bindings to services that run only in Cloudflare's network (Workers AI, Vectorize): edgesim
//! never calls out, so a Worker that binds them loads and runs, their methods are there for a
//! test to mock, an unmocked call rejects saying why, and the config's warnings say so.

use edgesim_conformance::Project;
use serde_json::json;

const WRANGLER: &str = r#"{
  "name": "app", "main": "index.js", "compatibility_date": "2025-03-20",
  "ai": { "binding": "AI" },
  "vectorize": [{ "binding": "VECTORIZE", "index_name": "embeddings" }]
}"#;

const WORKER: &str = r#"
export default {
  async fetch(request, env) {
    const message = (p) => p.then(() => "answered", (e) => e.message);
    env.VECTORIZE.query = async (vector, options) => ({ count: 1, matches: [{ id: "a", score: 1 }] });
    return Response.json({
      methods: ["run", "models", "gateway"].map((m) => typeof env.AI[m]),
      run: await message(env.AI.run("@cf/baai/bge-base-en-v1.5", { text: ["x"] })),
      upsert: await message(env.VECTORIZE.upsert([{ id: "a", values: [1, 2] }])),
      mocked: await env.VECTORIZE.query([1, 2], { topK: 1 }),
    });
  },
};
"#;

#[test]
fn ai_and_vectorize_bindings_load_answer_mocks_and_reject_unmocked_calls_saying_why() {
    let p = Project::with(
        "remote-bindings",
        &[("wrangler.jsonc", WRANGLER), ("index.js", WORKER)],
    );
    assert_eq!(
        p.answer().unwrap(),
        json!({
            "methods": ["function", "function", "function"],
            "run": "edgesim does not reach Workers AI: env.<AI>.run() has no answer in a simulation; declare one in the scenario (answers: { ai: { <model>: ... } }), or in a test, mock it (vi.spyOn(env.AI, \"run\").mockResolvedValue(...))",
            "upsert": "edgesim does not reach Vectorize: upsert() on index \"embeddings\" has no answer in a simulation; declare one in the scenario (answers: { vectorize: { embeddings: { upsert: ... } } }), or in a test, mock it (vi.spyOn(env.<binding>, \"upsert\"))",
            "mocked": { "count": 1, "matches": [{ "id": "a", "score": 1 }] }
        })
    );
    let warnings = p.worker(None).unwrap().warnings();
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("ai binding \"AI\": Workers AI runs in Cloudflare's network"))
            && warnings.iter().any(|w| w
                .starts_with("vectorize binding \"VECTORIZE\": Vectorize index \"embeddings\"")),
        "{warnings:?}"
    );
}
