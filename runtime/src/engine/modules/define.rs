//! wrangler's `define` (and a vitest config's): global names and dotted paths
//! (`process.env.NODE_ENV`) replaced by the expressions the config gives, in every module, as
//! wrangler's esbuild replaces them when it bundles. Only names no module binds are replaced:
//! a local `const DEBUG` keeps its own value.
//!
//! The replacement is spliced into the module's text, so lines keep their numbers and stack
//! traces still point at the file as written.

use std::collections::BTreeMap;

use swc_common::{GLOBALS, Globals, Mark, Span, SyntaxContext};
use swc_ecma_ast::{Expr, MemberProp, Prop};
use swc_ecma_transforms_base::resolver;
use swc_ecma_visit::{Visit, VisitMutWith, VisitWith};

use crate::engine::swc_guard::{guarded_within_nesting, parse_js};

/// One `define` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Define {
    /// The replaced name, split at its dots: `["process", "env", "NODE_ENV"]`.
    path: Vec<String>,
    /// The key as the config wrote it.
    key: String,
    /// The JavaScript expression that replaces it.
    value: String,
    /// Every replacement of an object or array value is the same object, as esbuild hoists
    /// it into one variable; vite's `define` (a vitest config's) makes a new one each time.
    shared: bool,
}

/// The `define` entries of a Worker.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Defines {
    entries: Vec<Define>,
}

/// Why a `define` entry cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DefineError {
    #[error("define: {key:?} is not a name or a dotted path of names")]
    Key { key: String },
    #[error("define: the value of {key:?} is not a JavaScript expression: {value}")]
    Value { key: String, value: String },
}

impl Defines {
    /// Checks and adds `entries` (key → expression); `shared` as [`Define::shared`]. A key
    /// given again replaces the earlier entry.
    pub fn add(
        &mut self,
        entries: &BTreeMap<String, String>,
        shared: bool,
    ) -> Result<(), DefineError> {
        for (key, value) in entries {
            let path: Vec<String> = key.split('.').map(str::to_string).collect();
            if !path.iter().all(|part| is_identifier(part)) {
                return Err(DefineError::Key { key: key.clone() });
            }
            if !is_expression(value) {
                return Err(DefineError::Value {
                    key: key.clone(),
                    value: value.clone(),
                });
            }
            self.entries.retain(|d| d.key != *key);
            self.entries.push(Define {
                path,
                key: key.clone(),
                value: value.trim().to_string(),
                shared,
            });
        }
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// `source` (module `name`, JavaScript) with the defined names replaced; `None` when it
    /// names none of them, or does not parse (QuickJS then reports the syntax error).
    pub fn apply(&self, name: &str, source: &str) -> Option<String> {
        let named = |d: &Define| source.contains(d.path[0].as_str());
        if !self.entries.iter().any(named) {
            return None;
        }
        guarded_within_nesting(source, || self.replace(name, source)).flatten()
    }

    fn replace(&self, name: &str, source: &str) -> Option<String> {
        let (mut program, base) = parse_js(name, source, |p| p.parse_program())?;
        let mut finder = Finder {
            defines: self,
            unresolved: SyntaxContext::empty(),
            found: Vec::new(),
        };
        GLOBALS.set(&Globals::new(), || {
            let unresolved = Mark::new();
            program.visit_mut_with(&mut resolver(unresolved, Mark::new(), false));
            finder.unresolved = SyntaxContext::empty().apply_mark(unresolved);
            program.visit_with(&mut finder);
        });
        if finder.found.is_empty() {
            return None;
        }
        let mut out = String::with_capacity(source.len());
        let mut at = 0;
        for (span, text) in finder.found {
            let (lo, hi) = ((span.lo.0 - base) as usize, (span.hi.0 - base) as usize);
            out.push_str(source.get(at..lo)?);
            out.push_str(&text);
            at = hi;
        }
        out.push_str(source.get(at..)?);
        Some(out)
    }

    /// The entry whose path is `path`.
    fn find(&self, path: &[&str]) -> Option<&Define> {
        self.entries
            .iter()
            .find(|d| d.path.iter().map(String::as_str).eq(path.iter().copied()))
    }
}

impl Define {
    /// What replaces one occurrence: the expression, or for a shared object the one the
    /// first occurrence made.
    fn replacement(&self) -> String {
        let value = &self.value;
        let object = value.starts_with('{') || value.starts_with('[');
        match self.shared && object {
            true => format!(
                "((globalThis[Symbol.for(\"edgesim.define\")] ??= {{}})[{}] ??= ({value}))",
                serde_json::Value::from(self.key.as_str())
            ),
            false => format!("({value})"),
        }
    }
}

/// Finds the occurrences of defined names, in source order.
struct Finder<'d> {
    defines: &'d Defines,
    /// The context of names no module scope binds.
    unresolved: SyntaxContext,
    found: Vec<(Span, String)>,
}

impl Finder<'_> {
    /// The entry `expr` is an occurrence of: a free name, or a chain of `.name`s on one.
    fn defined(&self, expr: &Expr) -> Option<&Define> {
        let mut path = Vec::new();
        let mut at = expr;
        loop {
            match at {
                Expr::Member(member) => {
                    let MemberProp::Ident(prop) = &member.prop else {
                        return None;
                    };
                    path.push(prop.sym.as_str());
                    at = &member.obj;
                }
                Expr::Ident(ident) if ident.ctxt == self.unresolved => {
                    path.push(ident.sym.as_str());
                    break;
                }
                _ => return None,
            }
        }
        path.reverse();
        self.defines.find(&path)
    }
}

impl Visit for Finder<'_> {
    fn visit_expr(&mut self, expr: &Expr) {
        match self.defined(expr) {
            Some(define) => {
                let span = swc_common::Spanned::span(expr);
                self.found.push((span, define.replacement()));
            }
            None => expr.visit_children_with(self),
        }
    }

    /// `{ DEBUG }` becomes `{ DEBUG: (true) }`.
    fn visit_prop(&mut self, prop: &Prop) {
        if let Prop::Shorthand(ident) = prop
            && ident.ctxt == self.unresolved
            && let Some(define) = self.defines.find(&[ident.sym.as_str()])
        {
            let text = format!("{}: {}", ident.sym, define.replacement());
            self.found.push((ident.span, text));
            return;
        }
        prop.visit_children_with(self);
    }
}

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

/// Whether `text` parses as one JavaScript expression.
fn is_expression(text: &str) -> bool {
    let wrapped = format!("({text}\n)");
    guarded_within_nesting(&wrapped, || {
        parse_js("define", &wrapped, |p| p.parse_expr()).is_some()
    })
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defines(entries: &[(&str, &str)], shared: bool) -> Defines {
        let map = entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut d = Defines::default();
        d.add(&map, shared).unwrap();
        d
    }

    #[test]
    fn free_names_and_dotted_paths_are_replaced_and_bound_names_are_not() {
        let d = defines(
            &[("DEBUG", "true"), ("process.env.MODE", "\"prod\"")],
            false,
        );
        let source = "const a = DEBUG;\nfunction f(DEBUG) { return DEBUG; }\nlet m = process.env.MODE.length, n = process.env.OTHER, o = { DEBUG };\n";
        let out = d.apply("m.js", source).unwrap();
        assert_eq!(
            out,
            "const a = (true);\nfunction f(DEBUG) { return DEBUG; }\nlet m = (\"prod\").length, n = process.env.OTHER, o = { DEBUG: (true) };\n"
        );
    }

    #[test]
    fn a_module_that_names_no_defined_name_is_left_alone() {
        let d = defines(&[("DEBUG", "true")], false);
        assert_eq!(d.apply("m.js", "export const x = 1;"), None);
        assert_eq!(d.apply("m.js", "const DEBUG = 1; export { DEBUG };"), None);
    }

    #[test]
    fn shared_objects_are_made_once_per_isolate() {
        let d = defines(&[("LIST", "[1, 2]")], true);
        let out = d.apply("m.js", "export default LIST;").unwrap();
        assert_eq!(
            out,
            "export default ((globalThis[Symbol.for(\"edgesim.define\")] ??= {})[\"LIST\"] ??= ([1, 2]));"
        );
    }

    #[test]
    fn keys_and_values_are_checked() {
        let mut d = Defines::default();
        let bad_key = [("a-b".to_string(), "1".to_string())].into();
        assert!(matches!(
            d.add(&bad_key, true),
            Err(DefineError::Key { .. })
        ));
        let bad_value = [("A".to_string(), "1 +".to_string())].into();
        assert!(matches!(
            d.add(&bad_value, true),
            Err(DefineError::Value { .. })
        ));
    }
}
