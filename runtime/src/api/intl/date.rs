//! `Intl.DateTimeFormat`: ECMA-402's components and styles as ICU4X field sets, the time zone's
//! offset at the instant from the IANA database (chrono-tz), CLDR's names and patterns from
//! ICU4X.

use std::str::FromStr;

use chrono::{FixedOffset, NaiveDateTime, TimeZone as _, Timelike};
use chrono_tz::Tz;
use icu_calendar::Gregorian;
use icu_datetime::DateTimeFormatter;
use icu_datetime::fieldbag::DateTimeFieldBag;
use icu_datetime::fieldbag::field::{
    Day, DayPeriod, Era, FractionalSecondDigits, Hour, HourKind, Minute, Month, Second,
    TimeZoneName, Weekday, Year,
};
use icu_datetime::fieldsets::builder::{DateFields, FieldSetBuilder, ZoneStyle};
use icu_datetime::fieldsets::enums::CompositeFieldSet;
use icu_datetime::options::{Length, TimePrecision};
use icu_datetime::pattern::{DateTimeNames, DateTimePattern, FixedCalendarDateTimeNames};
use icu_locale_core::Locale;
use icu_time::zone::TimeZoneInfo;
use icu_time::zone::models::AtTime;
use icu_time::{TimeZone, ZonedDateTime};
use serde::Deserialize;

use super::IntlError;
use super::day_periods::FlexibleDayPeriod;
use super::parts::Parts;
use super::patterns::{Chosen, Component, web_spaces};
use super::ranges::{RangePattern, range_pattern};

/// The options intl.js resolved: components (as ECMA-402 names their values) or styles.
#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "camelCase")]
pub struct DateOptions {
    pub weekday: Option<String>,
    pub era: Option<String>,
    pub year: Option<String>,
    pub month: Option<String>,
    pub day: Option<String>,
    pub day_period: Option<String>,
    pub hour: Option<String>,
    pub minute: Option<String>,
    pub second: Option<String>,
    pub fractional_second_digits: Option<u8>,
    pub time_zone_name: Option<String>,
    pub date_style: Option<String>,
    pub time_style: Option<String>,
    /// `h11`, `h12`, `h23` or `h24` where an hour is shown.
    pub hour_cycle: Option<String>,
    pub time_zone: String,
}

/// A time zone as the offsets at each instant come from.
#[derive(Clone, Copy)]
enum Zone {
    Named(Tz),
    Fixed(FixedOffset),
}

/// How a format writes: CLDR's pattern picked as V8 picks it (patterns.rs), or where there is
/// none, ICU4X's semantic field sets.
enum Writer {
    Pattern(Box<PatternWriter>),
    FieldSet(Box<DateTimeFormatter<CompositeFieldSet>>),
}

struct PatternWriter {
    names: FixedCalendarDateTimeNames<Gregorian, CompositeFieldSet>,
    pattern: DateTimePattern,
    chosen: Chosen,
    locale: Locale,
    /// The pattern's flexible day period (B), which ICU4X writes as AM/PM.
    day_period: Option<super::day_periods::FlexibleDayPeriod>,
}

type Zoned = ZonedDateTime<Gregorian, TimeZoneInfo<AtTime>>;

/// `pattern` parsed, with the names and numbers it needs in `locale` (`None` where ICU4X cannot
/// read it).
fn pattern_names(
    locale: &Locale,
    pattern: &str,
) -> Option<(
    FixedCalendarDateTimeNames<Gregorian, CompositeFieldSet>,
    DateTimePattern,
)> {
    let pattern = DateTimePattern::try_from_pattern_str(pattern).ok()?;
    let mut names =
        FixedCalendarDateTimeNames::<Gregorian, CompositeFieldSet>::try_new(locale.into()).ok()?;
    names.include_for_pattern(&pattern).ok()?;
    Some((names, pattern))
}

/// `pattern` written for `z` (wall time `local`) in `locale`.
fn write_pattern(
    locale: &Locale,
    pattern: &str,
    local: &NaiveDateTime,
    z: &Zoned,
) -> Option<Parts> {
    let flexible = FlexibleDayPeriod::of(locale, pattern);
    let (names, pattern) = pattern_names(locale, pattern)?;
    let formatted = names.with_pattern_unchecked(&pattern).format(z);
    let parts = Parts::of_try(&formatted).name_pattern_text("literal");
    Some(with_day_period(parts, flexible.as_ref(), local))
}

/// `parts` with the day period ICU4X wrote as AM/PM named as the pattern's flexible day period
/// names it at wall time `local`.
fn with_day_period(
    mut parts: Parts,
    flexible: Option<&FlexibleDayPeriod>,
    local: &NaiveDateTime,
) -> Parts {
    let name = flexible.and_then(|f| f.name(local.hour(), local.minute(), local.second()));
    if let Some(name) = name {
        for (kind, text) in &mut parts.runs {
            if *kind == Some("dayPeriod") {
                *text = name.to_string();
            }
        }
    }
    parts
}

pub struct DateTimeFormat {
    writer: Writer,
    zone: Zone,
}

/// The canonical name of a time zone (`UTC` for its aliases, an IANA name as the database
/// spells it, or an offset `±hh:mm`), or `None` where it is none (V8: `Invalid time zone
/// specified: …`).
pub fn canonical_time_zone(name: &str) -> Option<String> {
    if let Some(offset) = parse_offset(name) {
        let minutes = offset.local_minus_utc() / 60;
        let sign = if minutes < 0 { '-' } else { '+' };
        return Some(format!(
            "{sign}{:02}:{:02}",
            minutes.abs() / 60,
            minutes.abs() % 60
        ));
    }
    let tz = Tz::from_str_insensitive(name).ok()?;
    Some(match tz.name() {
        "Etc/UTC" | "Etc/GMT" | "GMT" | "Etc/Universal" | "Etc/Zulu" | "UCT" | "Etc/UCT"
        | "Universal" | "Zulu" | "Etc/Greenwich" | "Greenwich" | "GMT0" | "GMT+0" | "GMT-0"
        | "Etc/GMT0" | "Etc/GMT+0" | "Etc/GMT-0" => "UTC".to_string(),
        // Production (ICU) names the old US zones by their cities.
        "US/Pacific" => "America/Los_Angeles".to_string(),
        "US/Eastern" => "America/New_York".to_string(),
        "US/Central" => "America/Chicago".to_string(),
        "US/Mountain" => "America/Denver".to_string(),
        "US/Alaska" => "America/Anchorage".to_string(),
        "US/Hawaii" => "Pacific/Honolulu".to_string(),
        "US/Arizona" => "America/Phoenix".to_string(),
        other => other.to_string(),
    })
}

fn parse_offset(name: &str) -> Option<FixedOffset> {
    let (sign, rest) = if let Some(rest) = name.strip_prefix('+') {
        (1, rest)
    } else if let Some(rest) = name.strip_prefix(['-', '−']) {
        (-1, rest)
    } else {
        return None;
    };
    // Digits only (and one colon), so that the byte offsets below are character boundaries.
    if !rest.bytes().all(|b| b.is_ascii_digit() || b == b':') {
        return None;
    }
    let (hours, minutes) = match rest.len() {
        2 => (rest, "00"),
        4 => rest.split_at(2),
        5 if rest.as_bytes()[2] == b':' => (&rest[..2], &rest[3..]),
        _ => return None,
    };
    let hours: i32 = hours.parse().ok()?;
    let minutes: i32 = minutes.parse().ok()?;
    if hours > 23 || minutes > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

impl DateTimeFormat {
    pub fn new(locale: &Locale, options: &DateOptions) -> Result<Self, IntlError> {
        let zone = if options.time_zone == "UTC" {
            Zone::Named(Tz::UTC)
        } else if let Some(offset) = parse_offset(&options.time_zone) {
            Zone::Fixed(offset)
        } else {
            Zone::Named(Tz::from_str(&options.time_zone).map_err(|_| {
                IntlError::Options(format!(
                    "Invalid time zone specified: {}",
                    options.time_zone
                ))
            })?)
        };
        if let Some(writer) = pattern_writer(locale, options) {
            return Ok(DateTimeFormat { writer, zone });
        }
        let builder = if options.date_style.is_some() || options.time_style.is_some() {
            styles(options)
        } else {
            components(options).to_field_set_builder()
        };
        let field_set = builder
            .build_composite()
            .map_err(|e| IntlError::Options(format!("internal: {e:?}")))?;
        let internal = |e| IntlError::Options(format!("internal: {e:?}"));
        let formatter = DateTimeFormatter::try_new(locale.into(), field_set).map_err(internal)?;
        // The decimal formatter is loaded whatever the pattern: ICU4X's own choice misses the
        // year of some (pt's "MMMM 'de' y").
        let mut names = DateTimeNames::from_formatter(locale.into(), formatter);
        names.as_mut().include_decimal_formatter()?;
        let formatter = names
            .try_into_formatter(field_set)
            .map_err(|(e, _)| internal(e))?;
        Ok(DateTimeFormat {
            writer: Writer::FieldSet(Box::new(formatter)),
            zone,
        })
    }

    /// The components the CLDR pattern the format writes with shows, where it writes one
    /// (patterns.rs `components`).
    pub fn pattern_components(&self) -> Option<Vec<(&'static str, Component)>> {
        match &self.writer {
            Writer::Pattern(w) => Some(super::patterns::components(&w.chosen.pattern)),
            Writer::FieldSet(_) => None,
        }
    }

    /// `epoch_ms`, a time value (finite, within ±8.64e15), in the format's time zone.
    pub fn format(&self, epoch_ms: f64) -> Parts {
        match self.instant(epoch_ms) {
            Some((local, z)) => self.write(&local, &z),
            None => Parts::default(),
        }
    }

    /// The range from `start_ms` to `end_ms` as runs of parts, each with the ECMA-402 source
    /// (`startRange`, `endRange`, `shared`) it belongs to.
    pub fn format_range(&self, start_ms: f64, end_ms: f64) -> Vec<(Parts, &'static str)> {
        let (Some((a, za)), Some((b, zb))) = (self.instant(start_ms), self.instant(end_ms)) else {
            return Vec::new();
        };
        let fallback = |glue: &str| {
            let (before, rest) = glue.split_once("{0}").unwrap_or(("", glue));
            let (between, after) = rest.split_once("{1}").unwrap_or((rest, ""));
            let literal = |text: &str| {
                let mut p = Parts::default();
                p.push(Some("literal"), text);
                (p, "shared")
            };
            vec![
                literal(before),
                (self.write(&a, &za), "startRange"),
                literal(between),
                (self.write(&b, &zb), "endRange"),
                literal(after),
            ]
        };
        let Writer::Pattern(w) = &self.writer else {
            return fallback("{0} – {1}");
        };
        match range_pattern(w.chosen.patterns, &w.chosen.skeleton, &a, &b) {
            RangePattern::Same => vec![(self.write(&a, &za), "shared")],
            RangePattern::Fallback(glue) => fallback(&glue),
            RangePattern::Split(first, second) => {
                let halves = write_pattern(&w.locale, &first, &a, &za)
                    .zip(write_pattern(&w.locale, &second, &b, &zb));
                match halves {
                    Some((start, end)) => vec![(start, "startRange"), (end, "endRange")],
                    None => fallback(&w.chosen.patterns.interval_fallback),
                }
            }
        }
    }

    /// The wall time and the zoned date-time of a time value in the format's time zone.
    fn instant(&self, epoch_ms: f64) -> Option<(NaiveDateTime, Zoned)> {
        let ms = epoch_ms as i64;
        match self.zone {
            Zone::Named(tz) => tz
                .timestamp_millis_opt(ms)
                .single()
                .map(|t| (t.naive_local(), (&t).into())),
            Zone::Fixed(offset) => offset.timestamp_millis_opt(ms).single().map(|t| {
                let mut z: Zoned = (&t).into();
                z.zone = TimeZone::UNKNOWN
                    .with_offset(Some(offset.into()))
                    .with_zone_name_timestamp(z.zone.zone_name_timestamp());
                (t.naive_local(), z)
            }),
        }
    }

    fn write(&self, local: &NaiveDateTime, z: &Zoned) -> Parts {
        match &self.writer {
            Writer::Pattern(w) => {
                let formatted = w.names.with_pattern_unchecked(&w.pattern).format(z);
                let parts = Parts::of_try(&formatted).name_pattern_text("literal");
                with_day_period(parts, w.day_period.as_ref(), local)
            }
            Writer::FieldSet(f) => {
                let mut parts = Parts::of(&f.format(z)).name_pattern_text("literal");
                // As patterns.rs does to a pattern, for want of this one's.
                for (_, text) in &mut parts.runs {
                    *text = web_spaces(text);
                }
                parts
            }
        }
    }
}

/// CLDR's pattern for `options` with the names and numbers it needs, where there is one.
fn pattern_writer(locale: &Locale, options: &DateOptions) -> Option<Writer> {
    let chosen = super::patterns::pattern(locale, options)?;
    let (names, pattern) = pattern_names(locale, &chosen.pattern)?;
    let day_period = FlexibleDayPeriod::of(locale, &chosen.pattern);
    Some(Writer::Pattern(Box::new(PatternWriter {
        names,
        pattern,
        chosen,
        locale: locale.clone(),
        day_period,
    })))
}

/// `dateStyle` and `timeStyle` as CLDR's lengths: full adds the weekday and the long zone
/// name, long the short zone name.
fn styles(options: &DateOptions) -> FieldSetBuilder {
    let length = |style: &str| match style {
        "full" | "long" => Length::Long,
        "medium" => Length::Medium,
        _ => Length::Short,
    };
    let mut builder = FieldSetBuilder::new();
    if let Some(style) = &options.date_style {
        builder.length = Some(length(style));
        builder.date_fields = Some(if style == "full" {
            DateFields::YMDE
        } else {
            DateFields::YMD
        });
    }
    if let Some(style) = &options.time_style {
        if options.date_style.is_none() {
            builder.length = Some(length(style));
        }
        builder.time_precision = Some(if style == "short" {
            TimePrecision::Minute
        } else {
            TimePrecision::Second
        });
        builder.zone_style = match style.as_str() {
            "full" => Some(ZoneStyle::SpecificLong),
            "long" => Some(ZoneStyle::SpecificShort),
            _ => None,
        };
    }
    builder
}

fn components(o: &DateOptions) -> DateTimeFieldBag {
    let mut bag = DateTimeFieldBag::default();
    let text = |v: &Option<String>| v.as_deref().unwrap_or_default().to_string();
    bag.era = match text(&o.era).as_str() {
        "long" => Some(Era::Long),
        "short" => Some(Era::Short),
        "narrow" => Some(Era::Narrow),
        _ => None,
    };
    bag.year = match text(&o.year).as_str() {
        "numeric" => Some(Year::Numeric),
        "2-digit" => Some(Year::TwoDigit),
        _ => None,
    };
    bag.month = match text(&o.month).as_str() {
        "numeric" => Some(Month::Numeric),
        "2-digit" => Some(Month::TwoDigit),
        "short" => Some(Month::Short),
        "long" => Some(Month::Long),
        "narrow" => Some(Month::Narrow),
        _ => None,
    };
    bag.day = match text(&o.day).as_str() {
        "numeric" => Some(Day::Numeric),
        "2-digit" => Some(Day::TwoDigit),
        _ => None,
    };
    bag.weekday = match text(&o.weekday).as_str() {
        "long" => Some(Weekday::Long),
        "short" => Some(Weekday::Short),
        "narrow" => Some(Weekday::Narrow),
        _ => None,
    };
    bag.day_period = match text(&o.day_period).as_str() {
        "long" => Some(DayPeriod::FlexibleLong),
        "short" => Some(DayPeriod::FlexibleShort),
        "narrow" => Some(DayPeriod::FlexibleNarrow),
        _ => None,
    };
    let two = |v: &Option<String>| v.as_deref() == Some("2-digit");
    bag.hour = o.hour.as_ref().map(|_| {
        if two(&o.hour) {
            Hour::TwoDigit
        } else {
            Hour::Numeric
        }
    });
    bag.minute = o.minute.as_ref().map(|_| {
        if two(&o.minute) {
            Minute::TwoDigit
        } else {
            Minute::Numeric
        }
    });
    bag.second = o.second.as_ref().map(|_| {
        if two(&o.second) {
            Second::TwoDigit
        } else {
            Second::Numeric
        }
    });
    bag.fractional_second_digits = match o.fractional_second_digits {
        Some(1) => Some(FractionalSecondDigits::F1),
        Some(2) => Some(FractionalSecondDigits::F2),
        Some(3) => Some(FractionalSecondDigits::F3),
        _ => None,
    };
    bag.hour_kind = match (o.hour.is_some(), o.hour_cycle.as_deref()) {
        (true, Some("h11" | "h12")) => Some(HourKind::Clock12),
        (true, Some("h23" | "h24")) => Some(HourKind::Clock24),
        _ => None,
    };
    bag.time_zone_name = match text(&o.time_zone_name).as_str() {
        "short" => Some(TimeZoneName::ShortSpecific),
        "long" => Some(TimeZoneName::LongSpecific),
        "shortOffset" => Some(TimeZoneName::ShortOffset),
        "longOffset" => Some(TimeZoneName::LongOffset),
        "shortGeneric" => Some(TimeZoneName::ShortGeneric),
        "longGeneric" => Some(TimeZoneName::LongGeneric),
        _ => None,
    };
    bag
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offset_time_zone_is_digits_and_anything_else_is_refused_without_a_panic() {
        assert_eq!(canonical_time_zone("+05:30").as_deref(), Some("+05:30"));
        assert_eq!(canonical_time_zone("−0800").as_deref(), Some("-08:00"));
        for bad in ["+a€", "-é€", "+1:0€", "+€", "--05", "+24", "+05:60"] {
            assert_eq!(parse_offset(bad), None, "{bad}");
        }
    }
}
