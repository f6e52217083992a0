//! ECMA-402's `formatToParts` from ICU4X's annotated output: every formatter writes into a
//! [`Parts`], whose runs `format` joins and `formatToParts` returns.

use std::fmt;

use writeable::{Part, PartsWrite, Writeable};

/// A formatted value as runs of text, each with the innermost ICU4X part it was written under
/// (`None` for the pattern's own text: a literal, or a symbol the caller names).
#[derive(Default, Debug)]
pub struct Parts {
    pub runs: Vec<(Option<&'static str>, String)>,
    current: Vec<Part>,
}

impl Parts {
    pub fn of(w: &impl Writeable) -> Parts {
        let mut parts = Parts::default();
        // Writing into a `String` cannot fail.
        let _ = w.write_to_parts(&mut parts);
        parts
    }

    /// As [`Parts::of`], for a format that can fail on its input (what it wrote up to there).
    pub fn of_try(w: &impl writeable::TryWriteable) -> Parts {
        let mut parts = Parts::default();
        let _ = w.try_write_to_parts(&mut parts);
        parts
    }

    /// Appends `text` as a run of `kind`, joined to the last run when that has the same kind.
    pub fn push(&mut self, kind: Option<&'static str>, text: &str) {
        if text.is_empty() {
            return;
        }
        match self.runs.last_mut() {
            Some((k, s)) if *k == kind => s.push_str(text),
            _ => self.runs.push((kind, text.to_string())),
        }
    }

    pub fn text(&self) -> String {
        self.runs.iter().map(|(_, s)| s.as_str()).collect()
    }

    /// Names the pattern's own runs: spaces and direction marks are literals, what else the
    /// pattern wrote is `symbol` (`currency`, `percentSign`, `compact`, `unit`).
    pub fn name_pattern_text(self, symbol: &'static str) -> Parts {
        let mut out = Parts::default();
        for (kind, text) in self.runs {
            let named = |c: char| match kind {
                Some("minusSign" | "plusSign") | None if is_literal(c) => "literal",
                None if matches!(c, '-' | '−') => "minusSign",
                None if c == '+' => "plusSign",
                None => symbol,
                Some(k) => k,
            };
            let mut rest = text.as_str();
            while let Some(c) = rest.chars().next() {
                let name = named(c);
                let end = rest.find(|c: char| named(c) != name).unwrap_or(rest.len());
                out.push(Some(name), &rest[..end]);
                rest = &rest[end..];
            }
        }
        out
    }
}

fn is_literal(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}')
}

impl fmt::Write for Parts {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        // A date's fields are numbers written by the decimal formatter: the field names them.
        let field = self.current.iter().find(|p| p.category == "datetime");
        let kind = field.or(self.current.last()).map(|p| p.value);
        self.push(kind, s);
        Ok(())
    }
}

impl PartsWrite for Parts {
    type SubPartsWrite = Parts;

    fn with_part(
        &mut self,
        part: Part,
        mut f: impl FnMut(&mut Self::SubPartsWrite) -> fmt::Result,
    ) -> fmt::Result {
        self.current.push(part);
        let result = f(self);
        self.current.pop();
        result
    }
}
