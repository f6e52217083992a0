//! The native half of `URL` and `URLSearchParams` (url.js): WHATWG parsing and setters on ada
//! (as workerd's), and `application/x-www-form-urlencoded` on the `url` crate.

use crate::engine::catalog::OpSet;

pub fn install(ops: &OpSet<'_, '_>) -> rquickjs::Result<()> {
    ops.add("urlParse", |input: String, base: Option<String>| {
        url_parse(&input, base.as_deref())
    })?;
    ops.add("urlHref", |input: String, base: Option<String>| {
        url_href(&input, base.as_deref())
    })?;
    ops.add("urlSet", |href: String, part: String, value: String| {
        url_set(&href, &part, &value)
    })?;
    ops.add("formDecode", |s: String| -> Vec<Vec<String>> {
        url::form_urlencoded::parse(s.as_bytes())
            .map(|(k, v)| vec![k.into_owned(), v.into_owned()])
            .collect()
    })?;
    ops.add("formEncode", |pairs: Vec<Vec<String>>| -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for pair in &pairs {
            if let [k, v] = pair.as_slice() {
                out.append_pair(k, v);
            }
        }
        out.finish()
    })?;

    Ok(())
}

/// URL components in the order web/url.js expects.
fn url_components(u: &ada_url::Url) -> Vec<String> {
    vec![
        u.href().to_string(),
        u.protocol().to_string(),
        u.username().to_string(),
        u.password().to_string(),
        u.host().to_string(),
        u.hostname().to_string(),
        u.port().to_string(),
        u.pathname().to_string(),
        u.search().to_string(),
        u.hash().to_string(),
        u.origin(),
    ]
}

/// WHATWG parsing by ada, the parser workerd's `URL` is built on, so that edge cases (file
/// URLs' hosts and empty path segments among them) answer as production's do.
fn parse_url(input: &str, base: Option<&str>) -> Option<ada_url::Url> {
    ada_url::Url::parse(input, base).ok()
}

/// Only the normalised href: what Request and redirects need, without ten more strings.
fn url_href(input: &str, base: Option<&str>) -> Option<String> {
    parse_url(input, base).map(String::from)
}

fn url_parse(input: &str, base: Option<&str>) -> Option<Vec<String>> {
    parse_url(input, base).map(|u| url_components(&u))
}

fn url_set(href: &str, part: &str, value: &str) -> Option<Vec<String>> {
    let mut u = parse_url(href, None)?;
    // A setter that refuses its value leaves the URL as it was (the URL Standard's setters
    // return early), except `href`, whose failure throws.
    match part {
        "href" => u.set_href(value).ok()?,
        "protocol" => drop(u.set_protocol(value)),
        "username" => drop(u.set_username(Some(value))),
        "password" => drop(u.set_password(Some(value))),
        "host" => drop(u.set_host(Some(value))),
        "hostname" => drop(u.set_hostname(Some(value))),
        "port" => drop(u.set_port(Some(value))),
        "pathname" => drop(u.set_pathname(Some(value))),
        "search" => u.set_search(Some(value)),
        "hash" => u.set_hash(Some(value)),
        _ => return None,
    }
    Some(url_components(&u))
}
