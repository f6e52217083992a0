//! The config of the smaller bindings — rate limiters (`ratelimits`, or the older
//! `unsafe.bindings` of type `ratelimit`), Analytics Engine datasets
//! (`analytics_engine_datasets`) and `version_metadata` — and what wrangler refuses in it.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::IgnoredAny;

/// The periods a rate limiter may count over (ratelimit docs; the binding refuses others).
pub const RATE_LIMIT_PERIODS_S: [u32; 2] = [10, 60];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitConfig {
    pub name: String,
    /// Which counters the binding shares: bindings with the same id count together.
    #[serde(deserialize_with = "string_or_number")]
    pub namespace_id: String,
    pub simple: SimpleRateLimit,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimpleRateLimit {
    pub limit: u32,
    pub period: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnalyticsEngineConfig {
    pub binding: String,
    /// The dataset written to; the binding's name when absent, as wrangler names it.
    pub dataset: Option<String>,
}

/// `[ai]` and `[images]`: a binding to a service of the account, named only.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountServiceConfig {
    pub binding: String,
    /// Whether `wrangler dev` reaches the real service; edgesim never does.
    pub remote: Option<bool>,
}

/// `[[vectorize]]`: a binding to a Vectorize index.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VectorizeConfig {
    pub binding: String,
    pub index_name: String,
    pub remote: Option<bool>,
}

/// `[[pipelines]]`: a binding that sends records to a pipeline (`pipeline`, its name or id;
/// `stream` in the older form).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineConfig {
    pub binding: String,
    pub pipeline: Option<String>,
    pub stream: Option<String>,
}

/// `[[secrets_store_secrets]]`: secret `secret_name` of the account's Secrets Store
/// `store_id`, read with `get()`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretsStoreSecretConfig {
    pub binding: String,
    pub store_id: String,
    pub secret_name: String,
}

/// `[[send_email]]`: a binding that sends email, to one `destination_address`, to the
/// `allowed_destination_addresses`, or to any verified address; from the
/// `allowed_sender_addresses` when given.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SendEmailConfig {
    pub name: String,
    pub destination_address: Option<String>,
    pub allowed_destination_addresses: Option<Vec<String>>,
    pub allowed_sender_addresses: Option<Vec<String>>,
    /// Whether `wrangler dev` sends through the real service; edgesim never does.
    pub remote: Option<bool>,
}

/// wrangler's refusal of a send_email binding given both kinds of destination.
pub fn send_email_problem(index: usize, s: &SendEmailConfig) -> Option<String> {
    (s.destination_address.is_some() && s.allowed_destination_addresses.is_some()).then(|| {
        format!("\"send_email[{index}]\" bindings should have either a \"destination_address\" or \"allowed_destination_addresses\" field, but not both.")
    })
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionMetadataConfig {
    pub binding: String,
}

/// `unsafe`: bindings wrangler passes through untyped. edgesim reads the `ratelimit` ones.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct UnsafeConfig {
    #[serde(default)]
    pub bindings: Vec<serde_json::Value>,
    #[serde(flatten)]
    pub other: BTreeMap<String, IgnoredAny>,
}

impl UnsafeConfig {
    /// Its `ratelimit` bindings; `Err` names one that does not have a rate limiter's shape.
    pub fn rate_limits(&self) -> Result<Vec<RateLimitConfig>, String> {
        self.bindings
            .iter()
            .filter(|b| b.get("type").and_then(|t| t.as_str()) == Some("ratelimit"))
            .map(|b| {
                let mut b = b.clone();
                if let Some(o) = b.as_object_mut() {
                    o.remove("type");
                }
                serde_json::from_value(b).map_err(|e| format!("unsafe.bindings ratelimit: {e}"))
            })
            .collect()
    }

    /// The types of the other bindings, which edgesim does not simulate.
    pub fn unsupported_types(&self) -> Vec<String> {
        (self.bindings.iter())
            .filter_map(|b| b.get("type").and_then(|t| t.as_str()))
            .filter(|t| *t != "ratelimit")
            .map(str::to_string)
            .collect()
    }
}

/// Why a rate limiter's config is refused, or `None`.
pub fn rate_limit_problem(r: &RateLimitConfig) -> Option<String> {
    if !RATE_LIMIT_PERIODS_S.contains(&r.simple.period) {
        return Some(format!(
            "rate limiter {:?}: simple.period must be 10 or 60 (seconds), got {}",
            r.name, r.simple.period
        ));
    }
    if r.simple.limit == 0 {
        return Some(format!(
            "rate limiter {:?}: simple.limit must be at least 1",
            r.name
        ));
    }
    None
}

fn string_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        Text(String),
        Number(u64),
    }
    Ok(match Id::deserialize(d)? {
        Id::Text(s) => s,
        Id::Number(n) => n.to_string(),
    })
}

/// `hyperdrive`: a database reached through Hyperdrive. Locally its `localConnectionString`
/// (or the `CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_<binding>` variable) names the
/// database the binding connects to.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HyperdriveConfig {
    pub binding: String,
    pub id: Option<String>,
    #[serde(rename = "localConnectionString")]
    pub local_connection_string: Option<String>,
}

/// wrangler's variables for a binding's local connection string, the current one first.
pub const HYPERDRIVE_ENV_PREFIXES: [&str; 2] = [
    "CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_",
    "WRANGLER_HYPERDRIVE_LOCAL_CONNECTION_STRING_",
];

/// What a Hyperdrive binding reports and where it connects, from its connection string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HyperdriveTarget {
    pub scheme: String,
    pub user: String,
    pub password: String,
    pub database: String,
    /// `host:port` of the database.
    pub address: String,
}

impl HyperdriveConfig {
    /// Takes the connection string from wrangler's variable for this binding when one is set
    /// (non-empty), over the config's, as `wrangler dev` does.
    pub fn apply_env(&mut self, var: impl Fn(&str) -> Option<String>) {
        let from_env = HYPERDRIVE_ENV_PREFIXES
            .iter()
            .find_map(|prefix| var(&format!("{prefix}{}", self.binding)));
        if let Some(text) = from_env.filter(|t| !t.is_empty()) {
            self.local_connection_string = Some(text);
        }
    }

    /// The database of its connection string, or why wrangler would not start with it (texts
    /// as wrangler and miniflare word them).
    pub fn target(&self) -> Result<HyperdriveTarget, String> {
        let binding = &self.binding;
        let Some(text) = &self.local_connection_string else {
            return Err(format!(
                "When developing locally, you should use a local Postgres connection string to emulate Hyperdrive functionality. Please setup Postgres locally and set the value of the '{}{binding}' variable or \"{binding}\"'s \"localConnectionString\" to the Postgres connection string.",
                HYPERDRIVE_ENV_PREFIXES[0]
            ));
        };
        let problem =
            |message: &str| format!("hyperdrive {binding:?}: localConnectionString: {message}");
        let url = url::Url::parse(text).map_err(|e| problem(&format!("not a URL ({e})")))?;
        let scheme = url.scheme().to_string();
        let default_port = match scheme.as_str() {
            "postgres" | "postgresql" => 5432,
            "mysql" => 3306,
            _ => {
                return Err(problem(
                    "Only PostgreSQL-compatible or MySQL-compatible databases are currently supported.",
                ));
            }
        };
        let host = url.host_str().unwrap_or_default();
        let checks = [
            (
                host.is_empty(),
                "You must provide a hostname or IP address in your connection string - e.g. 'user:password@database-hostname.example.com:5432/databasename",
            ),
            (
                url.path()
                    .strip_prefix('/')
                    .unwrap_or(url.path())
                    .is_empty(),
                "You must provide a database name as the path component - e.g. /postgres",
            ),
            (
                url.username().is_empty(),
                "You must provide a username - e.g. 'user:password@database.example.com:port/databasename'",
            ),
            (
                url.password().is_none_or(str::is_empty),
                "You must provide a password - e.g. 'user:password@database.example.com:port/databasename' ",
            ),
        ];
        if let Some((_, message)) = checks.iter().find(|(failed, _)| *failed) {
            return Err(problem(message));
        }
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        Ok(HyperdriveTarget {
            address: format!("{host}:{}", url.port().unwrap_or(default_port)),
            user: decode(url.username()),
            password: decode(url.password().unwrap_or_default()),
            database: decode(url.path().strip_prefix('/').unwrap_or(url.path())),
            scheme,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hyperdrive(connection: Option<&str>) -> HyperdriveConfig {
        HyperdriveConfig {
            binding: "DB".to_string(),
            id: None,
            local_connection_string: connection.map(str::to_string),
        }
    }

    #[test]
    fn a_connection_string_names_the_database_and_defaults_the_port_by_scheme() {
        let pg = hyperdrive(Some("postgresql://ada:p%40ss@db.internal/app%20db"));
        assert_eq!(
            pg.target(),
            Ok(HyperdriveTarget {
                scheme: "postgresql".to_string(),
                user: "ada".to_string(),
                password: "p@ss".to_string(),
                database: "app db".to_string(),
                address: "db.internal:5432".to_string(),
            })
        );
        let my = hyperdrive(Some("mysql://u:p@10.0.0.2/shop"));
        assert_eq!(
            my.target().map(|t| t.address),
            Ok("10.0.0.2:3306".to_string())
        );
    }

    #[test]
    fn wranglers_variable_overrides_the_config_and_an_empty_one_does_not() {
        let mut h = hyperdrive(Some("postgres://u:p@config/db"));
        h.apply_env(|name| {
            (name == "WRANGLER_HYPERDRIVE_LOCAL_CONNECTION_STRING_DB")
                .then(|| "postgres://u:p@legacy/db".to_string())
        });
        assert_eq!(
            h.local_connection_string.as_deref(),
            Some("postgres://u:p@legacy/db")
        );
        h.apply_env(|name| name.starts_with("CLOUDFLARE_").then(String::new));
        assert_eq!(
            h.local_connection_string.as_deref(),
            Some("postgres://u:p@legacy/db")
        );
    }

    #[test]
    fn a_connection_string_wrangler_would_refuse_is_refused_with_its_text() {
        let problem = |text: &str| hyperdrive(Some(text)).target().unwrap_err();
        assert!(problem("redis://u:p@h/db").ends_with(
            "Only PostgreSQL-compatible or MySQL-compatible databases are currently supported."
        ));
        assert!(problem("postgres://u:p@h").contains("You must provide a database name"));
        assert!(problem("postgres://h/db").contains("You must provide a username"));
        assert!(problem("postgres://u@h/db").contains("You must provide a password"));
        assert!(problem("not a url").contains("not a URL"));
        assert!(
            hyperdrive(None)
                .target()
                .unwrap_err()
                .contains("'CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_DB' variable")
        );
    }
}
