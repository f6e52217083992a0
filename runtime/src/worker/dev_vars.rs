//! Local secrets, as `wrangler dev` reads them: a `.dev.vars` file beside the wrangler config
//! (`.dev.vars.<env>` first under `--env`), or, when there is none, the `.env` files (`.env`,
//! `.env.local`, then `.env.<env>` and `.env.<env>.local`, each overriding the one before, with
//! `${VAR}` references expanded). Their values are strings that add to or override `[vars]`.
//!
//! The files are dotenv files as the `dotenv` npm package parses them (wrangler's parser), so a
//! project's secrets mean here what they mean under `wrangler dev`. The process environment is
//! never read (wrangler's `CLOUDFLARE_INCLUDE_PROCESS_ENV`): a run depends only on its inputs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

/// The secrets a Worker runs with locally, and the files they came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DevVars {
    pub files: Vec<PathBuf>,
    pub vars: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: cannot read: {message}", file.display())]
pub struct DevVarsError {
    pub file: PathBuf,
    pub message: String,
}

/// The local secrets for a Worker whose config is in `dir`, under environment `env`.
pub fn load(dir: &Path, env: Option<&str>) -> Result<DevVars, DevVarsError> {
    let dev_vars = dir.join(".dev.vars");
    let preferred = env.map(|e| dir.join(format!(".dev.vars.{e}")));
    for file in preferred.into_iter().chain([dev_vars]) {
        if let Some(text) = read_if_present(&file)? {
            return Ok(DevVars {
                vars: parse(&text).into_iter().collect(),
                files: vec![file],
            });
        }
    }
    let mut names = vec![".env".to_string(), ".env.local".to_string()];
    if let Some(e) = env {
        names.extend([format!(".env.{e}"), format!(".env.{e}.local")]);
    }
    let mut merged = Vec::new();
    let mut files = Vec::new();
    for name in names {
        let file = dir.join(name);
        if let Some(text) = read_if_present(&file)? {
            merged.extend(parse(&text));
            files.push(file);
        }
    }
    Ok(DevVars {
        files,
        vars: expand(merged),
    })
}

fn read_if_present(file: &Path) -> Result<Option<String>, DevVarsError> {
    match std::fs::read(file) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(DevVarsError {
            file: file.to_path_buf(),
            message: e.to_string(),
        }),
    }
}

/// One `KEY=value` (or `KEY: value`) of a dotenv file: an optional `export`, a value that is
/// single-, double- or back-quoted (and may then span lines) or bare up to a `#` comment.
static LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?m)^\s*(?:export\s+)?([A-Za-z0-9_.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?$"#,
    )
    .unwrap_or_else(|e| unreachable!("the dotenv line pattern is valid: {e}"))
});

/// The assignments of a dotenv file, in order, as the `dotenv` package reads them: values are
/// trimmed, one pair of matching quotes is removed, and a double-quoted value turns `\n` and
/// `\r` into line breaks. A key given twice keeps its last value when collected.
pub fn parse(text: &str) -> Vec<(String, String)> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    LINE.captures_iter(&text)
        .map(|c| {
            let key = c[1].to_string();
            let raw = c.get(2).map_or("", |m| m.as_str()).trim();
            let quote = raw.chars().next().filter(|q| matches!(q, '\'' | '"' | '`'));
            let value = match quote {
                Some(q) if raw.len() >= 2 && raw.ends_with(q) => &raw[1..raw.len() - 1],
                _ => raw,
            };
            let value = if quote == Some('"') {
                value.replace("\\n", "\n").replace("\\r", "\r")
            } else {
                value.to_string()
            };
            (key, value)
        })
        .collect()
}

/// `${NAME}`, `$NAME`, `${NAME:-default}` and `${NAME-default}` replaced by the value of
/// `NAME` given earlier in the merged files (as `dotenv-expand` does for wrangler), `\$` by
/// `$`; an unknown name by its default, or nothing.
static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\\\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")
        .unwrap_or_else(|e| unreachable!("the reference pattern is valid: {e}"))
});

fn expand(assignments: Vec<(String, String)>) -> BTreeMap<String, String> {
    // As a JavaScript object keeps them: each key where it first appeared, with its last value.
    let mut order: Vec<&str> = Vec::new();
    let mut raw: BTreeMap<String, String> = BTreeMap::new();
    for (key, value) in &assignments {
        if raw.insert(key.clone(), value.clone()).is_none() {
            order.push(key);
        }
    }
    let mut expanded: BTreeMap<String, String> = BTreeMap::new();
    for key in order {
        let value = &raw[key];
        let value = REFERENCE.replace_all(value, |c: &regex::Captures| {
            if &c[0] == "\\$" {
                return "$".to_string();
            }
            let name = c.get(1).or_else(|| c.get(3)).map_or("", |m| m.as_str());
            expanded
                .get(name)
                .or_else(|| raw.get(name).filter(|_| name != key))
                .cloned()
                .or_else(|| c.get(2).map(|d| d.as_str().to_string()))
                .unwrap_or_default()
        });
        expanded.insert(key.to_string(), value.into_owned());
    }
    expanded
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Vec<(String, String)> {
        parse(text)
    }

    fn pair(k: &str, v: &str) -> (String, String) {
        (k.to_string(), v.to_string())
    }

    /// The cases the `dotenv` package's own tests pin (tests/.env there).
    #[test]
    fn values_are_read_as_the_dotenv_package_reads_them() {
        let text = "BASIC=basic\n\
            # a comment\n\
            export EXPORTED=yes\n\
            AFTER_LINE=after_line\n\
            EMPTY=\n\
            SINGLE_QUOTES='single_quotes'\n\
            DOUBLE_QUOTES=\"double_quotes\"\n\
            BACKTICKS=`backticks`\n\
            EXPAND_NEWLINES=\"expand\\nnew\\nlines\"\n\
            DONT_EXPAND_UNQUOTED=dontexpand\\nnewlines\n\
            INLINE_COMMENTS=inline comments # work\n\
            INLINE_COMMENTS_SINGLE_QUOTES='inline comments outside of #singlequotes' # work\n\
            EQUAL_SIGNS=equals==\n\
            RETAIN_INNER_QUOTES={\"foo\": \"bar\"}\n\
            TRIM_SPACE_FROM_UNQUOTED=    some spaced out string\n\
            USERNAME=therealnerdybeast@example.tld\n\
            SPACED_KEY = parsed\n\
            MULTI_DOUBLE_QUOTED=\"THIS\nIS\nA\nMULTILINE\"\n";
        let got = parsed(text);
        let expect = [
            pair("BASIC", "basic"),
            pair("EXPORTED", "yes"),
            pair("AFTER_LINE", "after_line"),
            pair("EMPTY", ""),
            pair("SINGLE_QUOTES", "single_quotes"),
            pair("DOUBLE_QUOTES", "double_quotes"),
            pair("BACKTICKS", "backticks"),
            pair("EXPAND_NEWLINES", "expand\nnew\nlines"),
            pair("DONT_EXPAND_UNQUOTED", "dontexpand\\nnewlines"),
            pair("INLINE_COMMENTS", "inline comments"),
            pair(
                "INLINE_COMMENTS_SINGLE_QUOTES",
                "inline comments outside of #singlequotes",
            ),
            pair("EQUAL_SIGNS", "equals=="),
            pair("RETAIN_INNER_QUOTES", "{\"foo\": \"bar\"}"),
            pair("TRIM_SPACE_FROM_UNQUOTED", "some spaced out string"),
            pair("USERNAME", "therealnerdybeast@example.tld"),
            pair("SPACED_KEY", "parsed"),
            pair("MULTI_DOUBLE_QUOTED", "THIS\nIS\nA\nMULTILINE"),
        ];
        assert_eq!(got, expect);
    }

    #[test]
    fn windows_line_ends_read_as_unix_ones() {
        assert_eq!(
            parsed("A=1\r\nB=\"x\"\r\n"),
            vec![pair("A", "1"), pair("B", "x")]
        );
    }

    #[test]
    fn references_expand_to_earlier_values_defaults_or_nothing() {
        let out = expand(parse(
            "HOST=example.com\nURL=https://${HOST}/$HOST\nMISSING=${NOPE:-fallback}|${NOPE}|\\$HOST\n",
        ));
        assert_eq!(out["URL"], "https://example.com/example.com");
        assert_eq!(out["MISSING"], "fallback||$HOST");
    }

    fn project(files: &[(&str, &str)]) -> tempdir::Dir {
        tempdir::Dir::with(files)
    }

    /// A throwaway directory, removed when dropped.
    mod tempdir {
        use std::path::{Path, PathBuf};

        pub struct Dir(PathBuf);

        impl Dir {
            pub fn with(files: &[(&str, &str)]) -> Dir {
                use std::sync::atomic::{AtomicUsize, Ordering};
                static NEXT: AtomicUsize = AtomicUsize::new(0);
                let n = NEXT.fetch_add(1, Ordering::Relaxed);
                let dir = std::env::temp_dir()
                    .join(format!("edgesim-dev-vars-{}-{n}", std::process::id()));
                let _ = std::fs::remove_dir_all(&dir);
                std::fs::create_dir_all(&dir).expect("a temporary directory");
                for (name, text) in files {
                    std::fs::write(dir.join(name), text).expect("a temporary file");
                }
                Dir(dir)
            }

            pub fn path(&self) -> &Path {
                &self.0
            }
        }

        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }

    #[test]
    fn dev_vars_wins_over_dot_env_and_the_env_specific_file_over_both() {
        let dir = project(&[
            (".dev.vars", "A=dev\n"),
            (".dev.vars.staging", "A=staging\n"),
            (".env", "A=env\nB=env\n"),
        ]);
        let plain = load(dir.path(), None).expect("loads");
        assert_eq!(plain.vars, BTreeMap::from([pair("A", "dev")]));
        let staging = load(dir.path(), Some("staging")).expect("loads");
        assert_eq!(staging.vars, BTreeMap::from([pair("A", "staging")]));
        let production = load(dir.path(), Some("production")).expect("loads");
        assert_eq!(production.vars, BTreeMap::from([pair("A", "dev")]));
    }

    #[test]
    fn without_dev_vars_the_env_files_merge_in_order() {
        let dir = project(&[
            (".env", "A=env\nB=env\nC=${B}-c\n"),
            (".env.local", "B=local\n"),
            (".env.staging", "A=staging\n"),
        ]);
        let plain = load(dir.path(), None).expect("loads");
        assert_eq!(
            plain.vars,
            BTreeMap::from([pair("A", "env"), pair("B", "local"), pair("C", "local-c")])
        );
        let staging = load(dir.path(), Some("staging")).expect("loads");
        assert_eq!(staging.vars["A"], "staging");
        let empty = project(&[]);
        assert_eq!(load(empty.path(), None), Ok(DevVars::default()));
    }
}
