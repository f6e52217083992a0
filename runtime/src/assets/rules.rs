//! `_headers` and `_redirects`: parsed with wrangler's checks and limits (workers-shared
//! `parseHeaders`, `parseRedirects`, `validateUrl`), a rule the parser refuses becoming a
//! warning as wrangler prints it, and matched as the asset worker matches them (`rules-engine`):
//! `*` a splat, `:name` a placeholder, rules starting `https://` matched against the host too.

use std::collections::BTreeMap;

use regex::Regex;
use url::Url;

const LINE_LENGTH_MAX: usize = 2000;
const HEADER_RULES_MAX: usize = 100;
const STATIC_REDIRECTS_MAX: usize = 2000;
const DYNAMIC_REDIRECTS_MAX: usize = 100;
const REDIRECT_STATUSES: &[u16] = &[200, 301, 302, 303, 307, 308];

/// A line the parser refused, and why (wrangler's text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidRule {
    pub line_number: Option<usize>,
    pub message: String,
}

/// A rule's path pattern, compiled.
#[derive(Debug, Clone)]
struct Pattern {
    cross_host: bool,
    regex: Regex,
}

impl Pattern {
    /// `generateRuleRegExp`; `None` when the regex does not compile (a placeholder named
    /// twice), which the asset worker skips too.
    fn compile(rule: &str) -> Option<Pattern> {
        let escaped: Vec<String> = rule.split('*').map(escape).collect();
        let mut source = escaped.join("(?<splat>.*)");
        let host_placeholders: Vec<(String, String)> = host_placeholders(&source);
        for (text, name) in host_placeholders {
            source = source.replace(&text, &format!("(?<{name}>[^/.]+)"));
        }
        let path_placeholders: Vec<(String, String)> = placeholder_regex()
            .captures_iter(&source)
            .map(|c| (c[0].to_string(), c[1].to_string()))
            .collect();
        for (text, name) in path_placeholders {
            source = source.replace(&text, &format!("(?<{name}>[^/]+)"));
        }
        let regex = Regex::new(&format!("^{source}$")).ok()?;
        Some(Pattern {
            cross_host: rule.starts_with("https://"),
            regex,
        })
    }

    /// The placeholders' values if `host` and `path` (the request's, encoded) match.
    fn matches(&self, host: &str, path: &str) -> Option<Vec<(String, String)>> {
        let subject = if self.cross_host {
            format!("https://{host}{path}")
        } else {
            path.to_string()
        };
        let captures = self.regex.captures(&subject)?;
        Some(
            self.regex
                .capture_names()
                .flatten()
                .filter_map(|name| Some((name.to_string(), captures.name(name)?.as_str().into())))
                .collect(),
        )
    }
}

/// The rules-engine's escape set: the regex metacharacters, `/` and `-`.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "-/\\^$*+?.()|[]{}".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn placeholder_regex() -> &'static Regex {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| Regex::new(r":([A-Za-z]\w*)").expect("a valid regex"))
}

/// Placeholders in the host of an escaped `https://` rule: after `https:\/\/`, before the
/// first `/`, each followed by an escaped character (`\.`, `\/`).
fn host_placeholders(escaped: &str) -> Vec<(String, String)> {
    let Some(rest) = escaped.strip_prefix(r"https:\/\/") else {
        return Vec::new();
    };
    let host_end = rest.find('/').unwrap_or(rest.len());
    let host = &rest[..host_end];
    placeholder_regex()
        .captures_iter(host)
        .filter(|c| c.get(0).is_some_and(|m| host[m.end()..].starts_with('\\')))
        .map(|c| (c[0].to_string(), c[1].to_string()))
        .collect()
}

/// `replacer`: every `:name` in `text` becomes its value, in the order the rule names them.
fn replace_placeholders(text: &str, values: &[(String, String)]) -> String {
    let mut out = text.to_string();
    for (name, value) in values {
        out = out.replace(&format!(":{name}"), value);
    }
    out
}

/// `_headers`: for each matching rule, in file order, the headers it removes and sets.
#[derive(Debug, Clone, Default)]
pub struct HeaderRules {
    rules: Vec<(Pattern, HeaderRule)>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct HeaderRule {
    /// Names lower-cased, repeated names' values joined with `, `.
    set: Vec<(String, String)>,
    unset: Vec<String>,
}

impl HeaderRules {
    pub fn parse(text: &str) -> (HeaderRules, Vec<InvalidRule>) {
        let mut rules: Vec<(String, HeaderRule)> = Vec::new();
        let mut invalid = Vec::new();
        let mut current: Option<(String, HeaderRule)> = None;
        let mut skip_to_next_path = false;
        let lines: Vec<&str> = text.split('\n').collect();
        let mut refuse = |number: usize, message: String| {
            invalid.push(InvalidRule {
                line_number: Some(number),
                message,
            })
        };
        let finish = |rule: Option<(String, HeaderRule)>, rules: &mut Vec<_>| {
            if let Some((path, rule)) = rule {
                if rule.set.is_empty() && rule.unset.is_empty() {
                    return Some("No headers specified".to_string());
                }
                rules.push((path, rule));
            }
            None
        };
        for (i, raw) in lines.iter().enumerate() {
            let (number, line) = (i + 1, raw.trim());
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if line.len() > LINE_LENGTH_MAX {
                refuse(
                    number,
                    format!(
                        "Ignoring line {number} as it exceeds the maximum allowed length of {LINE_LENGTH_MAX}."
                    ),
                );
                continue;
            }
            if is_probably_a_path(line) {
                skip_to_next_path = false;
                if rules.len() >= HEADER_RULES_MAX {
                    refuse(
                        number,
                        format!(
                            "Maximum number of rules supported is {HEADER_RULES_MAX}. Skipping remaining {} lines of file.",
                            lines.len() - i
                        ),
                    );
                    current = None;
                    break;
                }
                if let Some(message) = finish(current.take(), &mut rules) {
                    refuse(number, message);
                }
                let path = match validate_url(line, false, true, false, false) {
                    Ok(path) => path,
                    Err(message) => {
                        refuse(number, message);
                        skip_to_next_path = true;
                        continue;
                    }
                };
                if let Some(message) = multiple_wildcards(&path) {
                    refuse(number, message);
                    skip_to_next_path = true;
                    continue;
                }
                current = Some((path, HeaderRule::default()));
                continue;
            }
            if skip_to_next_path {
                continue;
            }
            let Some((raw_name, value)) = line.split_once(':') else {
                match (&mut current, line.strip_prefix("! ")) {
                    (None, _) => refuse(
                        number,
                        "Expected a path beginning with at least one forward-slash".into(),
                    ),
                    (Some((_, rule)), Some(name)) => rule.unset.push(name.to_string()),
                    (Some(_), None) => refuse(
                        number,
                        "Expected a colon-separated header pair (e.g. name: value)".into(),
                    ),
                }
                continue;
            };
            let (name, value) = (raw_name.trim().to_lowercase(), value.trim());
            if name.contains(' ') {
                refuse(number, "Header name cannot include spaces".into());
            } else if name.is_empty() {
                refuse(number, "No header name specified".into());
            } else if value.is_empty() {
                refuse(number, "No header value specified".into());
            } else if let Some((_, rule)) = &mut current {
                match rule.set.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, existing)) => *existing = format!("{existing}, {value}"),
                    None => rule.set.push((name, value.to_string())),
                }
            } else {
                refuse(
                    number,
                    format!("Path should come before header ({name}: {value})"),
                );
            }
        }
        if let Some(message) = finish(current, &mut rules) {
            invalid.push(InvalidRule {
                line_number: None,
                message,
            });
        }
        (HeaderRules::compile(rules), invalid)
    }

    /// Rules keyed by path as wrangler uploads them: a later rule for the same path replaces
    /// the earlier one in its place.
    fn compile(parsed: Vec<(String, HeaderRule)>) -> HeaderRules {
        let mut by_path: Vec<(String, HeaderRule)> = Vec::new();
        for (path, rule) in parsed {
            match by_path.iter_mut().find(|(p, _)| *p == path) {
                Some((_, existing)) => *existing = rule,
                None => by_path.push((path, rule)),
            }
        }
        let rules = by_path
            .into_iter()
            .filter_map(|(path, rule)| Some((Pattern::compile(&path)?, rule)))
            .collect();
        HeaderRules { rules }
    }

    /// `attachCustomHeaders`: removes and sets the headers of every rule matching the request,
    /// a name set by an earlier matching rule getting the later value appended.
    pub fn apply(&self, host: &str, path: &str, headers: &mut Vec<(String, String)>) {
        let mut set_here: Vec<String> = Vec::new();
        for (pattern, rule) in &self.rules {
            let Some(values) = pattern.matches(host, path) else {
                continue;
            };
            for name in &rule.unset {
                headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
            }
            for (name, value) in &rule.set {
                let value = replace_placeholders(value, &values);
                if !set_here.contains(name) {
                    headers.retain(|(n, _)| n != name);
                    set_here.push(name.clone());
                }
                headers.push((name.clone(), value));
            }
        }
    }
}

/// `LINE_IS_PROBABLY_A_PATH`: starts with `/` or with a scheme's `://`.
fn is_probably_a_path(line: &str) -> bool {
    if line.starts_with('/') {
        return true;
    }
    let Some(at) = line.find("://") else {
        return false;
    };
    at > 0 && !line[..at].contains(char::is_whitespace)
}

fn multiple_wildcards(path: &str) -> Option<String> {
    let wildcards = path.matches('*').count();
    let splat = Regex::new(r":splat(\W|$)")
        .expect("a valid regex")
        .is_match(path);
    if wildcards > 1 {
        return Some(format!(
            "Only one wildcard is allowed per rule. Use a named placeholder (e.g. :project) instead. Skipping {path}."
        ));
    }
    if wildcards > 0 && splat {
        return Some(format!(
            "Cannot combine a wildcard * with a :splat placeholder because wildcards are converted to :splat at runtime. Skipping {path}."
        ));
    }
    None
}

/// `validateUrl`: a relative path (normalised as a URL parser does) or an `https://` URL.
fn validate_url(
    token: &str,
    only_relative: bool,
    disallow_ports: bool,
    include_search: bool,
    include_hash: bool,
) -> Result<String, String> {
    if let Some((host, path)) = https_host(token) {
        if only_relative {
            return Err(format!(
                "Only relative URLs are allowed. Skipping absolute URL {token}."
            ));
        }
        let has_port = host
            .rsplit_once(':')
            .is_some_and(|(_, port)| !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()));
        if disallow_ports && has_port {
            return Err(format!(
                "Specifying ports is not supported. Skipping absolute URL {token}."
            ));
        }
        let path = extract_pathname(path, include_search, include_hash)
            .ok_or_else(|| format!("Error parsing URL segment {token}. Skipping."))?;
        return Ok(format!("https://{host}{path}"));
    }
    let token = if only_relative && !token.starts_with('/') {
        format!("/{token}")
    } else {
        token.to_string()
    };
    if token.starts_with('/') {
        return extract_pathname(&token, include_search, include_hash)
            .ok_or_else(|| format!("Error parsing URL segment {token}. Skipping."));
    }
    Err(if only_relative {
        "URLs should begin with a forward-slash.".into()
    } else {
        "URLs should either be relative (e.g. begin with a forward-slash), or use HTTPS (e.g. begin with \"https://\").".into()
    })
}

/// `^https:\/\/+(?<host>[^/]+)\/?(?<path>.*)`.
fn https_host(token: &str) -> Option<(&str, &str)> {
    let rest = token.strip_prefix("https:/")?.trim_start_matches('/');
    if rest.len() == token.len() - "https:/".len() {
        return None;
    }
    let end = rest.find('/').unwrap_or(rest.len());
    if end == 0 {
        return None;
    }
    let (host, path) = rest.split_at(end);
    Some((host, path.strip_prefix('/').unwrap_or(path)))
}

/// `extractPathname`: the path as `new URL("//" + path, "relative://")` gives it.
fn extract_pathname(path: &str, include_search: bool, include_hash: bool) -> Option<String> {
    let path = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    };
    let base = Url::parse("relative://").ok()?;
    let url = base.join(&format!("//{path}")).ok()?;
    let mut out = url.path().to_string();
    if include_search && let Some(q) = url.query().filter(|q| !q.is_empty()) {
        out.push('?');
        out.push_str(q);
    }
    if include_hash && let Some(f) = url.fragment().filter(|f| !f.is_empty()) {
        out.push('#');
        out.push_str(f);
    }
    Some(out)
}

/// Where a `_redirects` rule sends a request, before its placeholders are filled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectTarget {
    pub status: u16,
    pub to: String,
}

/// `_redirects`: the exact-path rules above the first splat or placeholder (a lookup), then
/// the rest in file order.
#[derive(Debug, Clone, Default)]
pub struct Redirects {
    static_rules: BTreeMap<String, (RedirectTarget, usize)>,
    dynamic: Vec<(Pattern, RedirectTarget)>,
}

impl Redirects {
    pub fn parse(text: &str, html_handling_on: bool) -> (Redirects, Vec<InvalidRule>) {
        let mut redirects = Redirects::default();
        let mut invalid = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        let (mut static_count, mut dynamic_count, mut can_be_static) = (0, 0, true);
        let lines: Vec<&str> = text.split('\n').collect();
        for (i, raw) in lines.iter().enumerate() {
            let (number, line) = (i + 1, raw.trim());
            let mut refuse = |message: String| {
                invalid.push(InvalidRule {
                    line_number: Some(number),
                    message,
                })
            };
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if line.len() > LINE_LENGTH_MAX {
                refuse(format!(
                    "Ignoring line {number} as it exceeds the maximum allowed length of {LINE_LENGTH_MAX}."
                ));
                continue;
            }
            let tokens: Vec<&str> = strip_comment(line).split_whitespace().collect();
            if !(2..=3).contains(&tokens.len()) {
                refuse(format!(
                    "Expected exactly 2 or 3 whitespace-separated tokens. Got {}.",
                    tokens.len()
                ));
                continue;
            }
            let from = match validate_url(tokens[0], true, true, false, false) {
                Ok(from) => from,
                Err(message) => {
                    refuse(message);
                    continue;
                }
            };
            let dynamic = from.contains('*') || placeholder_regex().is_match(&from);
            if can_be_static && !dynamic {
                static_count += 1;
                if static_count > STATIC_REDIRECTS_MAX {
                    refuse(format!(
                        "Maximum number of static rules supported is {STATIC_REDIRECTS_MAX}. Skipping line."
                    ));
                    continue;
                }
            } else {
                dynamic_count += 1;
                can_be_static = false;
                if dynamic_count > DYNAMIC_REDIRECTS_MAX {
                    refuse(format!(
                        "Maximum number of dynamic rules supported is {DYNAMIC_REDIRECTS_MAX}. Skipping remaining {} lines of file.",
                        lines.len() - i
                    ));
                    break;
                }
            }
            let to = match validate_url(tokens[1], false, false, true, true) {
                Ok(to) => to,
                Err(message) => {
                    refuse(message);
                    continue;
                }
            };
            let status_text = tokens.get(2).copied().unwrap_or("302");
            let Some(status) = status_text
                .parse::<u16>()
                .ok()
                .filter(|s| REDIRECT_STATUSES.contains(s))
            else {
                refuse(format!(
                    "Valid status codes are 200, 301, 302 (default), 303, 307, or 308. Got {status_text}."
                ));
                continue;
            };
            let relative = https_host(&to).is_none();
            let to_index = to.ends_with("/index") || to.ends_with("/index.html");
            if relative
                && to_index
                && (from.ends_with("/*") || (from.ends_with('/') && html_handling_on))
            {
                refuse("Infinite loop detected in this rule and has been ignored. This will cause a redirect to strip `.html` or `/index` and end up triggering this rule again. Please fix or remove this rule to silence this warning.".into());
                continue;
            }
            if !seen.insert(from.clone()) {
                refuse(format!("Ignoring duplicate rule for path {from}."));
                continue;
            }
            if status == 200 && !relative {
                refuse(format!(
                    "Proxy (200) redirects can only point to relative paths. Got {to}"
                ));
                continue;
            }
            redirects.add(from, RedirectTarget { status, to }, number);
        }
        (redirects, invalid)
    }

    /// `constructRedirects`: exact paths before the first dynamic rule are looked up; every
    /// later rule is matched in order.
    fn add(&mut self, from: String, target: RedirectTarget, line_number: usize) {
        let dynamic = from.contains('*') || placeholder_regex().is_match(&from);
        if !dynamic && self.dynamic.is_empty() {
            self.static_rules.insert(from, (target, line_number));
        } else if let Some(pattern) = Pattern::compile(&from) {
            self.dynamic.push((pattern, target));
        } else {
            // A rule whose pattern does not compile still stops later exact paths from being
            // looked up, as in wrangler's upload.
            self.dynamic.push((
                Pattern {
                    cross_host: false,
                    regex: Regex::new("$^").expect("a valid regex"),
                },
                target,
            ));
        }
    }

    /// The rule for a request to `host` (with any port) and `path` (encoded), its placeholders
    /// filled: `staticRedirectsMatcher`, else the first dynamic rule that matches.
    pub fn find(&self, host: &str, hostname: &str, path: &str) -> Option<RedirectTarget> {
        let with_host = self.static_rules.get(&format!("https://{host}{path}"));
        let without = self.static_rules.get(path);
        let exact = match (with_host, without) {
            (Some(a), Some(b)) => Some(if a.1 < b.1 { a } else { b }),
            (a, b) => a.or(b),
        };
        if let Some((target, _)) = exact {
            return Some(target.clone());
        }
        self.dynamic.iter().find_map(|(pattern, target)| {
            let values = pattern.matches(hostname, path)?;
            let to = replace_placeholders(&target.to, &values).trim().to_string();
            let external = Regex::new(r"^\w+://").expect("a valid regex").is_match(&to);
            let to = if external { to } else { collapse_slashes(&to) };
            Some(RedirectTarget {
                status: target.status,
                to,
            })
        })
    }
}

/// `/a /b # note` → `/a /b`; a `#` inside a token (a fragment) stays.
fn strip_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'#' && i > 0 && bytes[i - 1].is_ascii_whitespace() {
            return line[..i].trim_end();
        }
    }
    line
}

/// Runs of `/` become one.
pub fn collapse_slashes(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if c == '/' && out.ends_with('/') {
            continue;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Whatever a `_headers` or `_redirects` file holds, parsing it and matching requests
        /// against it ends without a panic.
        #[test]
        fn any_rules_file_parses_and_matches_without_panicking(text in "[ -~\n\t]{0,400}", path in "/[ -~]{0,40}") {
            let (headers, _) = HeaderRules::parse(&text);
            let mut out = Vec::new();
            headers.apply("example.com", &path, &mut out);
            let (redirects, _) = Redirects::parse(&text, true);
            let _ = redirects.find("example.com", "example.com", &path);
        }
    }

    #[test]
    fn placeholders_and_splats_fill_the_destination() {
        let (r, invalid) =
            Redirects::parse("/news/:year/:slug /blog/:slug 308\n/a/* /b/:splat\n", true);
        assert!(invalid.is_empty(), "{invalid:?}");
        let found = r.find("h", "h", "/news/2024/post").expect("matches");
        assert_eq!((found.status, found.to.as_str()), (308, "/blog/post"));
        let found = r.find("h", "h", "/a/x//y").expect("matches");
        assert_eq!((found.status, found.to.as_str()), (302, "/b/x/y"));
    }
}
