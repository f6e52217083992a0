//! The native half of `URL` and `URLSearchParams` (url.js): WHATWG parsing and setters on the
//! `url` crate, and `application/x-www-form-urlencoded`.

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
fn url_components(u: &url::Url) -> Vec<String> {
    use url::quirks as q;
    vec![
        q::href(u).to_string(),
        q::protocol(u).to_string(),
        q::username(u).to_string(),
        q::password(u).to_string(),
        q::host(u).to_string(),
        q::hostname(u).to_string(),
        q::port(u).to_string(),
        q::pathname(u).to_string(),
        q::search(u).to_string(),
        q::hash(u).to_string(),
        q::origin(u),
    ]
}

fn parse_url(input: &str, base: Option<&str>) -> Option<url::Url> {
    match base {
        Some(b) => url::Url::parse(b).ok()?.join(input).ok(),
        None => url::Url::parse(input).ok(),
    }
}

/// Only the normalised href: what Request and redirects need, without ten more strings.
fn url_href(input: &str, base: Option<&str>) -> Option<String> {
    parse_url(input, base).map(String::from)
}

fn url_parse(input: &str, base: Option<&str>) -> Option<Vec<String>> {
    parse_url(input, base).map(|u| url_components(&u))
}

fn url_set(href: &str, part: &str, value: &str) -> Option<Vec<String>> {
    use url::quirks as q;
    let mut u = url::Url::parse(href).ok()?;
    match part {
        "href" => q::set_href(&mut u, value).ok()?,
        "protocol" => drop(q::set_protocol(&mut u, value)),
        "username" => drop(q::set_username(&mut u, value)),
        "password" => drop(q::set_password(&mut u, value)),
        "host" => drop(q::set_host(&mut u, value)),
        "hostname" => drop(q::set_hostname(&mut u, value)),
        "port" => drop(q::set_port(&mut u, value)),
        "pathname" => q::set_pathname(&mut u, value),
        "search" => q::set_search(&mut u, value),
        "hash" => q::set_hash(&mut u, value),
        _ => return None,
    }
    Some(url_components(&u))
}
