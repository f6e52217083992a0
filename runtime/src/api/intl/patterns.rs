//! Which pattern a Gregorian `DateTimeFormat` formats with, chosen as V8 chooses it: ICU4C
//! takes `dateStyle`/`timeStyle` from CLDR's date and time formats and joins them with the
//! dateTimeFormats, and matches components against CLDR's availableFormats by skeleton
//! (its DateTimePatternGenerator). ICU4X picks from semantic field sets instead, which for a
//! numeric date in most locales is a different pattern (`05.03.2024` for V8's `5.3.2024`), so
//! the choice is made here from CLDR 47's data (data/gregorian.json.zlib, written by
//! runtime/intl-data/gregorian.mjs) and ICU4X only formats the pattern.

use std::collections::BTreeMap;

use icu_calendar::AnyCalendarKind;
use icu_locale_core::Locale;
use serde::Deserialize;

use super::LazyCldr;
use super::date::DateOptions;

/// CLDR's Gregorian patterns of one locale.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct LocalePatterns {
    /// By length: full, long, medium, short.
    date: [String; 4],
    time: [String; 4],
    glue: [String; 4],
    glue_at_time: [String; 4],
    available: BTreeMap<String, String>,
    /// By skeleton, then by the greatest field that differs (ranges.rs).
    pub(super) intervals: BTreeMap<String, BTreeMap<String, String>>,
    pub(super) interval_fallback: String,
}

/// Read on the first date formatted with components or styles (62 KB inflating to 1 MB).
static GREGORIAN: LazyCldr<LocalePatterns> =
    LazyCldr::new(include_bytes!("data/gregorian.json.zlib"));

/// The patterns of the CLDR locale whose data `locale` uses.
fn patterns_for(locale: &Locale) -> Option<&'static LocalePatterns> {
    GREGORIAN.for_locale(locale)
}

fn length_index(style: &str) -> usize {
    match style {
        "full" => 0,
        "long" => 1,
        "medium" => 2,
        _ => 3,
    }
}

/// The pattern `options` format with in `locale`, or `None` where it is not a Gregorian date
/// or no CLDR pattern matches (ICU4X's field sets are used then).
pub fn pattern(locale: &Locale, options: &DateOptions) -> Option<Chosen> {
    let (pattern, skeleton, patterns) = chosen_pattern(locale, options)?;
    Some(Chosen {
        pattern: web_spaces(&pattern),
        skeleton,
        patterns,
    })
}

/// A format's pattern, the skeleton it answers, and its locale's patterns (for ranges).
pub struct Chosen {
    pub pattern: String,
    pub skeleton: String,
    pub patterns: &'static LocalePatterns,
}

/// V8 writes CLDR's narrow no-break spaces in a pattern (before AM/PM) as plain spaces, for
/// the pages that parse what it formats; names keep theirs.
pub(super) fn web_spaces(pattern: &str) -> String {
    pattern.replace('\u{202f}', " ")
}

/// The skeleton of a pattern: its fields, without the text between them.
fn skeleton_of(pattern: &str) -> String {
    runs(pattern)
        .into_iter()
        .flat_map(|(c, n)| std::iter::repeat_n(c, n))
        .collect()
}

fn chosen_pattern(
    locale: &Locale,
    options: &DateOptions,
) -> Option<(String, String, &'static LocalePatterns)> {
    // The locale's own calendar where none is asked (th's Buddhist, fa's Persian): only the
    // Gregorian one's patterns are here.
    let calendar = AnyCalendarKind::try_new(locale.into()).ok()?;
    if calendar != AnyCalendarKind::Gregorian {
        return None;
    }
    let p = patterns_for(locale)?;
    let hour = hour_letter(options.hour_cycle.as_deref());
    if options.date_style.is_some() || options.time_style.is_some() {
        let date = options
            .date_style
            .as_deref()
            .map(|s| p.date[length_index(s)].clone());
        let time = options
            .time_style
            .as_deref()
            .map(|s| with_hour_cycle(&p.time[length_index(s)], hour));
        let length = options.date_style.as_deref().map_or(3, length_index);
        let pattern = combine(date, time, &p.glue_at_time[length])?;
        let skeleton = skeleton_of(&pattern);
        return Some((pattern, skeleton, p));
    }
    let (date_skeleton, time_skeleton) = skeletons(options, hour);
    let date = match date_skeleton.is_empty() {
        true => None,
        false => Some(best_pattern(p, &date_skeleton)?),
    };
    let time = match time_skeleton.is_empty() {
        true => None,
        false => Some(with_fraction(
            best_pattern(p, &time_skeleton.replace('S', ""))?,
            options.fractional_second_digits,
        )?),
    };
    // V8's ICU joins a medium or short date to a time as CLDR's atTime forms do.
    let length = glue_length(&date_skeleton);
    let glue = if length >= 2 {
        &p.glue_at_time[length]
    } else {
        &p.glue[length]
    };
    let pattern = combine(date, time, glue)?;
    Some((pattern, date_skeleton + &time_skeleton, p))
}

/// Fractional seconds, which CLDR's skeletons leave out, after the seconds as ICU appends them;
/// `None` where there are no seconds to follow.
fn with_fraction(pattern: String, digits: Option<u8>) -> Option<String> {
    let Some(digits) = digits else {
        return Some(pattern);
    };
    let mut ps = pieces(&pattern);
    let at = ps.iter().position(|p| matches!(p, Piece::Field('s', _)))?;
    // ICU4X writes `s.SSS` with the locale's decimal separator, as ICU does.
    ps.insert(at + 1, Piece::Field('S', digits as usize));
    ps.insert(at + 1, Piece::Text(".".to_string()));
    Some(render(&ps))
}

/// ICU's choice of glue for a date and a time by the date's fields: a long month and a
/// weekday are full, a long month long, a short month medium, the rest short.
fn glue_length(date_skeleton: &str) -> usize {
    let months = date_skeleton.matches('M').count();
    match (months, date_skeleton.contains('E')) {
        (4.., true) => 0,
        (4.., false) => 1,
        (3, _) => 2,
        _ => 3,
    }
}

/// A date and a time joined by `glue` (`{1}` the date, `{0}` the time), or whichever there is.
fn combine(date: Option<String>, time: Option<String>, glue: &str) -> Option<String> {
    match (date, time) {
        (Some(d), Some(t)) => Some(glue.replace("{1}", &d).replace("{0}", &t)),
        (d, t) => d.or(t),
    }
}

fn hour_letter(hour_cycle: Option<&str>) -> char {
    match hour_cycle {
        Some("h11") => 'K',
        Some("h12") => 'h',
        Some("h24") => 'k',
        _ => 'H',
    }
}

/// ECMA-402's components as ICU skeletons, the date's fields apart from the time's.
fn skeletons(o: &DateOptions, hour: char) -> (String, String) {
    let form =
        |v: &Option<String>, numeric: &str, two: &str, short: &str, long: &str, narrow: &str| {
            match v.as_deref() {
                Some("numeric") => numeric.to_string(),
                Some("2-digit") => two.to_string(),
                Some("short") => short.to_string(),
                Some("long") => long.to_string(),
                Some("narrow") => narrow.to_string(),
                _ => String::new(),
            }
        };
    let mut date = String::new();
    date += &form(&o.era, "", "", "G", "GGGG", "GGGGG");
    date += &form(&o.year, "y", "yy", "", "", "");
    date += &form(&o.month, "M", "MM", "MMM", "MMMM", "MMMMM");
    date += &form(&o.weekday, "", "", "EEE", "EEEE", "EEEEE");
    date += &form(&o.day, "d", "dd", "", "", "");
    let mut time = String::new();
    // A day period means nothing on a 24-hour clock; V8 leaves it out.
    if !matches!(hour, 'H' | 'k') || o.hour.is_none() {
        time += &form(&o.day_period, "", "", "B", "BBBB", "BBBBB");
    }
    let h = hour.to_string();
    time += &form(&o.hour, &h, &format!("{h}{h}"), "", "", "");
    time += &form(&o.minute, "m", "mm", "", "", "");
    time += &form(&o.second, "s", "ss", "", "", "");
    if let Some(n) = o.fractional_second_digits {
        time += &"S".repeat(n as usize);
    }
    time += match o.time_zone_name.as_deref() {
        Some("short") => "z",
        Some("long") => "zzzz",
        Some("shortOffset") => "O",
        Some("longOffset") => "OOOO",
        Some("shortGeneric") => "v",
        Some("longGeneric") => "vvvv",
        _ => "",
    };
    (date, time)
}

/// An option value resolvedOptions reports: a name (`2-digit`, `short`), or a count
/// (`fractionalSecondDigits`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Component {
    Value(&'static str),
    Digits(usize),
}

/// The components `pattern` writes, as V8 reads them off the pattern it chose for
/// resolvedOptions: an hour written `HH` is `2-digit` whatever was asked, and a day period a
/// 24-hour pattern leaves out is not there.
pub(super) fn components(pattern: &str) -> Vec<(&'static str, Component)> {
    let name = |n: usize| match n {
        0..=3 => "short",
        4 => "long",
        _ => "narrow",
    };
    let number = |n: usize| if n == 2 { "2-digit" } else { "numeric" };
    let two_digit = |n: usize| if n >= 2 { "2-digit" } else { "numeric" };
    let long_form =
        |n: usize, short: &'static str, long: &'static str| if n >= 4 { long } else { short };
    runs(pattern)
        .into_iter()
        .filter_map(|(c, n)| {
            let (option, value) = match c {
                'S' => return Some(("fractionalSecondDigits", Component::Digits(n))),
                'G' => ("era", name(n)),
                'y' => ("year", number(n)),
                'M' | 'L' => (
                    "month",
                    ["numeric", "2-digit", "short", "long", "narrow"][n.min(5) - 1],
                ),
                'E' | 'c' => ("weekday", name(n)),
                'd' => ("day", two_digit(n)),
                'B' => ("dayPeriod", name(n)),
                'h' | 'H' | 'k' | 'K' => ("hour", two_digit(n)),
                'm' => ("minute", two_digit(n)),
                's' => ("second", two_digit(n)),
                'z' => ("timeZoneName", long_form(n, "short", "long")),
                'O' => ("timeZoneName", long_form(n, "shortOffset", "longOffset")),
                'v' => ("timeZoneName", long_form(n, "shortGeneric", "longGeneric")),
                _ => return None,
            };
            Some((option, Component::Value(value)))
        })
        .collect()
}

/// A pattern letter's field: letters that write the same field in other forms share one.
pub(super) fn field(c: char) -> char {
    match c {
        'L' => 'M',
        'c' | 'e' => 'E',
        'h' | 'H' | 'K' | 'k' => 'j',
        'z' | 'v' | 'O' | 'V' | 'Z' | 'X' | 'x' => 'z',
        'b' | 'B' => 'a',
        other => other,
    }
}

/// The fields of a skeleton or pattern: (letter, count) runs outside quoted text.
pub(super) fn runs(s: &str) -> Vec<(char, usize)> {
    pieces(s)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Field(c, n) => Some((c, n)),
            Piece::Text(_) => None,
        })
        .collect()
}

/// A field's width as ICU compares them: a weekday's, era's or day period's one to three
/// letters are all the abbreviated name.
fn width((c, n): (char, usize)) -> usize {
    match field(c) {
        'E' | 'G' | 'a' if n <= 3 => 3,
        _ => n,
    }
}

/// How far a skeleton's field is from the one asked for: 0 when equal, a little per width,
/// much between a number and a name, more for another hour cycle.
pub(super) fn distance(asked: (char, usize), have: (char, usize)) -> usize {
    let text = |(c, n): (char, usize)| match field(c) {
        'E' | 'G' | 'a' => true,
        'M' => n >= 3,
        _ => false,
    };
    let mut d = width(asked).abs_diff(width(have));
    if text(asked) != text(have) {
        d += 0x100;
    }
    if asked.0 != have.0 {
        d += if field(asked.0) == 'j' { 0x1000 } else { 1 };
    }
    d
}

/// ICU's DateTimePatternGenerator, for a skeleton CLDR has a pattern for the same fields of:
/// the nearest such pattern, its fields' widths and letters made the asked ones.
fn best_pattern(p: &LocalePatterns, skeleton: &str) -> Option<String> {
    let asked = runs(skeleton);
    // A day period alone: no skeleton has only it, and ICU writes the field by itself rather
    // than add an hour nobody asked for.
    if let [('B', _)] = asked.as_slice() {
        return Some(skeleton.to_string());
    }
    nearest(p.available.iter(), &asked).map(|pattern| adjust(pattern, &asked))
}

/// Of `entries` keyed by skeleton, the value of the one with the same fields as `asked` and
/// the least distance to it.
pub(super) fn nearest<'a, V>(
    entries: impl Iterator<Item = (&'a String, V)>,
    asked: &[(char, usize)],
) -> Option<V> {
    let fields_of = |runs: &[(char, usize)]| {
        let mut f: Vec<char> = runs.iter().map(|(c, _)| field(*c)).collect();
        f.sort_unstable();
        f
    };
    let wanted = fields_of(asked);
    entries
        .filter(|(key, _)| fields_of(&runs(key)) == wanted)
        .map(|(key, value)| {
            let have = runs(key);
            let d: usize = asked
                .iter()
                .map(|a| {
                    have.iter()
                        .find(|h| field(h.0) == field(a.0))
                        .map_or(0x10000, |h| distance(*a, *h))
                })
                .sum();
            (d, value)
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, value)| value)
}

/// A pattern as its pieces: fields (letter, count) and the text between them as written.
pub(super) enum Piece {
    Field(char, usize),
    Text(String),
}

pub(super) fn pieces(pattern: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut quoted = false;
    for c in pattern.chars() {
        let is_field = !quoted && c.is_ascii_alphabetic();
        if c == '\'' {
            quoted = !quoted;
        }
        match (out.last_mut(), is_field) {
            (Some(Piece::Field(l, n)), true) if *l == c => *n += 1,
            (_, true) => out.push(Piece::Field(c, 1)),
            (Some(Piece::Text(t)), false) => t.push(c),
            (_, false) => out.push(Piece::Text(c.to_string())),
        }
    }
    out
}

pub(super) fn render(pieces: &[Piece]) -> String {
    let mut out = String::new();
    for piece in pieces {
        match piece {
            Piece::Field(c, n) => out.extend(std::iter::repeat_n(*c, *n)),
            Piece::Text(t) => out.push_str(t),
        }
    }
    out
}

/// `pattern` with each field written as `asked` writes it, and the asked letter for hours and
/// zones.
pub(super) fn adjust(pattern: &str, asked: &[(char, usize)]) -> String {
    let adjusted: Vec<Piece> = pieces(pattern)
        .into_iter()
        .map(|piece| {
            let Piece::Field(c, n) = piece else {
                return piece;
            };
            let Some(&(a, an)) = asked.iter().find(|a| field(a.0) == field(c)) else {
                return Piece::Field(c, n);
            };
            // ICU lengthens a number's field to the width asked but never shortens it
            // (`dd/MM/y` stays two-digit for a numeric day), and makes a name's the width asked.
            let (letter, count) = match field(c) {
                'j' => (a, n.max(an)),
                'z' => (a, an),
                'E' | 'G' if n <= 3 && an <= 3 => (c, n),
                'E' | 'G' => (c, an),
                'M' if n >= 3 && an >= 3 => (c, an),
                'M' | 'd' | 'y' | 'm' | 's' if n < 3 && an < 3 => (c, n.max(an)),
                'S' | 'a' => (c, an),
                _ => (c, n),
            };
            Piece::Field(letter, count)
        })
        .collect();
    render(&adjusted)
}

/// A time pattern in another hour cycle than its locale's: its hour letter changed, and its
/// day period dropped (with the space before or after it) for a 24-hour clock, or added for a
/// 12-hour one.
fn with_hour_cycle(pattern: &str, hour: char) -> String {
    let mut ps = pieces(pattern);
    let Some(letter) = ps.iter().find_map(|p| match p {
        Piece::Field(c, _) if field(*c) == 'j' => Some(*c),
        _ => None,
    }) else {
        return pattern.to_string();
    };
    if letter == hour {
        return pattern.to_string();
    }
    let twelve = |c: char| matches!(c, 'h' | 'K');
    for p in &mut ps {
        if let Piece::Field(c, _) = p
            && *c == letter
        {
            *c = hour;
        }
    }
    match (twelve(letter), twelve(hour)) {
        (true, false) => {
            let at = ps.iter().position(|p| matches!(p, Piece::Field('a', _)));
            if let Some(i) = at {
                ps.remove(i);
                let blank = |p: Option<&Piece>| matches!(p, Some(Piece::Text(t)) if t.trim_matches([' ', '\u{202f}', '\u{a0}']).is_empty());
                if i < ps.len() && blank(ps.get(i)) {
                    ps.remove(i);
                } else if i > 0 && blank(ps.get(i - 1)) {
                    ps.remove(i - 1);
                }
            }
            render(&ps)
        }
        (false, true) => format!("{}\u{202f}a", render(&ps)),
        _ => render(&ps),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_are_read_off_the_pattern() {
        use Component::{Digits, Value};
        assert_eq!(
            components("HH:mm:ss.SSS 'at' zzzz"),
            [
                ("hour", Value("2-digit")),
                ("minute", Value("2-digit")),
                ("second", Value("2-digit")),
                ("fractionalSecondDigits", Digits(3)),
                ("timeZoneName", Value("long")),
            ]
        );
        assert_eq!(
            components("EEEE d. MMM y G, h B"),
            [
                ("weekday", Value("long")),
                ("day", Value("numeric")),
                ("month", Value("short")),
                ("year", Value("numeric")),
                ("era", Value("short")),
                ("hour", Value("numeric")),
                ("dayPeriod", Value("short")),
            ]
        );
    }

    fn options(json: &str) -> DateOptions {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn a_numeric_date_is_the_ymd_skeletons_pattern() {
        assert!(GREGORIAN.data().is_some(), "the CLDR data must read");
        let de = Locale::try_from_str("de-DE").unwrap();
        let o = options(r#"{"year":"numeric","month":"numeric","day":"numeric","timeZone":"UTC"}"#);
        assert_eq!(
            pattern(&de, &o).map(|c| c.pattern).as_deref(),
            Some("d.M.y")
        );
    }

    #[test]
    fn a_short_weekday_keeps_the_patterns_punctuation() {
        let ja = Locale::try_from_str("ja-JP").unwrap();
        let o = options(
            r#"{"weekday":"short","month":"short","day":"numeric","year":"numeric","timeZone":"UTC"}"#,
        );
        assert_eq!(
            pattern(&ja, &o).map(|c| c.pattern).as_deref(),
            Some("y年M月d日(E)")
        );
    }
}
