//! The bindings a Worker's `env` holds besides plain values, as configured in wrangler.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Binding {
    /// `env.<name>` is a KV namespace; `namespace` is its id (shared by Workers that bind it).
    Kv { name: String, namespace: String },
}
