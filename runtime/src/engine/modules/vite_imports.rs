//! vite's SSR transform, as vitest-pool-workers gives it to every module of a test run: a
//! module's imports become reads of the imported module's namespace, so a name a built-in
//! module does not export reads `undefined` instead of failing the link. Suites rely on it
//! without knowing: msw's Node interceptors import `HTTPParser` from `_http_common`, which
//! workerd's does not export, and pass under the pool.
//!
//! Only imports of built-in modules are rewritten (a package's missing export stays the
//! SyntaxError QuickJS gives); the rewritten import keeps its lines, so positions hold.

use swc_common::Span;
use swc_ecma_ast::{ImportDecl, ImportSpecifier, ModuleDecl, ModuleExportName, ModuleItem};

use crate::engine::swc_guard::parse_js;

/// Whether `source` may import a named binding from a module `is_builtin` accepts (a cheap
/// test before parsing).
pub fn may_import_builtins(source: &str, is_builtin: impl Fn(&str) -> bool) -> bool {
    ["from \"", "from '"].iter().any(|from| {
        source.match_indices(from).any(|(at, m)| {
            let rest = &source[at + m.len()..];
            let quote = m.chars().last().unwrap_or('"');
            rest.find(quote).is_some_and(|end| is_builtin(&rest[..end]))
        })
    })
}

/// `source` (module `name`) with each named import of a built-in made a read of its
/// namespace; `None` when it has none, or does not parse. Called on swc's stack.
pub fn lax_builtin_imports(
    name: &str,
    source: &str,
    is_builtin: impl Fn(&str) -> bool,
) -> Option<String> {
    let (module, base) = parse_js(name, source, |p| p.parse_module())?;
    let range = |span: Span| (span.lo.0 - base) as usize..(span.hi.0 - base) as usize;
    let mut edits = Vec::new();
    for item in &module.body {
        let ModuleItem::ModuleDecl(ModuleDecl::Import(import)) = item else {
            continue;
        };
        if import.type_only || !is_builtin(&import.src.value.to_string_lossy()) {
            continue;
        }
        let span = range(import.span);
        let original = source.get(span.clone())?;
        if let Some(text) = rewritten(import, edits.len(), source.get(range(import.src.span))?) {
            let lines = "\n".repeat(original.matches('\n').count());
            edits.push((span, format!("{text}{lines}")));
        }
    }
    if edits.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(source.len() + 64 * edits.len());
    let mut at = 0;
    for (span, text) in edits {
        out.push_str(source.get(at..span.start)?);
        out.push_str(&text);
        at = span.end;
    }
    out.push_str(source.get(at..)?);
    Some(out)
}

/// The import as a namespace import and a destructuring of it, when it has named bindings.
fn rewritten(import: &ImportDecl, index: usize, source_text: &str) -> Option<String> {
    let mut default = None;
    let mut named = Vec::new();
    for specifier in &import.specifiers {
        match specifier {
            ImportSpecifier::Default(d) => default = Some(d.local.sym.to_string()),
            ImportSpecifier::Namespace(_) => return None,
            ImportSpecifier::Named(n) if n.is_type_only => {}
            ImportSpecifier::Named(n) => {
                let local = n.local.sym.to_string();
                named.push(match &n.imported {
                    None => local,
                    Some(ModuleExportName::Ident(i)) => format!("{}: {local}", i.sym),
                    Some(ModuleExportName::Str(s)) => {
                        let key = serde_json::Value::from(s.value.to_string_lossy().as_ref());
                        format!("{key}: {local}")
                    }
                });
            }
        }
    }
    if named.is_empty() {
        return None;
    }
    let namespace = format!("__edgesim_builtin_{index}");
    let head = default.map_or_else(String::new, |d| format!("{d}, "));
    Some(format!(
        "import {head}* as {namespace} from {source_text}; const {{ {} }} = {namespace};",
        named.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin(s: &str) -> bool {
        s.starts_with("node:") || s == "_http_common"
    }

    #[test]
    fn named_imports_of_builtins_read_the_namespace_and_keep_their_lines() {
        let source = "import { HTTPParser, methods as m } from \"_http_common\";\nimport ev, {\n  once\n} from 'node:events';\nimport { x } from './x.js';\n";
        assert!(may_import_builtins(source, builtin));
        let out = lax_builtin_imports("m.js", source, builtin).unwrap();
        assert_eq!(
            out,
            "import * as __edgesim_builtin_0 from \"_http_common\"; const { HTTPParser, methods: m } = __edgesim_builtin_0;\nimport ev, * as __edgesim_builtin_1 from 'node:events'; const { once } = __edgesim_builtin_1;\n\n\nimport { x } from './x.js';\n"
        );
    }

    #[test]
    fn modules_importing_no_builtin_by_name_are_left_alone() {
        let source = "import * as fs from 'node:fs';\nimport d from 'node:path';\nimport { x } from './x.js';\n";
        assert!(may_import_builtins(source, builtin));
        assert_eq!(lax_builtin_imports("m.js", source, builtin), None);
        assert!(!may_import_builtins("import { x } from './x.js';", builtin));
    }
}
