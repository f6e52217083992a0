//! TypeScript's import elision on stripped modules: an import binding the module never uses
//! goes, and an import declaration left with none goes whole — what `tsc` and esbuild (and so
//! wrangler's bundle) do with `import { WorkflowEntrypoint, WorkflowEvent } from
//! "cloudflare:workers"`, where `WorkflowEvent` is only a type. Stripping alone keeps the
//! import, and the module then fails to link against a module that exports no such name.
//!
//! Once types are stripped every remaining reference is a value reference, so a binding no
//! identifier names outside the import is unused. A name that also appears elsewhere (even as
//! another binding) is kept: eliding too little is what the code did before. Lines keep their
//! numbers: a rewritten declaration is padded to the lines it had.

use std::collections::BTreeSet;

use swc_common::Span;
use swc_ecma_ast::{Ident, ImportDecl, ImportSpecifier, ModuleDecl, ModuleItem};
use swc_ecma_visit::{Visit, VisitWith};

use super::swc_guard::parse_js;

/// `stripped` (a TypeScript module with its types blanked out) without its unused imports;
/// unchanged when it does not parse as a module or imports nothing unused. Called on swc's
/// stack, by the stripper (typescript.rs), after its nesting guard.
pub(crate) fn elide_unused_imports(file: &str, stripped: &str) -> String {
    // Most modules a project strips import something, but a file with no `import` at all
    // need not be parsed a second time.
    if !stripped.contains("import") {
        return stripped.to_string();
    }
    let Some((module, base)) = parse_js(file, stripped, |p| p.parse_module()) else {
        return stripped.to_string();
    };
    let mut used = UsedNames::default();
    module.visit_with(&mut used);
    let range = |span: Span| (span.lo.0 - base) as usize..(span.hi.0 - base) as usize;
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    for item in &module.body {
        let ModuleItem::ModuleDecl(ModuleDecl::Import(decl)) = item else {
            continue;
        };
        if decl.specifiers.is_empty() || decl.type_only {
            continue;
        }
        let kept: Vec<&ImportSpecifier> = (decl.specifiers.iter())
            .filter(|s| used.names.contains(local_name(s)))
            .collect();
        if kept.len() == decl.specifiers.len() {
            continue;
        }
        let whole = range(decl.span);
        let Some(original) = stripped.get(whole.clone()) else {
            continue;
        };
        let replacement = if kept.is_empty() {
            String::new()
        } else {
            rebuilt(decl, &kept, stripped, range)
        };
        edits.push((whole, padded(replacement, original)));
    }
    let mut out = stripped.to_string();
    for (at, text) in edits.into_iter().rev() {
        out.replace_range(at, &text);
    }
    out
}

/// The declaration importing only `kept`, written from the original text of each part.
fn rebuilt(
    decl: &ImportDecl,
    kept: &[&ImportSpecifier],
    source: &str,
    range: impl Fn(Span) -> std::ops::Range<usize>,
) -> String {
    let text = |span: Span| source.get(range(span)).unwrap_or_default().to_string();
    let mut parts = Vec::new();
    let mut named = Vec::new();
    for s in kept {
        match s {
            ImportSpecifier::Default(d) => parts.push(text(d.span)),
            ImportSpecifier::Namespace(n) => parts.push(text(n.span)),
            ImportSpecifier::Named(n) => named.push(text(n.span)),
        }
    }
    if !named.is_empty() {
        parts.push(format!("{{ {} }}", named.join(", ")));
    }
    // From the module specifier to the end: the source, any import attributes, the `;`.
    let tail_start = range(decl.src.span).start;
    let tail = source
        .get(tail_start..range(decl.span).end)
        .unwrap_or_default();
    format!("import {} from {tail}", parts.join(", "))
}

/// `text` taking as many lines as `original` did, so later lines keep their numbers.
fn padded(mut text: String, original: &str) -> String {
    let lines = original.matches('\n').count();
    text.push_str(&"\n".repeat(lines.saturating_sub(text.matches('\n').count())));
    text
}

fn local_name(s: &ImportSpecifier) -> &str {
    match s {
        ImportSpecifier::Default(d) => &d.local.sym,
        ImportSpecifier::Namespace(n) => &n.local.sym,
        ImportSpecifier::Named(n) => &n.local.sym,
    }
}

/// Every identifier the module names outside its import declarations.
#[derive(Default)]
struct UsedNames {
    names: BTreeSet<String>,
}

impl Visit for UsedNames {
    fn visit_import_decl(&mut self, _: &ImportDecl) {}

    fn visit_ident(&mut self, ident: &Ident) {
        self.names.insert(ident.sym.to_string());
    }
}

#[cfg(test)]
mod tests {
    fn elide_unused_imports(file: &str, js: &str) -> String {
        crate::engine::swc_guard::with_swc_stack(|| super::elide_unused_imports(file, js))
    }

    #[test]
    fn a_binding_used_only_as_a_type_goes_and_the_others_stay() {
        let js = "import { WorkflowEntrypoint, WorkflowEvent } from \"cloudflare:workers\";\n\
                  export class W extends WorkflowEntrypoint {}\n";
        assert_eq!(
            elide_unused_imports("a.ts", js),
            "import { WorkflowEntrypoint } from \"cloudflare:workers\";\n\
             export class W extends WorkflowEntrypoint {}\n"
        );
    }

    #[test]
    fn a_declaration_with_no_binding_used_goes_whole_and_keeps_its_lines() {
        let js = "import {\n  A,\n  B,\n} from \"x\";\nimport \"side-effect\";\nconsole.log(1);\n";
        let out = elide_unused_imports("a.ts", js);
        assert_eq!(out, "\n\n\n\nimport \"side-effect\";\nconsole.log(1);\n");
    }

    #[test]
    fn defaults_namespaces_renames_and_attributes_survive_a_rewrite() {
        let js = "import D, * as ns from \"m\";\nimport { a as b, T } from \"n\" with { type: \"json\" };\n\
                  export default [D, b];\n";
        assert_eq!(
            elide_unused_imports("a.ts", js),
            "import D from \"m\";\nimport { a as b } from \"n\" with { type: \"json\" };\n\
             export default [D, b];\n"
        );
    }

    #[test]
    fn a_name_used_anywhere_is_kept_and_bad_input_is_left_alone() {
        let js = "import { A } from \"x\";\nexport { A };\n";
        assert_eq!(elide_unused_imports("a.ts", js), js);
        assert_eq!(elide_unused_imports("a.ts", "import {"), "import {");
    }
}
