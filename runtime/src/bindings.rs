//! The bindings a Worker's `env` holds besides plain values, as configured in wrangler.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Binding {
    /// `env.<name>` is a KV namespace; `namespace` is its id (shared by Workers that bind it).
    Kv { name: String, namespace: String },
    /// `env.<name>` is a queue producer for queue `queue`; `delay_s` is its `delivery_delay`.
    Queue {
        name: String,
        queue: String,
        delay_s: u32,
    },
    /// `env.<name>` is an R2 bucket; `bucket` is its name, after `<jurisdiction>/` if it has one.
    R2 { name: String, bucket: String },
    /// `env.<name>` is a D1 database; `database` is its id (or name).
    D1 { name: String, database: String },
    /// `env.<name>` is a Durable Object namespace of class `class_name`; `namespace` is
    /// `<worker>/<class>`, which ids are derived from.
    DurableObject {
        name: String,
        namespace: String,
        class_name: String,
        /// Declared in `new_sqlite_classes` (else KV-backed, `new_classes`).
        sqlite: bool,
    },
    /// `env.<name>` is a service binding to entrypoint `entrypoint` (the default export when
    /// `None`) of the Worker named `service`, with `props` as the callee's `ctx.props`;
    /// `loopback` when that Worker is the one bound (its calls stay in the caller's isolate).
    Service {
        name: String,
        service: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        entrypoint: Option<String>,
        props: serde_json::Map<String, serde_json::Value>,
        loopback: bool,
    },
    /// `env.ASSETS`: the Worker's static assets (`assets.binding`), fetched as the router
    /// would serve them.
    Assets { name: String },
    /// `env.<name>` reaches Workflow `workflow` (its `name` in the config, which instances
    /// and the engine are keyed by).
    Workflow { name: String, workflow: String },
    /// `env.<name>` is a rate limiter counting in namespace `namespace`: `limit` calls per key
    /// per `period_s`-second window, at each location.
    RateLimit {
        name: String,
        namespace: String,
        limit: u32,
        period_s: u32,
    },
    /// `env.<name>` writes data points to Analytics Engine dataset `dataset`.
    AnalyticsEngine { name: String, dataset: String },
    /// `env.<name>` is the Workers AI binding.
    Ai { name: String },
    /// `env.<name>` is a binding to Vectorize index `index`.
    Vectorize { name: String, index: String },
    /// `env.<name>` is the Images binding.
    Images { name: String },
    /// `env.<name>` sends records to pipeline `pipeline`.
    Pipeline { name: String, pipeline: String },
    /// `env.<name>` sends email: to `destination` only, or to `allowed_destinations`, from
    /// `allowed_senders` (each unrestricted when absent).
    SendEmail {
        name: String,
        destination: Option<String>,
        allowed_destinations: Option<Vec<String>>,
        allowed_senders: Option<Vec<String>>,
    },
    /// `env.<name>` reads secret `secret` of Secrets Store `store`.
    SecretsStore {
        name: String,
        store: String,
        secret: String,
    },
    /// `env.<name>` is a Hyperdrive configuration whose `connect()` reaches the database at
    /// `target` (`host:port`, from its local connection string).
    Hyperdrive {
        name: String,
        scheme: String,
        user: String,
        password: String,
        database: String,
        target: String,
    },
    /// `env.<name>` is `{ id, tag, timestamp }` of the Worker's version.
    VersionMetadata { name: String, id: String },
}
