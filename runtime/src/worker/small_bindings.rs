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
