//! vitest's hoisting of `vi.mock` for `edgesim test`: a test module's top-level `vi.mock`,
//! `vi.unmock` and `vi.hoisted` calls run before anything it imports, and its imports become
//! `await import()` after them — what vitest's `hoistMocks` transform does, so the mocks are
//! registered before the modules they replace are linked.
//!
//! Lines keep their numbers after the last hoisted statement (where the tests are), so stack
//! traces and inline snapshots point at the file as written: the hoisted text moves to the
//! first line with its line breaks, and its old place gives the same number of line breaks up.

use swc_common::{Span, Spanned};
use swc_ecma_ast::{
    Callee, Decl, Expr, ImportDecl, ImportSpecifier, MemberProp, ModuleDecl, ModuleExportName,
    ModuleItem, Stmt,
};

use swc_ecma_visit::{Visit, VisitWith};

use crate::engine::swc_guard::parse_js;

/// What the hoisted code calls first: which module registers the mocks (their paths resolve
/// against it).
pub const FILE_HOOK: &str = "edgesim.vi.file";
/// What the hoisted code awaits before importing: every registered mock made.
pub const READY_HOOK: &str = "edgesim.vi.ready";
/// The module every test module imports `vi` from; its import stays static.
const VITEST: &str = "vitest";

/// Whether `source` may hold hoisted mock calls, `vi.doMock` or `vi.resetModules` (a cheap
/// test before parsing).
pub fn may_hoist(source: &str) -> bool {
    [
        "vi.mock(",
        "vi.unmock(",
        "vi.hoisted(",
        "vitest.mock(",
        "doMock(",
        "resetModules(",
    ]
    .iter()
    .any(|call| source.contains(call))
}

/// `source` (module `name`, JavaScript) with its mock calls hoisted and, in a module that calls
/// `vi.doMock` or `vi.resetModules`, each dynamic `import()` waiting for the mocks registered
/// before it to be made (vitest's dynamic-import wrapper); `None` when there is nothing to do or it does not parse
/// (QuickJS then reports the syntax error as for any module). Called on swc's stack.
pub fn hoist_mocks(name: &str, source: &str) -> Option<String> {
    let (module, base) = parse_js(name, source, |p| p.parse_module())?;
    let range = |span: Span| (span.lo.0 - base) as usize..(span.hi.0 - base) as usize;
    let text = |span: Span| source.get(range(span)).unwrap_or_default();

    let hoisted: Vec<Span> = (module.body.iter())
        .filter(|item| is_hoisted(item))
        .map(|item| item.span())
        .collect();
    let dynamic_imports = match source.contains("doMock(") || source.contains("resetModules(") {
        true => DynamicImports::of(&module),
        false => Vec::new(),
    };
    if hoisted.is_empty() && dynamic_imports.is_empty() {
        return None;
    }
    let imports: Vec<&ImportDecl> = match hoisted.is_empty() {
        true => Vec::new(),
        false => (module.body.iter())
            .filter_map(|item| match item {
                ModuleItem::ModuleDecl(ModuleDecl::Import(decl)) => Some(decl),
                _ => None,
            })
            .filter(|decl| !decl.type_only && decl.with.is_none() && &*decl.src.value != VITEST)
            .collect(),
    };

    let mut head = format!("{}({});", hook(FILE_HOOK), serde_json::Value::from(name));
    if !hoisted.is_empty() {
        for span in &hoisted {
            let statement = text(*span);
            head.push_str(statement);
            if !statement.trim_end().ends_with(';') {
                head.push(';');
            }
        }
        head.push_str(&format!("await {}();", hook(READY_HOOK)));
        for decl in &imports {
            head.push_str(&dynamic_import(decl, text));
        }
    }

    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    for span in &hoisted {
        let original = text(*span);
        // The line breaks moved up with the statement; a `;` keeps its neighbours apart.
        let blank = format!(
            ";{}",
            " ".repeat(original.chars().count().saturating_sub(1))
        );
        edits.push((range(*span), blank.replace('\n', "")));
    }
    for decl in &imports {
        let original = text(decl.span);
        let blank: String = (original.chars())
            .map(|c| if c == '\n' { '\n' } else { ' ' })
            .collect();
        edits.push((range(decl.span), blank));
    }
    for span in &dynamic_imports {
        let call = text(*span);
        let waited = format!("{}().then(() => {call})", hook(READY_HOOK));
        edits.push((range(*span), waited));
    }
    edits.sort_by_key(|(at, _)| at.start);
    let mut body = source.to_string();
    for (at, replacement) in edits.into_iter().rev() {
        body.replace_range(at, &replacement);
    }
    Some(format!("{head}{body}"))
}

/// `globalThis[Symbol.for(symbol)]`: how the rewritten code reaches api/test/module_mocks.js.
fn hook(symbol: &str) -> String {
    format!("globalThis[Symbol.for({symbol:?})]")
}

/// The outermost dynamic `import()` calls of a module (one inside another's arguments is
/// waited for with it).
#[derive(Default)]
struct DynamicImports(Vec<Span>);

impl DynamicImports {
    fn of(module: &swc_ecma_ast::Module) -> Vec<Span> {
        let mut found = DynamicImports::default();
        module.visit_with(&mut found);
        found.0
    }
}

impl Visit for DynamicImports {
    fn visit_call_expr(&mut self, call: &swc_ecma_ast::CallExpr) {
        match call.callee {
            Callee::Import(_) => self.0.push(call.span),
            _ => call.visit_children_with(self),
        }
    }
}

/// A top-level `vi.mock(…)`, `vi.unmock(…)`, `vi.hoisted(…)` (awaited or not), or a declaration
/// whose every initialiser is a `vi.hoisted(…)`.
fn is_hoisted(item: &ModuleItem) -> bool {
    match item {
        ModuleItem::Stmt(Stmt::Expr(stmt)) => {
            is_mock_call(&stmt.expr, &["mock", "unmock", "hoisted"])
        }
        ModuleItem::Stmt(Stmt::Decl(Decl::Var(var))) => {
            !var.decls.is_empty()
                && (var.decls.iter()).all(|d| {
                    d.init
                        .as_deref()
                        .is_some_and(|e| is_mock_call(e, &["hoisted"]))
                })
        }
        _ => false,
    }
}

fn is_mock_call(expr: &Expr, methods: &[&str]) -> bool {
    let expr = match expr {
        Expr::Await(awaited) => &*awaited.arg,
        Expr::Paren(paren) => &*paren.expr,
        other => other,
    };
    let Expr::Call(call) = expr else {
        return false;
    };
    let Callee::Expr(callee) = &call.callee else {
        return false;
    };
    let Expr::Member(member) = &**callee else {
        return false;
    };
    let Expr::Ident(object) = &*member.obj else {
        return false;
    };
    let MemberProp::Ident(method) = &member.prop else {
        return false;
    };
    matches!(&*object.sym, "vi" | "vitest") && methods.contains(&&*method.sym)
}

/// `import a, { b as c } from "m"` as `const { default: a, b: c } = await import("m");`.
fn dynamic_import<'a>(decl: &ImportDecl, text: impl Fn(Span) -> &'a str) -> String {
    let source = text(decl.src.span);
    let mut fields = Vec::new();
    let mut namespace = None;
    for specifier in &decl.specifiers {
        match specifier {
            ImportSpecifier::Default(d) => fields.push(format!("default: {}", d.local.sym)),
            ImportSpecifier::Namespace(n) => namespace = Some(n.local.sym.to_string()),
            ImportSpecifier::Named(n) if n.is_type_only => {}
            ImportSpecifier::Named(n) => {
                let imported = match &n.imported {
                    Some(ModuleExportName::Ident(i)) => i.sym.to_string(),
                    Some(ModuleExportName::Str(s)) => text(s.span).to_string(),
                    None => n.local.sym.to_string(),
                };
                fields.push(format!("{imported}: {}", n.local.sym));
            }
        }
    }
    let import = format!("await import({source})");
    match (namespace, fields.is_empty()) {
        (None, true) if decl.specifiers.is_empty() => format!("{import};"),
        (None, true) => String::new(),
        (None, false) => format!("const {{ {} }} = {import};", fields.join(", ")),
        (Some(ns), true) => format!("const {ns} = {import};"),
        (Some(ns), false) => format!(
            "const {ns} = {import}; const {{ {} }} = {ns};",
            fields.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    fn hoist(js: &str) -> Option<String> {
        crate::engine::swc_guard::with_swc_stack(|| super::hoist_mocks("test/a.spec.ts", js))
    }

    #[test]
    fn mocks_run_before_the_imports_they_replace_and_later_lines_keep_their_numbers() {
        let js = "import { vi, it } from \"vitest\";\nimport { f } from \"../src/f\";\n\
                  vi.mock(\"../src/f\", () => ({\n  f: () => 2,\n}));\nit(\"x\", () => f());\n";
        let out = hoist(js).expect("hoisted");
        let (head, body) = out
            .split_once("import { vi")
            .expect("the vitest import stays");
        assert_eq!(
            head,
            "globalThis[Symbol.for(\"edgesim.vi.file\")](\"test/a.spec.ts\");\
             vi.mock(\"../src/f\", () => ({\n  f: () => 2,\n}));\
             await globalThis[Symbol.for(\"edgesim.vi.ready\")]();\
             const { f: f } = await import(\"../src/f\");"
        );
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), js.lines().count());
        assert_eq!(lines.last(), Some(&"it(\"x\", () => f());"));
        assert!(
            body.contains(&format!("\n{}\n", " ".repeat(29))),
            "{body:?}"
        );
    }

    #[test]
    fn every_import_form_becomes_its_dynamic_equal() {
        let js = "import D, { a as b, \"x-y\" as z } from \"m\";\nimport * as ns from \"n\";\n\
                  import E, * as both from \"o\";\nimport \"p\";\nconst h = vi.hoisted(() => 1);\n";
        let out = hoist(js).expect("hoisted");
        let head = out.lines().next().unwrap_or_default();
        assert!(head.contains("const h = vi.hoisted(() => 1);"), "{head}");
        assert!(head.contains("const { default: D, a: b, \"x-y\": z } = await import(\"m\");"));
        assert!(head.contains("const ns = await import(\"n\");"));
        assert!(head.contains("const both = await import(\"o\"); const { default: E } = both;"));
        assert!(head.trim_end().ends_with("await import(\"p\");"), "{head}");
    }

    #[test]
    fn after_a_do_mock_each_dynamic_import_waits_for_the_mocks_to_be_made() {
        let js = "import { vi, it } from \"vitest\";\nit(\"x\", async () => {\n  vi.doMock(\"../src/f\", () => ({}));\n  const { f } = await import(\"../src/f\");\n});\n";
        let out = hoist(js).expect("rewritten");
        assert_eq!(
            out,
            "globalThis[Symbol.for(\"edgesim.vi.file\")](\"test/a.spec.ts\");import { vi, it } from \"vitest\";\nit(\"x\", async () => {\n  vi.doMock(\"../src/f\", () => ({}));\n  const { f } = await globalThis[Symbol.for(\"edgesim.vi.ready\")]().then(() => import(\"../src/f\"));\n});\n"
        );
    }

    #[test]
    fn a_module_without_top_level_mock_calls_is_left_alone() {
        assert_eq!(
            hoist("import { vi } from \"vitest\";\nit(\"x\", () => vi.mock(\"a\"));\n"),
            None
        );
        assert_eq!(hoist("vi.mock(\"a\""), None);
    }
}
