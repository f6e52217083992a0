//! The `assets` table of a wrangler config, with wrangler's defaults and its checks of
//! `run_worker_first` rules (workers-shared `parseStaticRouting`).

use serde::Deserialize;

/// The router's compatibility flags (workers-shared `compatibility-flags.ts`): switched by the
/// Worker's date and flags like workerd's, but read only by the asset router.
pub const ASSET_FLAGS: &[&str] = &[NAVIGATION_PREFERS_ASSETS.0, NAVIGATION_PREFERS_ASSETS.1];

/// `assets_navigation_prefers_asset_serving` (enable, disable, on from): a browser navigation
/// that matches no asset gets the not-found handling's page rather than the Worker.
pub const NAVIGATION_PREFERS_ASSETS: (&str, &str, &str) = (
    "assets_navigation_prefers_asset_serving",
    "assets_navigation_has_no_effect",
    "2025-04-01",
);

/// Whether a flag of [`ASSET_FLAGS`] is on for a Worker's date and flags
/// (`resolveCompatibilityOptions`). Without a date every dated flag is on, as for workerd's
/// flags (`WranglerConfig::flag_enabled`).
pub fn asset_flag_on(flag: (&str, &str, &str), date: Option<&str>, flags: &[String]) -> bool {
    let (enable, disable, from) = flag;
    let set = |name: &str| flags.iter().any(|f| f == name);
    set(enable) || (!set(disable) && date.is_none_or(|d| d >= from))
}

/// `assets = { directory, binding, html_handling, not_found_handling, run_worker_first }`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssetsConfig {
    /// The folder served, relative to the config. Without one there is nothing to serve but
    /// the binding (wrangler requires it for `wrangler dev`).
    pub directory: Option<String>,
    /// The `env` name of the binding that fetches assets from the Worker (`env.ASSETS`).
    pub binding: Option<String>,
    #[serde(default)]
    pub html_handling: HtmlHandling,
    #[serde(default)]
    pub not_found_handling: NotFoundHandling,
    #[serde(default)]
    pub run_worker_first: RunWorkerFirst,
}

/// How `/page`, `/page.html` and `/page/index.html` map onto each other.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HtmlHandling {
    #[default]
    AutoTrailingSlash,
    ForceTrailingSlash,
    DropTrailingSlash,
    None,
}

/// What a request that matches no asset gets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NotFoundHandling {
    SinglePageApplication,
    #[serde(rename = "404-page")]
    NotFoundPage,
    #[default]
    None,
}

/// `true`: every request goes to the Worker first; a list: the requests whose path matches one
/// of the rules (`/api/*`), except those matching a `!/…` rule.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum RunWorkerFirst {
    All(bool),
    Rules(Vec<String>),
}

impl Default for RunWorkerFirst {
    fn default() -> Self {
        RunWorkerFirst::All(false)
    }
}

/// The router's split of `run_worker_first` rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StaticRouting {
    /// Paths that go to the Worker first.
    pub user_worker: Vec<String>,
    /// Paths that go to the assets even so (the `!/…` rules, without the `!`).
    pub asset_worker: Vec<String>,
}

/// At most this many `run_worker_first` rules, each shorter than [`RULE_LENGTH_MAX`].
const RULES_MAX: usize = 100;
const RULE_LENGTH_MAX: usize = 100;

/// Splits and checks `run_worker_first` rules as wrangler does before it serves or deploys;
/// the error is wrangler's text.
pub fn static_routing(rules: &[String]) -> Result<StaticRouting, String> {
    if rules.is_empty() {
        return Err(
            "No `run_worker_first` rules were provided; must provide at least 1 rule.".into(),
        );
    }
    if rules.len() > RULES_MAX {
        return Err(format!(
            "Too many `run_worker_first` rules were provided; {} rules provided exceeds max of {RULES_MAX}.",
            rules.len()
        ));
    }
    let mut routing = StaticRouting::default();
    let (mut raw_negative, mut invalid) = (Vec::new(), Vec::new());
    for rule in rules {
        if let Some(path) = rule.strip_prefix('!').filter(|p| p.starts_with('/')) {
            routing.asset_worker.push(path.to_string());
            raw_negative.push(rule.clone());
        } else if rule.starts_with('/') {
            routing.user_worker.push(rule.clone());
        } else if rule.starts_with('!') {
            invalid.push(format!("'{rule}': negative rules must start with '!/'"));
        } else {
            invalid.push(format!("'{rule}': rules must start with '/' or '!/'"));
        }
    }
    if !routing.asset_worker.is_empty() && routing.user_worker.is_empty() {
        return Err("Only negative `run_worker_first` rules were provided; must provide at least 1 non-negative rule".into());
    }
    invalid.extend(redundant_or_invalid(&routing.user_worker));
    invalid.extend(redundant_or_invalid(&raw_negative));
    if invalid.is_empty() {
        return Ok(routing);
    }
    Err(format!(
        "Invalid routes in `run_worker_first`:\n{}",
        invalid.join("\n")
    ))
}

fn redundant_or_invalid(rules: &[String]) -> Vec<String> {
    let mut invalid = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for rule in rules {
        if rule.len() > RULE_LENGTH_MAX {
            invalid.push(format!(
                "'{rule}': all rules must be less than {RULE_LENGTH_MAX} characters in length"
            ));
        }
        if !seen.insert(rule.as_str()) {
            invalid.push(format!(
                "'{rule}': rule is a duplicate; rules must be unique"
            ));
        }
        if let Some(prefix) = rule.strip_suffix('*') {
            for other in rules {
                if other != rule && other.starts_with(prefix) {
                    invalid.push(format!("'{other}': rule '{rule}' makes it redundant"));
                }
            }
        }
    }
    invalid
}
