//! JSX (`.jsx`/`.tsx` modules) made runnable as wrangler's esbuild step makes it: elements
//! become calls of the runtime the project's tsconfig names (jsx.rs's [`JsxRuntime`]), and
//! TypeScript in a `.tsx` file is removed with its runtime constructs (enums, namespaces)
//! compiled, imports used only as types elided and imports the JSX factory needs kept.
//!
//! Unlike `.ts` files, whose types are blanked in place, JSX has to be rewritten, so the output
//! is swc's printed program: a syntax error points into the file as written, a stack trace into
//! the transpiled code, with a [`PositionMap`] back to the file for what edgesim prints.

use bytes_str::BytesStr;
use swc_common::comments::SingleThreadedComments;
use swc_common::sync::Lrc;
use swc_common::{FileName, GLOBALS, Globals, Mark, SourceMap, Spanned};
use swc_ecma_ast::{EsVersion, Program};
use swc_ecma_parser::{Parser, StringInput, Syntax, TsSyntax, lexer::Lexer};
use swc_ecma_transforms_base::fixer::fixer;
use swc_ecma_transforms_base::helpers::{HELPERS, Helpers, inject_helpers};
use swc_ecma_transforms_base::hygiene::hygiene;
use swc_ecma_transforms_base::resolver;
use swc_ecma_transforms_react::{Options as ReactOptions, Runtime, jsx};
use swc_ecma_transforms_typescript::{Config, TsxConfig, tsx};

use super::positions::PositionMap;
use super::swc_guard::run_swc;
use super::typescript::StripError;

/// How JSX becomes calls: tsconfig's `jsx`, `jsxFactory`, `jsxFragmentFactory` and
/// `jsxImportSource`, as esbuild reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsxRuntime {
    /// `"jsx": "react"` (esbuild's default): `factory(type, props, ...children)`.
    Classic { factory: String, fragment: String },
    /// `"jsx": "react-jsx"` / `"react-jsxdev"`: calls imported from
    /// `<import_source>/jsx-runtime` (or `jsx-dev-runtime`).
    Automatic {
        import_source: String,
        development: bool,
    },
}

impl Default for JsxRuntime {
    fn default() -> Self {
        JsxRuntime::Classic {
            factory: "React.createElement".to_string(),
            fragment: "React.Fragment".to_string(),
        }
    }
}

impl JsxRuntime {
    /// The runtime a tsconfig's compiler options ask for; `None` for `preserve`, which leaves
    /// JSX in the output for a later tool that a Worker does not have.
    pub fn from_tsconfig(
        jsx: Option<&str>,
        factory: Option<&str>,
        fragment: Option<&str>,
        import_source: Option<&str>,
    ) -> Option<JsxRuntime> {
        let automatic = |development| JsxRuntime::Automatic {
            import_source: import_source.unwrap_or("react").to_string(),
            development,
        };
        match jsx.map(str::to_ascii_lowercase).as_deref() {
            Some("react-jsx") => Some(automatic(false)),
            Some("react-jsxdev") => Some(automatic(true)),
            Some("preserve") | Some("react-native") => None,
            _ => Some(JsxRuntime::Classic {
                factory: factory.unwrap_or("React.createElement").to_string(),
                fragment: fragment.unwrap_or("React.Fragment").to_string(),
            }),
        }
    }
}

/// Returns the JavaScript for the `.jsx`/`.tsx` file `source`: JSX as calls of `runtime` (a
/// `@jsx`/`@jsxImportSource` pragma in the file wins, as in esbuild), TypeScript compiled away;
/// and where each printed token came from in `source`.
pub fn transform_jsx(
    file_name: &str,
    source: &str,
    runtime: &JsxRuntime,
) -> Result<(String, PositionMap), StripError> {
    run_swc(source, || transform(file_name, source, Some(runtime)))
}

/// Returns the JavaScript for a `.ts` file that needs compiling, not just its types blanked
/// (an `enum`, a `namespace`, parameter properties, a `<T>expr` assertion — what wrangler's
/// esbuild compiles), and where each printed token came from in `source`.
pub fn transpile_typescript(
    file_name: &str,
    source: &str,
) -> Result<(String, PositionMap), StripError> {
    run_swc(source, || transform(file_name, source, None))
}

/// `runtime`: the JSX runtime of a `.jsx`/`.tsx` file; `None` for a `.ts` file, where `<T>x`
/// is a type assertion and there is no JSX.
fn transform(
    file_name: &str,
    source: &str,
    runtime: Option<&JsxRuntime>,
) -> Result<(String, PositionMap), StripError> {
    let cm: Lrc<SourceMap> = Default::default();
    let file = cm.new_source_file(
        FileName::Custom(file_name.to_string()).into(),
        source.to_string(),
    );
    let at = |pos: swc_common::BytePos, message: String| {
        let loc = cm.lookup_char_pos(pos.max(file.start_pos));
        StripError {
            line: loc.line,
            column: loc.col_display + 1,
            message,
        }
    };
    let comments = SingleThreadedComments::default();
    let syntax = Syntax::Typescript(TsSyntax {
        tsx: runtime.is_some(),
        decorators: true,
        ..Default::default()
    });
    let lexer = Lexer::new(
        syntax,
        EsVersion::latest(),
        StringInput::from(&*file),
        Some(&comments),
    );
    let mut parser = Parser::new_from(lexer);
    let parsed = parser.parse_module();
    let module = match (parsed, parser.take_errors().into_iter().next()) {
        (Err(e), _) | (Ok(_), Some(e)) => return Err(at(e.span().lo, e.kind().msg().into())),
        (Ok(module), None) => module,
    };
    let (react, tsx_config) = options(runtime.unwrap_or(&JsxRuntime::default()));
    let mut program = Program::Module(module);
    GLOBALS.set(&Globals::new(), || {
        HELPERS.set(&Helpers::new(false), || {
            let unresolved = Mark::new();
            let top_level = Mark::new();
            program.mutate(resolver(unresolved, top_level, true));
            // Removes the types, keeping the imports the JSX factory will use.
            program.mutate(tsx(
                cm.clone(),
                Config::default(),
                tsx_config,
                comments.clone(),
                unresolved,
                top_level,
            ));
            if runtime.is_some() {
                program.mutate(jsx(
                    cm.clone(),
                    Some(comments.clone()),
                    react,
                    top_level,
                    unresolved,
                ));
            }
            program.mutate(inject_helpers(unresolved));
            program.mutate(hygiene());
            program.mutate(fixer(Some(&comments)));
        })
    });
    let mut out = Vec::with_capacity(source.len());
    let mut printed = Vec::new();
    let mut emitter = swc_ecma_codegen::Emitter {
        cfg: swc_ecma_codegen::Config::default(),
        comments: None,
        cm: cm.clone(),
        wr: swc_ecma_codegen::text_writer::JsWriter::new(
            cm.clone(),
            "\n",
            &mut out,
            Some(&mut printed),
        ),
    };
    emitter.emit_program(&program).map_err(|e| {
        at(
            file.start_pos,
            format!("cannot print the transpiled JSX: {e}"),
        )
    })?;
    // Tokens swc made up (the runtime's import, helpers) have no place in the file.
    let in_file = |pos: &swc_common::BytePos| *pos >= file.start_pos && *pos <= file.end_pos;
    let map = PositionMap::new(
        printed
            .iter()
            .filter(|(pos, _)| in_file(pos))
            .map(|(pos, printed_at)| {
                let loc = cm.lookup_char_pos(*pos);
                let original = (loc.line as u32, loc.col.0 as u32 + 1);
                ((printed_at.line + 1, printed_at.col + 1), original)
            })
            .collect(),
    );
    let text = String::from_utf8(out).map_err(|e| at(file.start_pos, e.to_string()))?;
    Ok((text, map))
}

/// swc's options for `runtime`: the JSX transform's, and what the TypeScript pass must keep.
fn options(runtime: &JsxRuntime) -> (ReactOptions, TsxConfig) {
    match runtime {
        JsxRuntime::Classic { factory, fragment } => (
            ReactOptions {
                runtime: Some(Runtime::Classic),
                pragma: Some(BytesStr::from(factory.clone())),
                pragma_frag: Some(BytesStr::from(fragment.clone())),
                ..Default::default()
            },
            TsxConfig {
                pragma: Some(BytesStr::from(factory.clone())),
                pragma_frag: Some(BytesStr::from(fragment.clone())),
            },
        ),
        JsxRuntime::Automatic {
            import_source,
            development,
        } => (
            ReactOptions {
                runtime: Some(Runtime::Automatic),
                import_source: Some(import_source.as_str().into()),
                development: Some(*development),
                ..Default::default()
            },
            TsxConfig::default(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsx_becomes_calls_of_the_runtime_the_config_names() {
        let tsx =
            "const name: string = 'x';\nexport const page = <p class=\"a\">{name}<>!</></p>;\n";
        let classic = JsxRuntime::from_tsconfig(None, Some("h"), Some("Fragment"), None).unwrap();
        let (js, _) = transform_jsx("page.tsx", tsx, &classic).unwrap();
        assert!(js.contains("h(\"p\", {"), "{js}");
        assert!(js.contains("h(Fragment, null, \"!\")"), "{js}");
        assert!(!js.contains(": string"), "{js}");
        let automatic =
            JsxRuntime::from_tsconfig(Some("react-jsx"), None, None, Some("hono/jsx")).unwrap();
        let (js, _) = transform_jsx("page.tsx", tsx, &automatic).unwrap();
        assert!(js.contains("from \"hono/jsx/jsx-runtime\""), "{js}");
        // The file's own pragma wins over the config's.
        let own = format!("/** @jsx own */\n{tsx}");
        let (js, _) = transform_jsx("page.tsx", &own, &classic).unwrap();
        assert!(js.contains("own(\"p\""), "{js}");
    }

    #[test]
    fn a_jsx_syntax_error_points_into_the_file_as_written() {
        let err = transform_jsx("p.jsx", "const a = <div>;", &JsxRuntime::default()).unwrap_err();
        assert_eq!((err.line, err.column), (1, 17), "{}", err.message);
        assert_eq!(err.message, "Expected '</', got '<eof>'");
    }
}
