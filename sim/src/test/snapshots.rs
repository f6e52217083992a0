//! Writing what a test file's run decided about its snapshots: the `__snapshots__/<file>.snap`
//! file, and inline snapshots written into the test file's `toMatchInlineSnapshot()` calls, as
//! vitest writes them.

use std::path::{Path, PathBuf};

use super::TestError;
use super::run_file::{InlineSnapshot, SnapshotReport};

/// Where vitest keeps the snapshots of test file `file`.
pub fn snapshot_path(root: &Path, file: &str) -> PathBuf {
    let path = root.join(file);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.parent()
        .unwrap_or(root)
        .join("__snapshots__")
        .join(format!("{name}.snap"))
}

/// Writes the snapshot file and the inline snapshots `report` holds.
pub fn write(root: &Path, file: &str, report: &SnapshotReport) -> Result<(), TestError> {
    let failed = |path: &Path, e: std::io::Error| {
        TestError::Project(format!("{}: cannot write: {e}", path.display()))
    };
    if let Some(text) = &report.file {
        let path = snapshot_path(root, file);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| failed(dir, e))?;
        }
        crate::persist::write_durably(&path, text.as_bytes()).map_err(|e| failed(&path, e))?;
    }
    if !report.inline.is_empty() {
        let path = root.join(file);
        let source = std::fs::read_to_string(&path)
            .map_err(|e| TestError::Project(format!("{}: {e}", path.display())))?;
        let updated = write_inline(&source, &report.inline).ok_or_else(|| {
            TestError::Project(format!(
                "{file}: could not find where to write an inline snapshot"
            ))
        })?;
        // The test file itself: a crash must not leave it half written.
        crate::persist::write_durably(&path, updated.as_bytes()).map_err(|e| failed(&path, e))?;
    }
    Ok(())
}

const INLINE_MATCHERS: &[&str] = &[
    "toMatchInlineSnapshot(",
    "toThrowErrorMatchingInlineSnapshot(",
];

/// `source` with each snapshot written into the inline-snapshot call on its line (the first
/// such call at or after the reported column); None when a call cannot be found.
pub fn write_inline(source: &str, snapshots: &[InlineSnapshot]) -> Option<String> {
    let mut edits = Vec::new();
    for s in snapshots {
        let line_start = line_offset(source, s.line)?;
        let from = line_start + s.column.saturating_sub(1).min(source.len() - line_start);
        let call = INLINE_MATCHERS
            .iter()
            .filter_map(|m| {
                source[from..]
                    .find(m)
                    .or_else(|| source[line_start..].find(m).map(|i| i + line_start - from))
                    .map(|i| from + i + m.len())
            })
            .min()?;
        let close = matching_paren(source, call)?;
        let indent: String = source[line_start..]
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        let template = template_literal(&s.snapshot, &indent);
        let args = &source[call..close];
        let edit = match template_argument(args) {
            Some((start, end)) => (call + start, call + end, template),
            None if args.trim().is_empty() => (call, close, template),
            None => (close, close, format!(", {template}")),
        };
        edits.push(edit);
    }
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = source.to_string();
    for (start, end, text) in edits {
        out.replace_range(start..end, &text);
    }
    Some(out)
}

fn line_offset(source: &str, line: usize) -> Option<usize> {
    if line <= 1 {
        return Some(0);
    }
    source.match_indices('\n').nth(line - 2).map(|(i, _)| i + 1)
}

/// The offset of the `)` closing the call whose arguments start at `open`.
fn matching_paren(source: &str, open: usize) -> Option<usize> {
    let bytes = source.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'(' | b'{' | b'[' => depth += 1,
            b')' if depth == 0 => return Some(i),
            b')' | b'}' | b']' => depth = depth.saturating_sub(1),
            quote @ (b'"' | b'\'' | b'`') => i = string_end(bytes, i, quote)?,
            _ => {}
        }
        i += 1;
    }
    None
}

/// The offset of the quote closing the string that opens at `start`.
fn string_end(bytes: &[u8], start: usize, quote: u8) -> Option<usize> {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b if b == quote => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// Where the template literal among `args` (the call's arguments) starts and ends.
fn template_argument(args: &str) -> Option<(usize, usize)> {
    let start = args.rfind('`').and_then(|last| {
        let bytes = args.as_bytes();
        (0..last).find(|&i| bytes[i] == b'`' && string_end(bytes, i, b'`') == Some(last))
    })?;
    let end = string_end(args.as_bytes(), start, b'`')? + 1;
    Some((start, end))
}

/// vitest's prepareSnapString: one line stays on the call's line, more go indented below it.
fn template_literal(snapshot: &str, indent: &str) -> String {
    let escape = |s: &str| {
        s.replace('\\', "\\\\")
            .replace('`', "\\`")
            .replace("${", "\\${")
    };
    let lines: Vec<&str> = snapshot.trim().split('\n').collect();
    if lines.len() <= 1 {
        return format!("`{}`", escape(&lines.join("\n")));
    }
    let next = if indent.contains('\t') {
        format!("{indent}\t")
    } else {
        format!("{indent}  ")
    };
    let body: Vec<String> = lines
        .iter()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{next}{}", escape(l))
            }
        })
        .collect();
    format!("`\n{}\n{indent}`", body.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, column: usize, snapshot: &str) -> InlineSnapshot {
        InlineSnapshot {
            line,
            column,
            snapshot: snapshot.to_string(),
        }
    }

    #[test]
    fn an_empty_call_gets_a_one_line_snapshot() {
        let source = "it('x', () => {\n  expect(1).toMatchInlineSnapshot();\n});\n";
        let out = write_inline(source, &[at(2, 3, "1")]);
        assert_eq!(
            out.as_deref(),
            Some("it('x', () => {\n  expect(1).toMatchInlineSnapshot(`1`);\n});\n")
        );
    }

    #[test]
    fn a_multi_line_snapshot_is_indented_under_its_call_and_replaces_the_old_one() {
        let source = "  expect(o).toMatchInlineSnapshot(`{}`);\n";
        let out = write_inline(source, &[at(1, 1, "\n{\n  \"a\": 1,\n}\n")]);
        assert_eq!(
            out.as_deref(),
            Some("  expect(o).toMatchInlineSnapshot(`\n    {\n      \"a\": 1,\n    }\n  `);\n")
        );
    }

    #[test]
    fn properties_keep_their_place_before_the_snapshot() {
        let source = "expect(o).toMatchInlineSnapshot({ id: expect.any(Number) });\n";
        let out = write_inline(source, &[at(1, 1, "1")]);
        assert_eq!(
            out.as_deref(),
            Some("expect(o).toMatchInlineSnapshot({ id: expect.any(Number) }, `1`);\n")
        );
    }
}
