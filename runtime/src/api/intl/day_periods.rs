//! Flexible day periods — pattern letter B, `dayPeriod` in `Intl.DateTimeFormat`: `2 in the
//! afternoon` — which ICU4X writes as AM/PM. The period is chosen as ICU4C chooses it from CLDR
//! 47's rules and names (data/day_periods.json.zlib, written by
//! runtime/intl-data/day-periods.mjs): noon at twelve when the minutes and seconds shown are
//! zero, else the period whose hours hold the time (midnight is never named, as in ICU).

use std::collections::BTreeMap;

use icu_locale_core::Locale;
use serde::Deserialize;

use super::LazyCldr;

#[derive(Deserialize, Debug)]
struct LocaleDayPeriods {
    /// Each period's hours: from, and before (24 for the end of the day).
    periods: BTreeMap<String, [u8; 2]>,
    /// The locale's rules name noon.
    noon: bool,
    /// Names by width: abbreviated, wide, narrow.
    names: [BTreeMap<String, String>; 3],
}

/// Read on the first flexible day period written.
static DAY_PERIODS: LazyCldr<LocaleDayPeriods> =
    LazyCldr::new(include_bytes!("data/day_periods.json.zlib"));

/// How a pattern writes its flexible day period in one locale.
#[derive(Debug)]
pub struct FlexibleDayPeriod {
    data: &'static LocaleDayPeriods,
    width: usize,
    shows_minute: bool,
    shows_second: bool,
}

impl FlexibleDayPeriod {
    /// For `pattern` in `locale`; `None` when the pattern has no B or the locale no rules.
    pub fn of(locale: &Locale, pattern: &str) -> Option<Self> {
        let runs = super::patterns::runs(pattern);
        let count = runs.iter().find(|(c, _)| *c == 'B').map(|(_, n)| *n)?;
        let data = DAY_PERIODS.for_locale(locale)?;
        if data.periods.is_empty() {
            return None;
        }
        Some(FlexibleDayPeriod {
            data,
            width: match count {
                4 => 1,
                5 => 2,
                _ => 0,
            },
            shows_minute: runs.iter().any(|(c, _)| *c == 'm'),
            shows_second: runs.iter().any(|(c, _)| *c == 's'),
        })
    }

    /// The period's name at `hour`:`minute`:`second` (local time), where the locale names it.
    pub fn name(&self, hour: u32, minute: u32, second: u32) -> Option<&'static str> {
        let names = &self.data.names[self.width];
        let named = |period: &str| names.get(period).or_else(|| self.data.names[0].get(period));
        let noon = hour == 12
            && self.data.noon
            && (!self.shows_minute || minute == 0)
            && (!self.shows_second || second == 0);
        if let Some(name) = noon.then(|| named("noon")).flatten() {
            return Some(name);
        }
        let holds = |[from, before]: [u8; 2]| {
            let (from, before) = (u32::from(from), u32::from(before));
            if from < before {
                (from..before).contains(&hour)
            } else {
                hour >= from || hour < before
            }
        };
        let (period, _) = self.data.periods.iter().find(|(_, h)| holds(**h))?;
        named(period).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en(pattern: &str) -> FlexibleDayPeriod {
        FlexibleDayPeriod::of(&"en".parse().expect("locale"), pattern).expect("en has day periods")
    }

    #[test]
    fn noon_is_named_only_when_the_minutes_and_seconds_shown_are_zero() {
        assert_eq!(en("h B").name(12, 30, 0), Some("noon"));
        assert_eq!(en("h:mm B").name(12, 30, 0), Some("in the afternoon"));
        assert_eq!(en("h:mm:ss B").name(12, 0, 30), Some("in the afternoon"));
        assert_eq!(en("h B").name(0, 0, 0), Some("in the morning"));
        assert_eq!(en("h B").name(22, 0, 0), Some("at night"));
        assert!(FlexibleDayPeriod::of(&"en".parse().expect("locale"), "h a").is_none());
    }
}
