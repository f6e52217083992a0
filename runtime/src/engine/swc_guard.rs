//! The guard around swc (TypeScript stripping, JSX, CommonJS export discovery): swc parses and
//! visits recursively, so a file is given to it only when its brackets nest no deeper than real
//! code does, and then on a stack of swc's own.

use super::typescript::StripError;

/// Runs `swc` (on `source`) on swc's own stack, unless `source` nests brackets deeper than
/// swc is ever given.
pub(crate) fn run_swc<T>(
    source: &str,
    swc: impl FnOnce() -> Result<T, StripError>,
) -> Result<T, StripError> {
    let depth = bracket_depth(source);
    if depth > SWC_NESTING_MAX {
        return Err(StripError {
            line: 1,
            column: 1,
            message: format!(
                "brackets nest {depth} levels deep; edgesim reads TypeScript and JSX nested at \
                 most {} levels",
                SWC_NESTING_MAX
            ),
        });
    }
    guarded(swc).unwrap_or_else(|| {
        Err(StripError {
            line: 1,
            column: 1,
            message: "swc could not read this file (it stopped on an internal check); \
                      run it through your bundler for the syntax error"
                .to_string(),
        })
    })
}

/// Runs `swc` on swc's own stack; `None` if it panicked, as its parser can on malformed input
/// (debug assertions, unreachable states) — a module that fails to load, not a crash.
pub(crate) fn guarded<T>(swc: impl FnOnce() -> T) -> Option<T> {
    with_swc_stack(|| std::panic::catch_unwind(std::panic::AssertUnwindSafe(swc)).ok())
}

/// Runs `swc` on swc's own stack when `source` nests no deeper than swc is given; `None` when
/// it nests deeper or swc panicked (the caller then leaves the file to QuickJS).
pub(crate) fn guarded_within_nesting<T>(source: &str, swc: impl FnOnce() -> T) -> Option<T> {
    if bracket_depth(source) > SWC_NESTING_MAX {
        return None;
    }
    guarded(swc)
}

/// How deeply brackets nest in `source` (strings, comments and escaped characters skipped; a
/// guard, not a parser). swc's parser and visitors recurse per level and would overflow any
/// stack on hostile input where QuickJS throws a RangeError, so deeper files are not given to
/// swc.
pub(crate) fn bracket_depth(source: &str) -> usize {
    // Bytes, not chars: every byte that matters here is ASCII, which UTF-8 never reuses.
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut bytes = source.bytes().peekable();
    while let Some(b) = bytes.next() {
        match b {
            b'\\' => {
                bytes.next();
            }
            b'"' | b'\'' | b'`' => {
                while let Some(d) = bytes.next() {
                    match d {
                        b'\\' => {
                            bytes.next();
                        }
                        _ if d == b => break,
                        _ => {}
                    }
                }
            }
            b'/' if bytes.peek() == Some(&b'/') => {
                for d in bytes.by_ref() {
                    if d == b'\n' {
                        break;
                    }
                }
            }
            b'/' if bytes.peek() == Some(&b'*') => {
                bytes.next();
                let mut star = false;
                for d in bytes.by_ref() {
                    if star && d == b'/' {
                        break;
                    }
                    star = d == b'*';
                }
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Bracket nesting past which a file is not handed to swc (real code stays far below it).
pub(crate) const SWC_NESTING_MAX: usize = 1000;

/// The stack swc runs on, whatever thread reads the module: enough for [`SWC_NESTING_MAX`]
/// levels in its parser, visitors and drops (a test thread has only 2 MiB).
pub(crate) fn with_swc_stack<T>(f: impl FnOnce() -> T) -> T {
    const SWC_STACK_BYTES: usize = 64 * 1024 * 1024;
    stacker::grow(SWC_STACK_BYTES, f)
}

/// Has stacker learn this thread's stack bounds now. It asks pthread_getattr_np on first use,
/// which the simulator refuses (and reports) as if a thread were being spawned; a Worker's
/// bundle is made on the thread that then runs its simulation, before the simulation starts.
pub(crate) fn learn_stack_bounds() {
    stacker::remaining_stack();
}

/// Parses `source` (module `file`, JavaScript) with `parse` (`parse_module`, `parse_program`),
/// giving what it parsed and the byte position its spans count from. Call it on swc's stack.
pub(crate) fn parse_js<T>(
    file: &str,
    source: &str,
    parse: impl FnOnce(
        &mut swc_ecma_parser::Parser<swc_ecma_parser::lexer::Lexer<'_>>,
    ) -> swc_ecma_parser::PResult<T>,
) -> Option<(T, u32)> {
    use swc_common::{FileName, SourceMap, sync::Lrc};
    let cm: Lrc<SourceMap> = Default::default();
    let fm = cm.new_source_file(
        FileName::Custom(file.to_string()).into(),
        source.to_string(),
    );
    let mut parser = swc_ecma_parser::Parser::new(
        swc_ecma_parser::Syntax::Es(Default::default()),
        swc_ecma_parser::StringInput::from(&*fm),
        None,
    );
    parse(&mut parser)
        .ok()
        .map(|parsed| (parsed, fm.start_pos.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bracket_depth_skips_strings_comments_and_escapes() {
        assert_eq!(bracket_depth("f([{}])"), 3);
        assert_eq!(bracket_depth("'((((' // ((((\n/* [[[[ */ \\( (x)"), 1);
        assert_eq!(bracket_depth("`${'['}` [[]]"), 2);
    }
}
