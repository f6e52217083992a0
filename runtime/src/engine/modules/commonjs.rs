//! CommonJS modules inside an ES module graph, as wrangler's esbuild bundle runs them.
//!
//! esbuild decides per file: a `.cjs` file, or a `.js` file with no `import`/`export`, is
//! CommonJS. It becomes a lazily run factory `(exports, require, module)` that runs once, on
//! its first `require()` or when an ES module imports it, with top-level `this` = `exports`.
//! An ES module importing it sees `module.exports` as `default` (or `exports.default` when the
//! module says `__esModule`) and its properties as named imports.
//!
//! QuickJS, like any ES engine, must know a module's export names before running it, so the
//! names come from reading the source as Node's `cjs-module-lexer` does (`exports.x =`,
//! `Object.defineProperty(exports, "x", …)`, `module.exports = { x, … }`, re-exports of another
//! module through `module.exports = require(…)` or `__exportStar(require(…), exports)`); any
//! other property is still reachable through `default`.
//!
//! Each CommonJS file is two modules here: `NAME?commonjs` declares its factory and the
//! modules its `require("…")` calls name (statically, so they are in the graph, but nothing
//! runs), and `NAME` — what ES modules import — runs it and exports what it made.

use std::collections::BTreeSet;

use swc_ecma_ast::{
    AssignTarget, CallExpr, Callee, Expr, Lit, MemberExpr, MemberProp, ObjectLit, Program, Prop,
    PropName, PropOrSpread, SimpleAssignTarget,
};
use swc_ecma_visit::{Visit, VisitWith};

/// The suffix naming a CommonJS file's definition module.
pub const DEFINITION_SUFFIX: &str = "?commonjs";
/// The runtime's CommonJS support, imported by every definition and facade.
pub const RUNTIME_MODULE: &str = "edgesim:commonjs";

/// What reading a JavaScript file found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shape {
    /// It has `import`/`export` syntax: an ES module.
    pub esm: bool,
    /// Export names assigned in place.
    pub exports: BTreeSet<String>,
    /// Specifiers whose exports it re-exports whole.
    pub reexports: Vec<String>,
    /// Every `require("…")` with a literal specifier, in source order, once each.
    pub requires: Vec<Require>,
}

/// One `require("…")` call with a literal specifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Require {
    pub specifier: String,
    /// It sits in a `try` block: if it cannot be resolved, esbuild leaves it to fail when run
    /// instead of failing the build.
    pub guarded: bool,
}

/// Reads `source`; an unparsable file counts as an ES module, so QuickJS reports the error.
pub fn shape_of(file: &str, source: &str) -> Shape {
    // Most of a package's files are ES modules that never name `require` or `exports` (every
    // CommonJS file that exports or imports anything does): they run the same either way, so
    // only a `.cjs` file or one that names them is parsed (most of the cost of loading a
    // package).
    let names_commonjs = ["require", "exports"]
        .iter()
        .any(|word| source.contains(word));
    let es_module = Shape {
        esm: true,
        ..Shape::default()
    };
    if !file.ends_with(".cjs") && !names_commonjs {
        return es_module;
    }
    // A file nested too deeply for swc, or one it stops on, is left to QuickJS as an ES module
    // (QuickJS reports its own syntax error).
    crate::engine::swc_guard::guarded_within_nesting(source, || parsed_shape(file, source))
        .unwrap_or(es_module)
}

fn parsed_shape(file: &str, source: &str) -> Shape {
    let program = match crate::engine::swc_guard::parse_js(file, source, |p| p.parse_program()) {
        Some((p, _)) => p,
        None => {
            return Shape {
                esm: true,
                ..Shape::default()
            };
        }
    };
    let mut lexer = ExportLexer::default();
    program.visit_with(&mut lexer);
    Shape {
        esm: matches!(program, Program::Module(_)),
        exports: lexer.exports,
        reexports: lexer.reexports,
        requires: lexer.requires,
    }
}

#[derive(Default)]
struct ExportLexer {
    exports: BTreeSet<String>,
    reexports: Vec<String>,
    requires: Vec<Require>,
    /// How many `try` blocks enclose the node being visited.
    try_depth: usize,
}

fn is_ident(expr: &Expr, name: &str) -> bool {
    matches!(expr, Expr::Ident(i) if i.sym == name)
}

/// `exports` or `module.exports`.
fn is_exports(expr: &Expr) -> bool {
    is_ident(expr, "exports") || matches!(expr, Expr::Member(m) if is_module_exports(m))
}

fn is_module_exports(m: &MemberExpr) -> bool {
    is_ident(&m.obj, "module") && m.prop.is_ident_with("exports")
}

fn string_of(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Lit(Lit::Str(s)) => s.value.as_atom().map(|a| a.to_string()),
        Expr::Tpl(t) if t.exprs.is_empty() => t
            .quasis
            .first()
            .and_then(|q| q.cooked.as_ref())
            .and_then(|c| c.as_atom())
            .map(|a| a.to_string()),
        _ => None,
    }
}

/// `require("x")` -> `x`.
fn required(expr: &Expr) -> Option<String> {
    let Expr::Call(call) = expr else {
        return None;
    };
    match &call.callee {
        Callee::Expr(callee) if is_ident(callee, "require") && call.args.len() == 1 => {
            string_of(&call.args[0].expr)
        }
        _ => None,
    }
}

fn prop_name(name: &PropName) -> Option<String> {
    match name {
        PropName::Ident(i) => Some(i.sym.to_string()),
        PropName::Str(s) => s.value.as_atom().map(|a| a.to_string()),
        _ => None,
    }
}

impl ExportLexer {
    fn object_exports(&mut self, object: &ObjectLit) {
        for prop in &object.props {
            match prop {
                PropOrSpread::Spread(spread) => self.reexports.extend(required(&spread.expr)),
                PropOrSpread::Prop(prop) => {
                    let name = match &**prop {
                        Prop::Shorthand(i) => Some(i.sym.to_string()),
                        Prop::KeyValue(kv) => prop_name(&kv.key),
                        Prop::Method(m) => prop_name(&m.key),
                        Prop::Getter(g) => prop_name(&g.key),
                        _ => None,
                    };
                    self.exports.extend(name);
                }
            }
        }
    }
}

impl Visit for ExportLexer {
    fn visit_try_stmt(&mut self, stmt: &swc_ecma_ast::TryStmt) {
        self.try_depth += 1;
        stmt.block.visit_with(self);
        self.try_depth -= 1;
        stmt.handler.visit_with(self);
        stmt.finalizer.visit_with(self);
    }

    fn visit_assign_expr(&mut self, assign: &swc_ecma_ast::AssignExpr) {
        if let AssignTarget::Simple(SimpleAssignTarget::Member(target)) = &assign.left {
            if is_module_exports(target) {
                match &*assign.right {
                    Expr::Object(object) => self.object_exports(object),
                    right => self.reexports.extend(required(right)),
                }
            } else if is_exports(&target.obj) {
                let name = match &target.prop {
                    MemberProp::Ident(i) => Some(i.sym.to_string()),
                    MemberProp::Computed(c) => string_of(&c.expr),
                    MemberProp::PrivateName(_) => None,
                };
                self.exports.extend(name);
            }
        }
        assign.visit_children_with(self);
    }

    fn visit_call_expr(&mut self, call: &CallExpr) {
        if let Callee::Expr(callee) = &call.callee {
            let args: Vec<&Expr> = call.args.iter().map(|a| &*a.expr).collect();
            if is_ident(callee, "require")
                && let Some(specifier) = args.first().and_then(|a| string_of(a))
            {
                let guarded = self.try_depth > 0;
                match self.requires.iter_mut().find(|r| r.specifier == specifier) {
                    Some(seen) => seen.guarded &= guarded,
                    None => self.requires.push(Require { specifier, guarded }),
                }
            }
            let callee_name = match &**callee {
                Expr::Ident(i) => Some(i.sym.to_string()),
                Expr::Member(m) => match &m.prop {
                    MemberProp::Ident(i) => Some(i.sym.to_string()),
                    _ => None,
                },
                _ => None,
            };
            match (callee_name.as_deref(), args.as_slice()) {
                // Object.defineProperty(exports, "x", …)
                (Some("defineProperty"), [target, name, ..]) if is_exports(target) => {
                    self.exports.extend(string_of(name));
                }
                // TypeScript's `__exportStar(require("x"), exports)`, `__export(require("x"))`
                (Some(name), [source, ..])
                    if name.ends_with("__exportStar") || name == "__export" =>
                {
                    self.reexports.extend(required(source));
                }
                _ => {}
            }
        }
        call.visit_children_with(self);
    }
}

/// A JavaScript string literal for `text`.
fn quoted(text: &str) -> String {
    serde_json::Value::String(text.to_string()).to_string()
}

/// Whether `name` can be written as `export const NAME`.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '$')
        && !RESERVED.contains(&name)
}

const RESERVED: &[&str] = &[
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "implements",
    "import",
    "in",
    "instanceof",
    "interface",
    "let",
    "new",
    "null",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "static",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "yield",
];

/// Where one `require("…")` of a CommonJS file leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Required {
    /// Another CommonJS file, by module name.
    CommonJs(String),
    /// An ES module (or a built-in module), by module name: `require` gives its namespace as
    /// esbuild's `__toCommonJS` does.
    Module(String),
    /// A JSON file, by module name: `require` gives its value.
    Json(String),
    /// A `node:*` module: `require` gives its default export, as wrangler's nodejs_compat
    /// plugin turns such a `require` into `import … from`.
    Builtin(String),
}

/// The definition module of a CommonJS file whose text is `source`: declares its factory on
/// one line, so every line of `source` keeps its number.
pub fn definition(source: &str, requires: &[(String, Required)]) -> String {
    let mut imports = format!("import {{ define }} from {};", quoted(RUNTIME_MODULE));
    let mut table = Vec::new();
    for (i, (specifier, target)) in requires.iter().enumerate() {
        let entry = match target {
            Required::CommonJs(module) => {
                let def = format!("{module}{DEFINITION_SUFFIX}");
                imports.push_str(&format!(
                    "import {{ definition as __d{i} }} from {};",
                    quoted(&def)
                ));
                format!("[\"commonjs\", () => __d{i}]")
            }
            Required::Module(module) => {
                imports.push_str(&format!("import * as __m{i} from {};", quoted(module)));
                format!("[\"module\", () => __m{i}]")
            }
            Required::Json(module) | Required::Builtin(module) => {
                imports.push_str(&format!("import __j{i} from {};", quoted(module)));
                format!("[\"default\", () => __j{i}]")
            }
        };
        table.push(format!("{}: {entry}", quoted(specifier)));
    }
    format!(
        "{imports}export const definition = define({{{}}}, function (exports, require, module) {{{source}\n}});\n",
        table.join(", ")
    )
}

/// The exports of a CommonJS facade beyond what its source names, for the imports esbuild
/// treats apart (see [`interop_imports`]); string names no source can declare.
pub const NAMESPACE_EXPORT: &str = "edgesim:namespace";
pub const NODE_NAMESPACE_EXPORT: &str = "edgesim:node-namespace";
pub const EXPORTS_EXPORT: &str = "edgesim:exports";

/// The module ES importers of CommonJS file `name` see: runs it, and exports `default`, the
/// `names` its source assigns, and what esbuild's interop gives the imports it treats apart.
pub fn facade(name: &str, names: &BTreeSet<String>) -> String {
    let def = format!("{name}{DEFINITION_SUFFIX}");
    let mut out = format!(
        "import {{ definition }} from {};\nimport {{ namespaceOf }} from {};\n\
         const __exports = definition.load();\n\
         export default __exports != null && __exports.__esModule ? __exports.default : __exports;\n\
         const __namespace = namespaceOf(__exports, false);\n\
         const __nodeNamespace = namespaceOf(__exports, true);\n\
         export {{ __namespace as {}, __nodeNamespace as {}, __exports as {} }};\n",
        quoted(&def),
        quoted(RUNTIME_MODULE),
        quoted(NAMESPACE_EXPORT),
        quoted(NODE_NAMESPACE_EXPORT),
        quoted(EXPORTS_EXPORT),
    );
    for export in names.iter().filter(|n| is_identifier(n)) {
        out.push_str(&format!(
            "export const {export} = __exports == null ? undefined : __exports.{export};\n"
        ));
    }
    out
}

/// What one specifier of an import statement takes from the module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Imported {
    Default,
    Namespace,
    Named(String),
}

/// An import statement of an ES module that esbuild's CommonJS interop treats apart when the
/// module imported is CommonJS: `import * as X` gets an object with every property of the
/// module's `exports` (`__toESM`), where QuickJS would give only the names read from its
/// source; and in Node's mode (a `.mjs` file, or a `.js` one in a `"type": "module"` package)
/// `import X` gets `module.exports` itself, `__esModule` or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InteropImport {
    /// The statement's byte range in the source.
    pub range: std::ops::Range<usize>,
    /// Each specifier: what it takes, and its local name.
    pub specifiers: Vec<(Imported, String)>,
    pub specifier: String,
}

impl InteropImport {
    /// The statement importing what esbuild would give from a CommonJS module, on as many lines
    /// as the original (so later lines keep their numbers).
    pub fn of_commonjs(&self, original: &str, node_mode: bool) -> String {
        let parts: Vec<String> = (self.specifiers.iter())
            .map(|(imported, local)| match imported {
                Imported::Default if node_mode => format!("{} as {local}", quoted(EXPORTS_EXPORT)),
                Imported::Default => format!("default as {local}"),
                Imported::Namespace if node_mode => {
                    format!("{} as {local}", quoted(NODE_NAMESPACE_EXPORT))
                }
                Imported::Namespace => format!("{} as {local}", quoted(NAMESPACE_EXPORT)),
                Imported::Named(name) => format!("{} as {local}", quoted(name)),
            })
            .collect();
        format!(
            "import {{ {} }} from {};{}",
            parts.join(", "),
            quoted(&self.specifier),
            "\n".repeat(original.matches('\n').count())
        )
    }
}

/// The imports of ES module `source` that esbuild's interop treats apart if they lead to
/// CommonJS (see [`InteropImport`]): those with a namespace specifier and, in Node's mode,
/// those with a default one. Empty when there are none or it does not parse.
pub fn interop_imports(file: &str, source: &str, node_mode: bool) -> Vec<InteropImport> {
    use swc_common::Spanned;
    use swc_ecma_ast::{ImportSpecifier, ModuleDecl, ModuleExportName, ModuleItem};
    if !source.contains("* as ") && !node_mode {
        return Vec::new();
    }
    let parsed = crate::engine::swc_guard::guarded_within_nesting(source, || {
        crate::engine::swc_guard::parse_js(file, source, |p| p.parse_module())
    });
    let Some(Some((module, base))) = parsed else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in &module.body {
        let ModuleItem::ModuleDecl(ModuleDecl::Import(import)) = item else {
            continue;
        };
        if import.type_only || import.phase != Default::default() {
            continue;
        }
        let specifiers: Vec<(Imported, String)> = (import.specifiers.iter())
            .map(|specifier| match specifier {
                ImportSpecifier::Namespace(ns) => (Imported::Namespace, ns.local.sym.to_string()),
                ImportSpecifier::Default(d) => (Imported::Default, d.local.sym.to_string()),
                ImportSpecifier::Named(named) => {
                    let imported = match &named.imported {
                        Some(ModuleExportName::Ident(i)) => i.sym.to_string(),
                        Some(ModuleExportName::Str(s)) => s.value.to_string_lossy().into_owned(),
                        None => named.local.sym.to_string(),
                    };
                    (Imported::Named(imported), named.local.sym.to_string())
                }
            })
            .collect();
        let treated_apart = specifiers.iter().any(|(imported, _)| {
            *imported == Imported::Namespace || node_mode && *imported == Imported::Default
        });
        if !treated_apart {
            continue;
        }
        let span = import.span();
        out.push(InteropImport {
            range: (span.lo.0 - base) as usize..(span.hi.0 - base) as usize,
            specifiers,
            specifier: import.src.value.to_string_lossy().into_owned(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(shape: &Shape) -> Vec<&str> {
        shape.exports.iter().map(String::as_str).collect()
    }

    #[test]
    fn export_assignments_are_found_as_cjs_module_lexer_finds_them() {
        let shape = shape_of(
            "a.js",
            r#"
            "use strict";
            Object.defineProperty(exports, "__esModule", { value: true });
            exports.parse = parse;
            exports["serialize"] = function () {};
            module.exports.other = 1;
            Object.defineProperty(exports, "getter", { enumerable: true, get: () => 1 });
            __exportStar(require("./more"), exports);
            const dep = require('dep');
            "#,
        );
        assert!(!shape.esm);
        assert_eq!(
            names(&shape),
            ["__esModule", "getter", "other", "parse", "serialize"]
        );
        assert_eq!(shape.reexports, ["./more"]);
        let required: Vec<&str> = shape
            .requires
            .iter()
            .map(|r| r.specifier.as_str())
            .collect();
        assert_eq!(required, ["./more", "dep"]);
    }

    #[test]
    fn module_exports_object_literals_name_their_keys() {
        let shape = shape_of(
            "b.cjs",
            "module.exports = { a, b: 1, c() {}, 'd-e': 2, ...require('./f') };",
        );
        assert_eq!(names(&shape), ["a", "b", "c", "d-e"]);
        assert_eq!(shape.reexports, ["./f"]);
    }

    #[test]
    fn a_require_in_a_try_block_is_guarded() {
        let shape = shape_of(
            "g.js",
            "try { require('optional') } catch {} require('needed'); try {} finally { require('f') }",
        );
        let guarded: Vec<(&str, bool)> = shape
            .requires
            .iter()
            .map(|r| (r.specifier.as_str(), r.guarded))
            .collect();
        assert_eq!(
            guarded,
            [("optional", true), ("needed", false), ("f", false)]
        );
    }

    /// Run on a test thread's small stack: swc reads the deepest file it is given, and a
    /// deeper one is left to QuickJS (which throws a RangeError) instead of overflowing.
    #[test]
    fn a_file_nested_past_the_limit_is_not_parsed() {
        let nested = |depth: usize| {
            format!(
                "module.exports = {{ x: {}{} }};",
                "[".repeat(depth),
                "]".repeat(depth)
            )
        };
        let at_limit = shape_of(
            "a.js",
            &nested(crate::engine::swc_guard::SWC_NESTING_MAX - 1),
        );
        assert!(!at_limit.esm);
        assert_eq!(names(&at_limit), ["x"]);
        assert!(shape_of("b.js", &nested(100_000)).esm);
    }

    #[test]
    fn import_or_export_syntax_makes_an_es_module() {
        assert!(shape_of("c.js", "export const x = 1;").esm);
        assert!(shape_of("d.js", "import './x.js';").esm);
        assert!(!shape_of("e.js", "var x = require('./x');").esm);
    }

    #[test]
    fn the_facade_exports_only_names_that_are_identifiers() {
        let names: BTreeSet<String> = ["ok", "d-e", "default", "$x"].map(str::to_string).into();
        let text = facade("node_modules/p/index.js", &names);
        assert!(text.contains("export const ok = "));
        assert!(text.contains("export const $x = "));
        assert!(!text.contains("d-e"));
        assert!(!text.contains("export const default"));
    }
}
