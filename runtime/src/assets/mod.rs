//! Static assets (wrangler `assets`): the files of a directory served in front of the Worker
//! as production serves them — the router deciding between assets and the Worker
//! (`run_worker_first`), then the asset worker's rules (`_redirects`, `html_handling`,
//! `not_found_handling`, `_headers`, ETags and `If-None-Match`) — and `env.ASSETS.fetch`.
//! The behaviour is workers-sdk's `workers-shared` router and asset Workers, which both
//! production and `wrangler dev` run; conformance/tests/differential_assets.rs compares it
//! with what they answered.

pub mod config;
mod intent;
mod manifest;
pub mod rules;

use std::path::{Path, PathBuf};

pub use config::{AssetsConfig, HtmlHandling, NotFoundHandling, RunWorkerFirst, StaticRouting};
pub use manifest::{ASSET_COUNT_MAX, ASSET_SIZE_MAX_BYTES, Asset, AssetSet, content_type};
pub use rules::{HeaderRules, InvalidRule, Redirects};

use crate::http::{HttpRequest, HttpResponse};
use intent::{Intent, Resolver};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssetsError {
    #[error("{}: cannot read: {message}", path.display())]
    Read { path: PathBuf, message: String },
    #[error(
        "Asset too large: {} is {size_bytes} bytes; Cloudflare Workers supports assets of up to 25 MiB. Ensure all assets in your assets directory \"{}\" conform with the Workers maximum size requirement.",
        file.display(),
        dir.display()
    )]
    TooLarge {
        file: PathBuf,
        dir: PathBuf,
        size_bytes: u64,
    },
    #[error(
        "Maximum number of assets exceeded: Cloudflare Workers supports up to {ASSET_COUNT_MAX} assets in a version, and \"{}\" holds more.",
        dir.display()
    )]
    TooMany { dir: PathBuf },
    #[error("{file}: assets.run_worker_first: {message}")]
    Routing { file: String, message: String },
}

/// Whether the edge cache at the colo already held the asset (`CF-Cache-Status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheStatus {
    Hit,
    Miss,
}

impl CacheStatus {
    fn as_str(self) -> &'static str {
        match self {
            CacheStatus::Hit => "HIT",
            CacheStatus::Miss => "MISS",
        }
    }
}

/// Where the router sends a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The Worker runs; the assets did not answer.
    Worker,
    /// The assets answered; the Worker is not invoked (nor billed).
    Assets(HttpResponse),
}

/// A Worker's assets, ready to serve.
#[derive(Debug, Clone)]
pub struct StaticAssets {
    pub set: AssetSet,
    pub html_handling: HtmlHandling,
    pub not_found_handling: NotFoundHandling,
    run_worker_first: bool,
    static_routing: Option<StaticRouting>,
    /// `assets_navigation_prefers_asset_serving` (on from 2025-04-01): a browser navigation
    /// (`Sec-Fetch-Mode: navigate`) that matches no asset gets the not-found handling's page
    /// rather than the Worker.
    navigation_prefers_assets: bool,
    redirects: Redirects,
    headers: HeaderRules,
    /// Rules `_headers` and `_redirects` refused, as wrangler warns of them.
    pub warnings: Vec<String>,
}

/// What [`StaticAssets::load`] needs besides the `assets` table.
pub struct LoadOptions<'a> {
    /// The config file, for messages; relative directories are relative to its directory.
    pub config_file: &'a str,
    pub root: &'a Path,
    pub navigation_prefers_assets: bool,
}

impl StaticAssets {
    pub fn load(config: &AssetsConfig, options: &LoadOptions) -> Result<Self, AssetsError> {
        let dir = config.directory.as_deref().map(|d| options.root.join(d));
        let set = match &dir {
            Some(dir) if dir.is_dir() => AssetSet::load(dir)?,
            // `wrangler dev` serves a directory the build has not made yet as an empty one.
            _ => AssetSet::default(),
        };
        let (mut run_worker_first, mut static_routing) = (false, None);
        match &config.run_worker_first {
            RunWorkerFirst::All(all) => run_worker_first = *all,
            RunWorkerFirst::Rules(rules) => {
                let routing =
                    config::static_routing(rules).map_err(|message| AssetsError::Routing {
                        file: options.config_file.to_string(),
                        message,
                    })?;
                static_routing = Some(routing);
            }
        }
        let mut warnings = Vec::new();
        let read = |name: &str| {
            let file = dir.as_ref()?.join(name);
            Some((std::fs::read_to_string(&file).ok()?, file))
        };
        let mut redirects = Redirects::default();
        if let Some((text, file)) = read("_redirects") {
            let html_on = config.html_handling != HtmlHandling::None;
            let (parsed, invalid) = Redirects::parse(&text, html_on);
            redirects = parsed;
            warnings.extend(describe(&file, "redirect", &invalid));
        }
        let mut headers = HeaderRules::default();
        if let Some((text, file)) = read("_headers") {
            let (parsed, invalid) = HeaderRules::parse(&text);
            headers = parsed;
            warnings.extend(describe(&file, "header", &invalid));
        }
        Ok(StaticAssets {
            set,
            html_handling: config.html_handling,
            not_found_handling: config.not_found_handling,
            run_worker_first,
            static_routing,
            navigation_prefers_assets: options.navigation_prefers_assets,
            redirects,
            headers,
            warnings,
        })
    }

    /// The router: whether `request` reaches the Worker (`has_worker`) or the assets, and the
    /// assets' answer. `cache` says whether the colo's cache holds an asset (by ETag).
    pub fn route(
        &self,
        request: &HttpRequest,
        has_worker: bool,
        cache: &mut dyn FnMut(&str) -> CacheStatus,
    ) -> Route {
        let Some(url) = RequestUrl::of(request) else {
            return if has_worker {
                Route::Worker
            } else {
                Route::Assets(HttpResponse::new(400, Vec::new(), Vec::new()))
            };
        };
        if let Some(routing) = &self.static_routing {
            if glob_match(&routing.asset_worker, &url.path) {
                return Route::Assets(self.serve(request, &url, cache));
            }
            if has_worker && glob_match(&routing.user_worker, &url.path) {
                return Route::Worker;
            }
        }
        if has_worker && self.run_worker_first {
            return Route::Worker;
        }
        if has_worker && !self.can_serve(request, &url) {
            return Route::Worker;
        }
        Route::Assets(self.serve(request, &url, cache))
    }

    /// `env.ASSETS.fetch(request)`.
    pub fn fetch(
        &self,
        request: &HttpRequest,
        cache: &mut dyn FnMut(&str) -> CacheStatus,
    ) -> HttpResponse {
        match RequestUrl::of(request) {
            Some(url) => self.serve(request, &url, cache),
            None => HttpResponse::new(400, Vec::new(), Vec::new()),
        }
    }

    /// `canFetch`: whether the assets have anything to say to this request. The not-found
    /// handling counts only for navigations (or with `run_worker_first` rules): otherwise an
    /// unknown path is the Worker's.
    fn can_serve(&self, request: &HttpRequest, url: &RequestUrl) -> bool {
        let navigation =
            self.navigation_prefers_assets && header(request, "sec-fetch-mode") == Some("navigate");
        let not_found = if self.static_routing.is_some() || navigation {
            self.not_found_handling
        } else {
            NotFoundHandling::None
        };
        !matches!(self.answer(request, url, not_found), Answer::NoIntent)
    }

    fn serve(
        &self,
        request: &HttpRequest,
        url: &RequestUrl,
        cache: &mut dyn FnMut(&str) -> CacheStatus,
    ) -> HttpResponse {
        let mut out = match self.answer(request, url, self.not_found_handling) {
            Answer::NoIntent => not_found(),
            Answer::Response(r) => r,
            Answer::Asset { etag, status } => self.asset_response(request, etag, status, cache),
        };
        self.headers
            .apply(&url.hostname, &url.path, &mut out.headers);
        out
    }

    /// `getResponseOrAssetIntent`: `_redirects` first, then the intent for the decoded path.
    fn answer<'a>(
        &'a self,
        request: &HttpRequest,
        url: &RequestUrl,
        not_found_handling: NotFoundHandling,
    ) -> Answer<'a> {
        let mut path = url.path.clone();
        let mut proxied = false;
        if let Some(target) = self.redirects.find(&url.host, &url.hostname, &url.path) {
            let Ok(destination) = url.parsed.join(&target.to) else {
                return Answer::Response(HttpResponse::new(500, Vec::new(), Vec::new()));
            };
            if target.status == 200 {
                path = destination.path().to_string();
                proxied = true;
            } else {
                let location = redirect_location(&url.parsed, &destination, &url.search);
                return Answer::Response(redirect(target.status, location));
            }
        }
        let decoded = decode_path(&path);
        let resolver = Resolver {
            set: &self.set,
            html_handling: self.html_handling,
            not_found_handling,
        };
        let Some(intent) = resolver.intent(&decoded) else {
            return match proxied {
                true => Answer::Response(HttpResponse::new(404, Vec::new(), Vec::new())),
                false => Answer::NoIntent,
            };
        };
        if !matches!(request.method.to_ascii_uppercase().as_str(), "GET" | "HEAD") {
            return Answer::Response(HttpResponse::new(405, Vec::new(), Vec::new()));
        }
        match intent {
            Intent::Redirect(destination) => {
                let location = format!("{}{}", encode_path(&destination), url.search);
                Answer::Response(redirect(307, location))
            }
            Intent::Asset { etag, .. } if encode_path(&decoded) != path => {
                let _ = etag;
                let location = format!("{}{}", encode_path(&decoded), url.search);
                Answer::Response(redirect(307, location))
            }
            Intent::Asset { etag, status, .. } => Answer::Asset { etag, status },
        }
    }

    /// `resolveAssetIntentToResponse`.
    fn asset_response(
        &self,
        request: &HttpRequest,
        etag: &str,
        status: u16,
        cache: &mut dyn FnMut(&str) -> CacheStatus,
    ) -> HttpResponse {
        let asset = self.set.by_etag(etag);
        let mut headers = vec![("etag".to_string(), format!("\"{etag}\""))];
        if let Some(t) = asset.and_then(|a| a.content_type) {
            headers.push(("content-type".into(), t.into()));
        }
        if header(request, "authorization").is_none() && header(request, "range").is_none() {
            headers.push(("cache-control".into(), CACHE_CONTROL.into()));
        }
        headers.push(("cf-cache-status".into(), cache(etag).as_str().into()));
        let if_none_match = header(request, "if-none-match").unwrap_or("");
        if if_none_match == format!("\"{etag}\"") || if_none_match == format!("W/\"{etag}\"") {
            return HttpResponse::new(304, headers, Vec::new());
        }
        let head = request.method.eq_ignore_ascii_case("HEAD");
        let body = match (head, asset) {
            (false, Some(a)) => a.body.to_vec(),
            _ => Vec::new(),
        };
        HttpResponse::new(status, headers, body)
    }
}

/// What a request that no asset and no rule matches gets from the assets: a bare 404 (and
/// what every request gets from an empty assets directory).
pub fn not_found() -> HttpResponse {
    HttpResponse::new(404, Vec::new(), Vec::new())
}

/// Browsers check with the server before using a cached copy.
const CACHE_CONTROL: &str = "public, max-age=0, must-revalidate";

enum Answer<'a> {
    /// Nothing matched: the Worker's, if there is one; else a bare 404.
    NoIntent,
    Response(HttpResponse),
    Asset {
        etag: &'a str,
        status: u16,
    },
}

/// The parts of a request's URL the rules look at.
struct RequestUrl {
    parsed: url::Url,
    /// Encoded, as the client sent it (after URL parsing's normalisation).
    path: String,
    /// `?…`, or empty.
    search: String,
    /// With the port, if any.
    host: String,
    hostname: String,
}

impl RequestUrl {
    fn of(request: &HttpRequest) -> Option<RequestUrl> {
        let parsed = url::Url::parse(&request.url).ok()?;
        let hostname = parsed.host_str().unwrap_or("").to_string();
        let host = match parsed.port() {
            Some(port) => format!("{hostname}:{port}"),
            None => hostname.clone(),
        };
        let search = match parsed.query() {
            Some(q) if !q.is_empty() => format!("?{q}"),
            _ => String::new(),
        };
        Some(RequestUrl {
            path: parsed.path().to_string(),
            search,
            host,
            hostname,
            parsed,
        })
    }
}

fn header<'a>(request: &'a HttpRequest, name: &str) -> Option<&'a str> {
    request
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn redirect(status: u16, location: String) -> HttpResponse {
    HttpResponse::new(status, vec![("location".into(), location)], Vec::new())
}

/// A `_redirects` destination as the `Location` header gives it: a path on the same origin,
/// the full URL elsewhere; the request's query string when the rule gives none.
fn redirect_location(request: &url::Url, destination: &url::Url, search: &str) -> String {
    let query = match destination.query() {
        Some(q) if !q.is_empty() => format!("?{q}"),
        _ => search.to_string(),
    };
    let hash = match destination.fragment() {
        Some(f) if !f.is_empty() => format!("#{f}"),
        _ => String::new(),
    };
    if destination.origin() == request.origin() {
        return format!("{}{query}{hash}", destination.path());
    }
    let mut bare = destination.clone();
    bare.set_query(None);
    bare.set_fragment(None);
    format!("{bare}{query}{hash}")
}

/// `run_worker_first` rules: `*` matches anything, the rest literally.
fn glob_match(rules: &[String], path: &str) -> bool {
    rules.iter().any(|rule| {
        let parts: Vec<String> = rule.split('*').map(regex::escape).collect();
        regex::Regex::new(&format!("^{}$", parts.join(".*"))).is_ok_and(|re| re.is_match(path))
    })
}

/// Each segment percent-decoded (one that does not decode stays as it is), runs of `/` made
/// one: the path the manifest is looked up by.
fn decode_path(path: &str) -> String {
    let segments: Vec<String> = path.split('/').map(decode_segment).collect();
    rules::collapse_slashes(&segments.join("/"))
}

/// `decodeURIComponent`, or the segment unchanged where that would throw.
fn decode_segment(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let well_formed = bytes.iter().enumerate().all(|(i, b)| {
        *b != b'%'
            || (bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    });
    if !well_formed {
        return segment.to_string();
    }
    match percent_encoding::percent_decode_str(segment).decode_utf8() {
        Ok(decoded) => decoded.into_owned(),
        Err(_) => segment.to_string(),
    }
}

/// `encodeURIComponent` on each segment: the canonical path an asset is served at.
fn encode_path(path: &str) -> String {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'!')
        .remove(b'~')
        .remove(b'*')
        .remove(b'\'')
        .remove(b'(')
        .remove(b')');
    let segments: Vec<String> = path
        .split('/')
        .map(|s| utf8_percent_encode(s, COMPONENT).to_string())
        .collect();
    segments.join("/")
}

/// Wrangler's warning for the rules a `_headers` or `_redirects` file holds that it refuses.
fn describe(file: &Path, kind: &str, invalid: &[InvalidRule]) -> Vec<String> {
    invalid
        .iter()
        .map(|rule| match rule.line_number {
            Some(n) => format!(
                "{}:{n}: invalid {kind} rule ignored: {}",
                file.display(),
                rule.message
            ),
            None => format!(
                "{}: invalid {kind} rule ignored: {}",
                file.display(),
                rule.message
            ),
        })
        .collect()
}
