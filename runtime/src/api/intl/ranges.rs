//! `DateTimeFormat.prototype.formatRange`: CLDR's interval patterns chosen as ICU's
//! DateIntervalFormat chooses them — by the format's skeleton and the greatest field in which
//! the two dates differ — each split where its second date begins.

use chrono::{Datelike, NaiveDateTime, Timelike};

use super::patterns::{
    LocalePatterns, Piece, adjust, field, nearest, pieces, render, runs, web_spaces,
};

/// How a range is written.
pub enum RangePattern {
    /// The dates are the same in every field the format shows: one date.
    Same,
    /// The start with the first pattern, the end with the second.
    Split(String, String),
    /// Both dates in full, joined by CLDR's fallback (`{0} – {1}`).
    Fallback(String),
}

/// The greatest field the format's `skeleton` shows in which `a` and `b` differ, as CLDR's
/// interval data names it (`y`, `M`, `d`, `a`, `h`/`H`, `m`, `s`).
fn greatest_difference(skeleton: &str, a: &NaiveDateTime, b: &NaiveDateTime) -> Option<char> {
    let fields = runs(skeleton);
    let shows = |f: char| fields.iter().any(|(c, _)| field(*c) == f);
    let hour = fields
        .iter()
        .find(|(c, _)| field(*c) == 'j')
        .map(|(c, _)| *c);
    let twelve = matches!(hour, Some('h' | 'K'));
    let candidates = [
        ('y', shows('y') && a.year() != b.year()),
        (
            'M',
            shows('M') && (a.year(), a.month()) != (b.year(), b.month()),
        ),
        ('d', shows('d') && a.date() != b.date()),
        (
            'a',
            twelve && (a.date() != b.date() || (a.hour() < 12) != (b.hour() < 12)),
        ),
        (
            if twelve { 'h' } else { 'H' },
            hour.is_some() && (a.date(), a.hour()) != (b.date(), b.hour()),
        ),
        (
            'm',
            shows('m') && (a.date(), a.hour(), a.minute()) != (b.date(), b.hour(), b.minute()),
        ),
        (
            's',
            shows('s') && a.and_utc().timestamp() != b.and_utc().timestamp(),
        ),
    ];
    candidates
        .into_iter()
        .find(|(_, differs)| *differs)
        .map(|(f, _)| f)
}

/// How to write the range from `a` to `b` (each in the format's time zone) with `skeleton`.
pub fn range_pattern(
    p: &LocalePatterns,
    skeleton: &str,
    a: &NaiveDateTime,
    b: &NaiveDateTime,
) -> RangePattern {
    let Some(greatest) = greatest_difference(skeleton, a, b) else {
        return RangePattern::Same;
    };
    let asked = runs(skeleton);
    let by_field = nearest(p.intervals.iter(), &asked);
    let pattern = by_field.and_then(|patterns| patterns.get(&greatest.to_string()));
    match pattern {
        Some(pattern) => {
            let (first, second) = split(&adjust(pattern, &asked));
            RangePattern::Split(web_spaces(&first), web_spaces(&second))
        }
        None => RangePattern::Fallback(p.interval_fallback.clone()),
    }
}

/// An interval pattern's two halves: the second begins at the first field that repeats one
/// already written (ICU's splitPatternInto2Part).
fn split(pattern: &str) -> (String, String) {
    let all = pieces(pattern);
    let mut seen = Vec::new();
    let at = all.iter().position(|p| match p {
        Piece::Field(c, _) => {
            let repeated = seen.contains(&field(*c));
            seen.push(field(*c));
            repeated
        }
        Piece::Text(_) => false,
    });
    match at {
        Some(i) => (render(&all[..i]), render(&all[i..])),
        None => (pattern.to_string(), String::new()),
    }
}
