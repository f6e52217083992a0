//! The Cache API's store at one data centre (semantics.md §7; workerd api/cache.c++): what
//! `put` keeps and for how long, per the response's `Cache-Control` / `Expires` / `Set-Cookie`,
//! and what `match` answers — the stored response with `Age` and `CF-Cache-Status: HIT`, or 304
//! for a matching `If-None-Match` / `If-Modified-Since`, or 206 for a `Range`. Time is passed
//! in (simulated ms since the epoch), so expiry follows the simulation.

use std::collections::BTreeMap;
use std::time::{Duration, UNIX_EPOCH};

use crate::http::HttpResponse;

/// A stored response.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    response: HttpResponse,
    stored_ms: u64,
    expires_ms: u64,
}

/// One data centre's caches: the default one (`""`) and those opened by name.
#[derive(Debug, Default, Clone)]
pub struct HttpCache {
    caches: BTreeMap<String, BTreeMap<String, Entry>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheOp {
    Match {
        cache: String,
        url: String,
        /// The request's headers, names lower-cased (conditional and range headers count).
        headers: Vec<(String, String)>,
    },
    Put {
        cache: String,
        url: String,
        response: HttpResponse,
    },
    Delete {
        cache: String,
        url: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheReply {
    Match(Option<HttpResponse>),
    /// Whether `put` stored the response (the Worker sees `undefined` either way).
    Put(bool),
    Delete(bool),
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// `(directive, value)` pairs of a `Cache-Control` header, directives lower-cased.
fn directives(cache_control: &str) -> Vec<(String, Option<String>)> {
    cache_control
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| match d.split_once('=') {
            Some((k, v)) => (
                k.trim().to_ascii_lowercase(),
                Some(v.trim().trim_matches('"').to_string()),
            ),
            None => (d.to_ascii_lowercase(), None),
        })
        .collect()
}

pub fn http_date(ms: u64) -> String {
    httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_millis(ms))
}

fn parse_http_date(text: &str) -> Option<u64> {
    let t = httpdate::parse_http_date(text).ok()?;
    t.duration_since(UNIX_EPOCH)
        .ok()
        .map(|d| d.as_millis() as u64)
}

/// How long `response` may be kept (ms), and the headers it is kept with; `None` when the
/// CDN rules forbid storing it.
fn storable(response: &HttpResponse, now_ms: u64) -> Option<(u64, Vec<(String, String)>)> {
    let mut headers = response.headers.clone();
    let cc = directives(header(&headers, "cache-control").unwrap_or_default());
    let has = |name: &str| cc.iter().any(|(k, _)| k == name);
    if has("no-store") || has("no-cache") {
        return None;
    }
    let private = cc.iter().find(|(k, _)| k == "private");
    match private {
        Some((_, Some(fields))) if fields.eq_ignore_ascii_case("set-cookie") => {
            headers.retain(|(k, _)| !k.eq_ignore_ascii_case("set-cookie"));
        }
        Some(_) => return None,
        None if header(&headers, "set-cookie").is_some() => return None,
        None => {}
    }
    let seconds = |name: &str| {
        cc.iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.as_deref()?.parse::<u64>().ok())
    };
    let ttl_ms = match seconds("s-maxage").or_else(|| seconds("max-age")) {
        Some(s) => s.saturating_mul(1000),
        None => {
            let expires = parse_http_date(header(&headers, "expires")?)?;
            expires.checked_sub(now_ms)?
        }
    };
    (ttl_ms > 0).then_some((ttl_ms, headers))
}

/// `bytes=a-b`, `bytes=a-` or `bytes=-n` against a body of `len` bytes: the inclusive range.
fn byte_range(range: &str, len: usize) -> Option<(usize, usize)> {
    let spec = range.trim().strip_prefix("bytes=")?;
    if spec.contains(',') || len == 0 {
        return None;
    }
    let (a, b) = spec.split_once('-')?;
    let (start, end) = match (a.trim(), b.trim()) {
        ("", n) => {
            let n: usize = n.parse().ok()?;
            (len.saturating_sub(n), len - 1)
        }
        (a, "") => (a.parse().ok()?, len - 1),
        (a, b) => (a.parse().ok()?, b.parse::<usize>().ok()?.min(len - 1)),
    };
    (start <= end && start < len).then_some((start, end))
}

fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    let weakless = |t: &str| t.trim().trim_start_matches("W/").to_string();
    if_none_match.trim() == "*"
        || if_none_match
            .split(',')
            .any(|candidate| weakless(candidate) == weakless(etag))
}

impl HttpCache {
    pub fn apply(&mut self, op: CacheOp, now_ms: u64) -> CacheReply {
        match op {
            CacheOp::Put {
                cache,
                url,
                response,
            } => {
                let Some((ttl_ms, mut headers)) = storable(&response, now_ms) else {
                    return CacheReply::Put(false);
                };
                if header(&headers, "date").is_none() {
                    headers.push(("date".into(), http_date(now_ms)));
                }
                if header(&headers, "content-length").is_none() {
                    headers.push(("content-length".into(), response.body.len().to_string()));
                }
                let entry = Entry {
                    response: HttpResponse {
                        headers,
                        ..response
                    },
                    stored_ms: now_ms,
                    expires_ms: now_ms.saturating_add(ttl_ms),
                };
                self.caches.entry(cache).or_default().insert(url, entry);
                CacheReply::Put(true)
            }
            CacheOp::Delete { cache, url } => {
                let removed = self
                    .caches
                    .get_mut(&cache)
                    .and_then(|c| c.remove(&url))
                    .is_some_and(|e| e.expires_ms > now_ms);
                CacheReply::Delete(removed)
            }
            CacheOp::Match {
                cache,
                url,
                headers,
            } => CacheReply::Match(self.matched(&cache, &url, &headers, now_ms)),
        }
    }

    fn matched(
        &mut self,
        cache: &str,
        url: &str,
        request: &[(String, String)],
        now_ms: u64,
    ) -> Option<HttpResponse> {
        let entries = self.caches.get_mut(cache)?;
        let entry = entries.get(url)?;
        if entry.expires_ms <= now_ms {
            entries.remove(url);
            return None;
        }
        let mut response = entry.response.clone();
        let age_s = now_ms.saturating_sub(entry.stored_ms) / 1000;
        response.headers.push(("age".into(), age_s.to_string()));
        response
            .headers
            .push(("cf-cache-status".into(), "HIT".into()));
        let etag = header(&response.headers, "etag");
        let not_modified = match (header(request, "if-none-match"), etag) {
            (Some(inm), Some(etag)) => etag_matches(inm, etag),
            (Some(_), None) => false,
            (None, _) => match (
                header(request, "if-modified-since").and_then(parse_http_date),
                header(&response.headers, "last-modified").and_then(parse_http_date),
            ) {
                (Some(since), Some(modified)) => modified <= since,
                _ => false,
            },
        };
        if not_modified {
            response.status = 304;
            response.status_text = "Not Modified".into();
            response.body.clear();
            return Some(response);
        }
        let len = response.body.len();
        if let Some(range) = header(request, "range") {
            match byte_range(range, len) {
                Some((start, end)) => {
                    response.body = response.body[start..=end].to_vec();
                    response.status = 206;
                    response.status_text = "Partial Content".into();
                    set(
                        &mut response.headers,
                        "content-length",
                        (end - start + 1).to_string(),
                    );
                    response
                        .headers
                        .push(("content-range".into(), format!("bytes {start}-{end}/{len}")));
                }
                None => {
                    response.body.clear();
                    response.status = 416;
                    response.status_text = "Range Not Satisfiable".into();
                    set(&mut response.headers, "content-length", "0".into());
                    response
                        .headers
                        .push(("content-range".into(), format!("bytes */{len}")));
                }
            }
        }
        Some(response)
    }
}

fn set(headers: &mut Vec<(String, String)>, name: &str, value: String) {
    headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
    headers.push((name.to_string(), value));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(headers: &[(&str, &str)]) -> HttpResponse {
        HttpResponse {
            status: 200,
            status_text: "OK".into(),
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: b"cached body".to_vec(),
            web_socket: None,
        }
    }

    fn put(cache: &mut HttpCache, headers: &[(&str, &str)], now_ms: u64) -> bool {
        let op = CacheOp::Put {
            cache: String::new(),
            url: "https://e.com/".into(),
            response: response(headers),
        };
        cache.apply(op, now_ms) == CacheReply::Put(true)
    }

    fn get(cache: &mut HttpCache, now_ms: u64) -> Option<HttpResponse> {
        let op = CacheOp::Match {
            cache: String::new(),
            url: "https://e.com/".into(),
            headers: vec![],
        };
        match cache.apply(op, now_ms) {
            CacheReply::Match(r) => r,
            _ => None,
        }
    }

    #[test]
    fn max_age_bounds_how_long_a_response_is_served() {
        let mut c = HttpCache::default();
        assert!(put(&mut c, &[("cache-control", "max-age=60")], 0));
        assert!(get(&mut c, 59_999).is_some());
        assert!(get(&mut c, 60_000).is_none());
    }

    #[test]
    fn s_maxage_wins_over_max_age() {
        let mut c = HttpCache::default();
        assert!(put(
            &mut c,
            &[("cache-control", "max-age=1, s-maxage=100")],
            0
        ));
        assert!(get(&mut c, 50_000).is_some());
    }

    #[test]
    fn private_no_store_no_cache_and_set_cookie_are_not_stored() {
        for cc in ["private, max-age=60", "no-store", "no-cache, max-age=60"] {
            let mut c = HttpCache::default();
            assert!(!put(&mut c, &[("cache-control", cc)], 0), "{cc}");
        }
        let mut c = HttpCache::default();
        assert!(!put(
            &mut c,
            &[("cache-control", "max-age=60"), ("set-cookie", "a=b")],
            0
        ));
        let kept = [
            ("cache-control", "private=Set-Cookie, max-age=60"),
            ("set-cookie", "a=b"),
        ];
        assert!(put(&mut c, &kept, 0));
        let stored = get(&mut c, 0).unwrap_or_else(|| panic!("stored"));
        assert!(header(&stored.headers, "set-cookie").is_none());
    }

    #[test]
    fn ranges_cover_prefix_suffix_and_open_ends() {
        assert_eq!(byte_range("bytes=0-5", 11), Some((0, 5)));
        assert_eq!(byte_range("bytes=-3", 11), Some((8, 10)));
        assert_eq!(byte_range("bytes=4-", 11), Some((4, 10)));
        assert_eq!(byte_range("bytes=20-", 11), None);
    }
}
