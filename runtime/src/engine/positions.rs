//! Positions in transpiled modules mapped back to the files as written. A JSX module runs as
//! swc printed it, so QuickJS's stack traces name lines of that output; what edgesim prints
//! (console lines, uncaught exceptions, startup errors) names the original lines instead, as
//! wrangler's terminal output maps a bundle's traces through its source map. What the Worker
//! itself reads (`error.stack`) is left alone: in workerd it names the bundle's positions too.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

/// For one module: (line, column) in the transpiled output -> (line, column) in the original,
/// both 1-based, sorted by output position.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PositionMap {
    entries: Vec<((u32, u32), (u32, u32))>,
}

impl PositionMap {
    /// A map from `(output, original)` pairs, in any order.
    pub fn new(mut entries: Vec<((u32, u32), (u32, u32))>) -> Self {
        entries.sort_unstable();
        entries.dedup_by_key(|(output, _)| *output);
        PositionMap { entries }
    }

    /// The original position of output position (`line`, `column`): that of the nearest mapped
    /// token at or before it on the same line, or the line's first token.
    pub fn original(&self, line: u32, column: u32) -> Option<(u32, u32)> {
        let after = self
            .entries
            .partition_point(|(at, _)| *at <= (line, column));
        let before = after.checked_sub(1).map(|i| self.entries[i]);
        match before {
            Some(((l, _), original)) if l == line => Some(original),
            _ => self
                .entries
                .get(after)
                .filter(|((l, _), _)| *l == line)
                .map(|(_, original)| *original),
        }
    }
}

/// The position maps of a bundle's transpiled modules, by module name; shared by the bundle,
/// which fills it as modules load, and the isolate, which maps what it reports.
#[derive(Debug, Clone, Default)]
pub struct Positions(Rc<RefCell<BTreeMap<String, PositionMap>>>);

impl Positions {
    pub fn insert(&self, module: &str, map: PositionMap) {
        self.0.borrow_mut().insert(module.to_string(), map);
    }

    /// `text` with every `module:line:column` of a transpiled module replaced by its original
    /// position.
    pub fn map_text(&self, text: String) -> String {
        let maps = self.0.borrow();
        if maps.is_empty() {
            return text;
        }
        let mut out = text;
        for (module, map) in maps.iter() {
            out = map_module(&out, module, map);
        }
        out
    }
}

fn map_module(text: &str, module: &str, map: &PositionMap) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let needle = format!("{module}:");
    while let Some(at) = rest.find(&needle) {
        let after_name = at + needle.len();
        out.push_str(&rest[..after_name]);
        rest = &rest[after_name..];
        let Some((line, column, used)) = line_column(rest) else {
            continue;
        };
        match map.original(line, column) {
            Some((l, c)) => {
                out.push_str(&format!("{l}:{c}"));
                rest = &rest[used..];
            }
            None => continue,
        }
    }
    out.push_str(rest);
    out
}

/// `LINE:COLUMN` at the start of `text`, and how many bytes it takes.
fn line_column(text: &str) -> Option<(u32, u32, usize)> {
    let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
    let line_len = digits(text);
    let line = text[..line_len].parse().ok()?;
    let rest = text[line_len..].strip_prefix(':')?;
    let column_len = digits(rest);
    let column = rest[..column_len].parse().ok()?;
    Some((line, column, line_len + 1 + column_len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_in_text_map_to_the_nearest_token_before_them() {
        let positions = Positions::default();
        positions.insert(
            "src/page.tsx",
            PositionMap::new(vec![((3, 1), (5, 2)), ((3, 10), (6, 4)), ((7, 1), (9, 1))]),
        );
        assert_eq!(
            positions.map_text(
                "Error: x\n    at f (src/page.tsx:3:12)\n    at g (src/page.tsx:3:4)\n    at h (src/other.js:3:12)\n    at i (src/page.tsx:4:1)"
                    .to_string()
            ),
            "Error: x\n    at f (src/page.tsx:6:4)\n    at g (src/page.tsx:5:2)\n    at h (src/other.js:3:12)\n    at i (src/page.tsx:4:1)"
        );
    }
}
