//! Every compatibility flag workerd knows, read from its own `compatibility-date.capnp` (copied
//! here from cloudflare/workerd at 6552d999, 2026-08-22): what a config's `compatibility_flags`
//! and `compatibility_date` mean, checked as workerd checks them when a Worker is loaded.

use std::sync::OnceLock;

static CAPNP: &str = include_str!("compatibility-date.capnp");

/// The commit date of the copied file: flags workerd added later are unknown here.
pub const CATALOG_DATE: &str = "2026-08-22";

/// One flag of workerd's `CompatibilityFlags` struct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogFlag {
    /// The capnp field name (`formDataParserSupportsFiles`).
    pub field: String,
    pub enable: String,
    pub disable: Option<String>,
    /// On by default from this date (`$compatEnableAllDates`: every date, "2000-01-01").
    pub date: Option<String>,
    pub experimental: bool,
    /// On when any of these fields is on and the date is at least the given one.
    pub implied_by: Option<(Vec<String>, String)>,
}

impl CatalogFlag {
    /// Whether a Worker at `date` (none: the newest) with `flags` has this behaviour on,
    /// before implications.
    pub fn on_for(&self, date: Option<&str>, flags: &[String]) -> bool {
        let set = |name: &str| flags.iter().any(|f| f == name);
        set(&self.enable)
            || (!self.disable.as_deref().is_some_and(set)
                && self
                    .date
                    .as_deref()
                    .is_some_and(|from| date.is_none_or(|d| d >= from)))
    }
}

/// The flags, in the file's order.
pub fn catalog() -> &'static [CatalogFlag] {
    static CATALOG: OnceLock<Vec<CatalogFlag>> = OnceLock::new();
    CATALOG.get_or_init(|| parse(CAPNP))
}

/// Whether the behaviour `enable` names is on for a Worker at `date` (none: the newest) with
/// `flags`, its `$impliedByAfterDate` included as workerd compiles it: an implication never
/// overrides the behaviour's own disable flag.
pub fn enabled(enable: &str, date: Option<&str>, flags: &[String]) -> bool {
    let Some(flag) = find(enable) else {
        return false;
    };
    enabled_flag(flag, date, flags, 0)
}

fn enabled_flag(flag: &CatalogFlag, date: Option<&str>, flags: &[String], depth: u8) -> bool {
    if flag.on_for(date, flags) {
        return true;
    }
    let disabled = flag.disable.as_ref().is_some_and(|d| flags.contains(d));
    let Some((by, from)) = &flag.implied_by else {
        return false;
    };
    // Implications are a few levels deep at most; the bound guards against a cycle.
    !disabled
        && depth < 8
        && date.is_none_or(|d| d >= from.as_str())
        && by.iter().any(|field| {
            catalog()
                .iter()
                .find(|f| f.field == *field)
                .is_some_and(|f| enabled_flag(f, date, flags, depth + 1))
        })
}

/// The flag `name` enables or disables, if workerd knows it.
pub fn find(name: &str) -> Option<&'static CatalogFlag> {
    catalog()
        .iter()
        .find(|f| f.enable == name || f.disable.as_deref() == Some(name))
}

fn parse(capnp: &str) -> Vec<CatalogFlag> {
    // A plain scan, no regex: the file is read once per process, on the way to every Worker's
    // first request, and a regex over it cost more than the rest of a hello-world fetch.
    let mut flags = Vec::new();
    let mut offset = 0;
    for line in capnp.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let Some((field, after_type)) = bool_field(line) else {
            continue;
        };
        let rest = &capnp[start + after_type..];
        let decl = &rest[..rest.find(';').unwrap_or(rest.len())];
        let Some(enable) = annotation_text(decl, "$compatEnableFlag(") else {
            continue;
        };
        let all_dates = decl.contains("$compatEnableAllDates");
        flags.push(CatalogFlag {
            field: field.to_string(),
            enable,
            disable: annotation_text(decl, "$compatDisableFlag("),
            date: annotation_text(decl, "$compatEnableDate(")
                .or_else(|| all_dates.then(|| "2000-01-01".to_string())),
            experimental: decl.contains("$experimental"),
            implied_by: implied_by(decl),
        });
    }
    flags
}

/// A field declaration `name @N :Bool` (or `: Bool`): its name, and where in `line` the
/// declaration goes on after the type.
fn bool_field(line: &str) -> Option<(&str, usize)> {
    let trimmed = line.trim_start();
    let indent = line.len() - trimmed.len();
    let (name, rest) = trimmed.split_once(" @")?;
    let is_ident =
        |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let after_number = rest[digits..].trim_start().strip_prefix(':')?;
    let after_type = after_number.trim_start().strip_prefix("Bool")?;
    let type_end = line.len() - after_type.len();
    (is_ident(name) && digits > 0 && indent + name.len() < type_end).then_some((name, type_end))
}

/// The string argument of `annotation` (written with its opening parenthesis) in `decl`.
fn annotation_text(decl: &str, annotation: &str) -> Option<String> {
    let after = &decl[decl.find(annotation)? + annotation.len()..];
    let quoted = after.trim_start().strip_prefix('"')?;
    Some(quoted[..quoted.find('"')?].to_string())
}

/// `$impliedByAfterDate(name = "a", date = "d")` or `(names = ["a", "b"], date = "d")`.
fn implied_by(decl: &str) -> Option<(Vec<String>, String)> {
    let start = decl.find("$impliedByAfterDate(")?;
    let args = &decl[start..];
    let args = &args[..args.find(')')?];
    let quoted: Vec<&str> = args.split('"').skip(1).step_by(2).collect();
    let (date, names) = quoted.split_last()?;
    Some((
        names.iter().map(|n| n.to_string()).collect(),
        date.to_string(),
    ))
}

/// What workerd refuses when it loads a Worker's `compatibility_date` and `compatibility_flags`
/// (compatibility-date.c++ `compileCompatibilityFlags`), in its words.
pub fn refusals(date: Option<&str>, flags: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(d) = date
        && !is_compat_date(d)
    {
        out.push(format!("Invalid compatibility date: {d}"));
    }
    for (i, flag) in flags.iter().enumerate() {
        if flags[..i].contains(flag) {
            out.push(format!(
                "Compatibility flag specified multiple times: {flag}"
            ));
        }
    }
    for f in catalog() {
        let set = |name: &str| flags.iter().any(|g| g == name);
        if let Some(disable) = &f.disable
            && set(&f.enable)
            && set(disable)
        {
            out.push(format!(
                "Compatibility flags are mutually contradictory: {} vs {disable}",
                f.enable
            ));
        }
    }
    out
}

/// workerd's date check: `YYYY-MM-DD` with a year from 2000 to 2999, a month 1–12, a day 1–31.
fn is_compat_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let number = |s: &str| s.parse::<u32>().ok();
    match parts.as_slice() {
        [y, m, d] => {
            matches!(number(y), Some(2000..=2999))
                && matches!(number(m), Some(1..=12))
                && matches!(number(d), Some(1..=31))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_reads_every_annotation_kind() {
        let files = find("formdata_parser_supports_files").unwrap();
        assert_eq!(files.field, "formDataParserSupportsFiles");
        assert_eq!(files.date.as_deref(), Some("2021-11-03"));
        assert_eq!(
            files.disable.as_deref(),
            Some("formdata_parser_converts_files_to_strings")
        );
        let v2 = find("nodejs_compat_v2").unwrap();
        assert_eq!(
            v2.implied_by,
            Some((vec!["nodeJsCompat".to_string()], "2024-09-23".to_string()))
        );
        assert!(catalog().iter().any(|f| f.experimental));
        // Every flag the file names is read, whatever its layout.
        assert_eq!(catalog().len(), CAPNP.matches("$compatEnableFlag(").count());
        // Written `@144 : Bool`, with a space.
        assert!(find("python_check_rng_state").is_some());
        let multi = catalog()
            .iter()
            .find(|f| f.implied_by.as_ref().is_some_and(|(n, _)| n.len() == 2))
            .unwrap();
        assert_eq!(
            multi.implied_by.as_ref().unwrap().0,
            ["nodeJsCompat", "nodeJsCompatV2"]
        );
    }

    #[test]
    fn implications_follow_the_implying_flag_and_its_date() {
        let flags = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let os = "enable_nodejs_os_module";
        assert!(enabled(os, Some("2025-09-15"), &flags(&["nodejs_compat"])));
        assert!(!enabled(os, Some("2025-09-14"), &flags(&["nodejs_compat"])));
        assert!(!enabled(os, Some("2025-09-15"), &flags(&[])));
        assert!(enabled(os, Some("2025-01-01"), &flags(&[os])));
        assert!(!enabled(
            os,
            None,
            &flags(&["nodejs_compat", "disable_nodejs_os_module"])
        ));
        // Implied through an implied flag: http server modules follow the http modules.
        assert!(enabled(
            "enable_nodejs_http_server_modules",
            Some("2025-09-01"),
            &flags(&["nodejs_compat"])
        ));
    }

    #[test]
    fn refusals_are_workerds() {
        let flags = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            refusals(Some("2021-13-01"), &flags(&["rpc", "rpc", "no_rpc"])),
            [
                "Invalid compatibility date: 2021-13-01",
                "Compatibility flag specified multiple times: rpc",
                "Compatibility flags are mutually contradictory: rpc vs no_rpc",
            ]
        );
        assert!(refusals(Some("2024-04-03"), &flags(&["nodejs_compat"])).is_empty());
    }
}
