//! `Intl.ListFormat`, `Intl.RelativeTimeFormat` and `Intl.Segmenter` over ICU4X.

use fixed_decimal::Decimal;
use icu_experimental::relativetime::options::Numeric;
use icu_experimental::relativetime::{RelativeTimeFormatter, RelativeTimeFormatterOptions};
use icu_list::ListFormatter;
use icu_list::options::{ListFormatterOptions, ListLength};
use icu_locale_core::Locale;
use icu_segmenter::options::{SentenceBreakInvariantOptions, WordBreakInvariantOptions};
use icu_segmenter::{GraphemeClusterSegmenter, SentenceSegmenter, WordSegmenter};

use super::IntlError;
use super::parts::Parts;

/// `type` (conjunction, disjunction, unit) and `style` (long, short, narrow) as ECMA-402
/// names them.
pub fn list_formatter(
    locale: &Locale,
    kind: &str,
    style: &str,
) -> Result<ListFormatter, IntlError> {
    let length = match style {
        "short" => ListLength::Short,
        "narrow" => ListLength::Narrow,
        _ => ListLength::Wide,
    };
    let options = ListFormatterOptions::default().with_length(length);
    Ok(match kind {
        "disjunction" => ListFormatter::try_new_or(locale.into(), options)?,
        "unit" => ListFormatter::try_new_unit(locale.into(), options)?,
        _ => ListFormatter::try_new_and(locale.into(), options)?,
    })
}

/// The list's parts, one `element` per item: where the locale's pattern puts nothing between
/// two items (zh, ja narrow) they arrive as one run, which is split back into the items.
pub fn format_list(f: &ListFormatter, items: &[String]) -> Parts {
    let written = Parts::of(&f.format(items.iter())).name_pattern_text("literal");
    let mut out = Parts::default();
    let mut next = items.iter().peekable();
    for (kind, text) in written.runs {
        if kind != Some("element") {
            out.push(kind, &text);
            continue;
        }
        let mut rest = text.as_str();
        while let Some(item) = next.peek()
            && !rest.is_empty()
            && let Some(after) = rest.strip_prefix(item.as_str())
        {
            out.runs.push((kind, item.to_string()));
            rest = after;
            next.next();
        }
        if !rest.is_empty() {
            out.runs.push((kind, rest.to_string()));
        }
    }
    out
}

/// One formatter per unit, as ICU4X keeps CLDR's relative-time data by unit; `narrow` reads
/// as `short`, whose data ICU4X carries for both.
pub struct RelativeTime {
    locale: Locale,
    style: String,
    numeric_auto: bool,
}

impl RelativeTime {
    pub fn new(locale: &Locale, style: &str, numeric: &str) -> Self {
        RelativeTime {
            locale: locale.clone(),
            style: style.to_string(),
            numeric_auto: numeric == "auto",
        }
    }

    /// `unit` singular (intl.js checks and singularizes it), `value` a finite number's digits.
    pub fn format(&self, value: &str, unit: &str) -> Result<Parts, IntlError> {
        let mut options = RelativeTimeFormatterOptions::default();
        options.numeric = Some(if self.numeric_auto {
            Numeric::Auto
        } else {
            Numeric::Always
        });
        let prefs = (&self.locale).into();
        let long = self.style == "long";
        let f = match (unit, long) {
            ("second", true) => RelativeTimeFormatter::try_new_long_second(prefs, options),
            ("minute", true) => RelativeTimeFormatter::try_new_long_minute(prefs, options),
            ("hour", true) => RelativeTimeFormatter::try_new_long_hour(prefs, options),
            ("day", true) => RelativeTimeFormatter::try_new_long_day(prefs, options),
            ("week", true) => RelativeTimeFormatter::try_new_long_week(prefs, options),
            ("month", true) => RelativeTimeFormatter::try_new_long_month(prefs, options),
            ("quarter", true) => RelativeTimeFormatter::try_new_long_quarter(prefs, options),
            ("year", true) => RelativeTimeFormatter::try_new_long_year(prefs, options),
            ("second", false) => RelativeTimeFormatter::try_new_short_second(prefs, options),
            ("minute", false) => RelativeTimeFormatter::try_new_short_minute(prefs, options),
            ("hour", false) => RelativeTimeFormatter::try_new_short_hour(prefs, options),
            ("day", false) => RelativeTimeFormatter::try_new_short_day(prefs, options),
            ("week", false) => RelativeTimeFormatter::try_new_short_week(prefs, options),
            ("month", false) => RelativeTimeFormatter::try_new_short_month(prefs, options),
            ("quarter", false) => RelativeTimeFormatter::try_new_short_quarter(prefs, options),
            _ => RelativeTimeFormatter::try_new_short_year(prefs, options),
        }?;
        let value = Decimal::try_from_str(&value.replace("e+", "e"))
            .map_err(|_| IntlError::Options(format!("Invalid number {value}")))?;
        Ok(Parts::of(&f.format(value)).name_pattern_text("literal"))
    }
}

/// The segments of `text` (UTF-16, as JavaScript indexes it) at `granularity`: each segment's
/// start index, and for words whether it is word-like.
pub fn segment(text: &[u16], granularity: &str) -> Vec<(usize, bool)> {
    match granularity {
        "word" => {
            let mut it =
                WordSegmenter::new_auto(WordBreakInvariantOptions::default()).segment_utf16(text);
            let mut out = Vec::new();
            let mut start = it.next().unwrap_or(0);
            while let Some(end) = it.next() {
                out.push((start, it.is_word_like()));
                start = end;
            }
            out
        }
        "sentence" => starts(
            SentenceSegmenter::new(SentenceBreakInvariantOptions::default()).segment_utf16(text),
        ),
        _ => starts(GraphemeClusterSegmenter::new().segment_utf16(text)),
    }
}

fn starts(breaks: impl Iterator<Item = usize>) -> Vec<(usize, bool)> {
    let mut breaks: Vec<usize> = breaks.collect();
    breaks.pop();
    breaks.into_iter().map(|b| (b, false)).collect()
}
