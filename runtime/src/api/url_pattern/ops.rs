//! The native half of `URLPattern` (url_pattern.js), on the `urlpattern` crate (the
//! WICG spec's reference implementation in Rust). Patterns live in a per-isolate table; the
//! JavaScript object holds the handle.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

use rquickjs::{Ctx, Exception};
use serde::Deserialize;
use urlpattern::{UrlPattern, UrlPatternInit, UrlPatternMatchInput, UrlPatternOptions};

use crate::engine::catalog::OpSet;

/// A pattern or match input as JavaScript hands it over: a string, or the init dictionary.
#[derive(Deserialize)]
#[serde(untagged)]
enum Input {
    Text(String),
    Init(InitDict),
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct InitDict {
    protocol: Option<String>,
    username: Option<String>,
    password: Option<String>,
    hostname: Option<String>,
    port: Option<String>,
    pathname: Option<String>,
    search: Option<String>,
    hash: Option<String>,
    base_url: Option<String>,
}

/// Why a pattern could not be built or matched; its text is the `TypeError`'s message.
#[derive(Debug, thiserror::Error)]
enum UrlPatternError {
    #[error("Invalid base URL: {0}")]
    BaseUrl(#[from] url::ParseError),
    #[error(transparent)]
    Pattern(#[from] urlpattern::Error),
}

fn base(url: Option<&str>) -> Result<Option<url::Url>, UrlPatternError> {
    Ok(url.map(url::Url::parse).transpose()?)
}

fn init_of(d: InitDict) -> Result<UrlPatternInit, UrlPatternError> {
    Ok(UrlPatternInit {
        protocol: d.protocol,
        username: d.username,
        password: d.password,
        hostname: d.hostname,
        port: d.port,
        pathname: d.pathname,
        search: d.search,
        hash: d.hash,
        base_url: base(d.base_url.as_deref())?,
    })
}

fn compile(
    input: Input,
    base_url: Option<&str>,
    ignore_case: bool,
) -> Result<UrlPattern, UrlPatternError> {
    let init = match input {
        Input::Text(pattern) => {
            UrlPatternInit::parse_constructor_string::<regex::Regex>(&pattern, base(base_url)?)?
        }
        Input::Init(d) => {
            if base_url.is_some() {
                return Err(urlpattern::Error::BaseUrlWithInit.into());
            }
            init_of(d)?
        }
    };
    Ok(UrlPattern::parse(init, UrlPatternOptions { ignore_case })?)
}

/// The components of a match, as JSON: `{protocol: {input, groups}, ...}`; `null` on no match.
fn exec(
    pattern: &UrlPattern,
    input: Input,
    base_url: Option<&str>,
) -> Result<String, UrlPatternError> {
    let input = match input {
        Input::Text(text) => match url::Url::options()
            .base_url(base(base_url)?.as_ref())
            .parse(&text)
        {
            Ok(u) => UrlPatternMatchInput::Url(u),
            Err(_) => return Ok("null".into()),
        },
        Input::Init(d) => {
            if base_url.is_some() {
                return Err(urlpattern::Error::BaseUrlWithInit.into());
            }
            UrlPatternMatchInput::Init(init_of(d)?)
        }
    };
    let Some(result) = pattern.exec(input)? else {
        return Ok("null".into());
    };
    let component = |c: &urlpattern::UrlPatternComponentResult| {
        let groups: BTreeMap<&String, &Option<String>> = c.groups.iter().collect();
        serde_json::json!({ "input": c.input, "groups": groups })
    };
    Ok(serde_json::json!({
        "protocol": component(&result.protocol), "username": component(&result.username),
        "password": component(&result.password), "hostname": component(&result.hostname),
        "port": component(&result.port), "pathname": component(&result.pathname),
        "search": component(&result.search), "hash": component(&result.hash),
    })
    .to_string())
}

pub fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    let patterns: Rc<RefCell<BTreeMap<u32, UrlPattern>>> = Rc::default();
    let next = Rc::new(Cell::new(0u32));
    let p = patterns.clone();
    ops.add_named(
        "urlPatternNew",
        move |ctx: Ctx<'js>,
              input: String,
              base_url: Option<String>,
              ignore_case: bool|
              -> rquickjs::Result<Vec<String>> {
            let input: Input = serde_json::from_str(&input)
                .map_err(|_| Exception::throw_type(&ctx, "internal: bad URLPattern input"))?;
            let pattern = compile(input, base_url.as_deref(), ignore_case)
                .map_err(|e| Exception::throw_type(&ctx, &e.to_string()))?;
            let id = next.get() + 1;
            next.set(id);
            let parts: Vec<String> = [
                pattern.protocol(),
                pattern.username(),
                pattern.password(),
                pattern.hostname(),
                pattern.port(),
                pattern.pathname(),
                pattern.search(),
                pattern.hash(),
            ]
            .iter()
            .map(|s| s.to_string())
            .collect();
            let out = std::iter::once(id.to_string())
                .chain(parts)
                .chain(std::iter::once(pattern.has_regexp_groups().to_string()))
                .collect();
            p.borrow_mut().insert(id, pattern);
            Ok(out)
        },
    )?;
    let p = patterns;
    ops.add_named(
        "urlPatternExec",
        move |ctx: Ctx<'js>,
              id: u32,
              input: String,
              base_url: Option<String>|
              -> rquickjs::Result<String> {
            let input: Input = serde_json::from_str(&input)
                .map_err(|_| Exception::throw_type(&ctx, "internal: bad URLPattern input"))?;
            let patterns = p.borrow();
            let pattern = patterns
                .get(&id)
                .ok_or_else(|| Exception::throw_type(&ctx, "internal: unknown URLPattern"))?;
            exec(pattern, input, base_url.as_deref())
                .map_err(|e| Exception::throw_type(&ctx, &e.to_string()))
        },
    )
}
