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
    let Some(base) = base else {
        return url::Url::parse(input).ok();
    };
    let base = url::Url::parse(base).ok()?;
    let mut joined = base.join(input).ok()?;
    // The URL Standard's file state keeps the base's host when a relative input starts with a
    // Windows drive letter, after at most one slash (`C|/` and `/C:/y` against
    // `file://host/dir/file` are `file://host/C:/` and `file://host/C:/y`, as workerd's ada
    // answers); the url crate drops it.
    let keeps_host = base.scheme() == "file"
        && joined.scheme() == "file"
        && joined.host().is_none()
        && starts_with_drive_letter(path_after_one_slash(
            input.trim_start_matches(|c: char| c <= ' '),
        ));
    if keeps_host && let Some(host) = base.host_str().filter(|h| !h.is_empty()) {
        joined.set_host(Some(host)).ok()?;
    }
    Some(joined)
}

/// `input` less one leading `/` or `\\` (not two: `//C:` names a host): the file slash state,
/// which keeps the base's host too.
fn path_after_one_slash(input: &str) -> &str {
    match input.strip_prefix(['/', '\\']) {
        Some(rest) if !rest.starts_with(['/', '\\']) => rest,
        _ => input,
    }
}

/// `C:` or `C|`, then the end or one of `/`, `\`, `?`, `#` (URL Standard: "starts with a
/// Windows drive letter"); tabs and newlines inside are ignored, as the parser strips them.
fn starts_with_drive_letter(input: &str) -> bool {
    let mut chars = input.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r'));
    let (Some(letter), Some(sep)) = (chars.next(), chars.next()) else {
        return false;
    };
    letter.is_ascii_alphabetic()
        && matches!(sep, ':' | '|')
        && chars
            .next()
            .is_none_or(|c| matches!(c, '/' | '\\' | '?' | '#'))
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
