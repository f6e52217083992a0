//! `NumberFormat`'s `style: 'unit'`: CLDR's unit patterns, by width and plural category, as
//! ICU4C's MeasureFormat writes them (ICU4X carries only a few units' names). The data is
//! written by runtime/intl-data/units.mjs from cldr-units-full and read on first use.

use std::collections::BTreeMap;

use icu_locale_core::Locale;
use serde::Deserialize;

use super::LazyCldr;
use super::parts::Parts;

/// One unit in one width: its pattern by plural category, and how it reads as a denominator.
#[derive(Deserialize, Debug)]
struct UnitPatterns {
    forms: BTreeMap<String, String>,
    per: Option<String>,
}

#[derive(Deserialize, Debug)]
struct LocaleUnits {
    /// The compound pattern (`{0} per {1}`) by width: long, short, narrow.
    per: [String; 3],
    units: BTreeMap<String, [UnitPatterns; 3]>,
}

/// Read on the first unit formatted.
static UNITS: LazyCldr<LocaleUnits> = LazyCldr::new(include_bytes!("data/units.json.zlib"));

/// A unit (`kilometer-per-hour`, `byte`) in a width, for one locale.
pub struct UnitStyle {
    data: &'static LocaleUnits,
    unit: String,
    width: usize,
}

impl UnitStyle {
    /// `unit` as intl.js checked it (sanctioned, or two joined by `-per-`); `display` long,
    /// short or narrow. `None` where the locale has no data for it.
    pub fn new(locale: &Locale, unit: &str, display: &str) -> Option<Self> {
        let data = UNITS.for_locale(locale)?;
        let width = match display {
            "long" => 0,
            "narrow" => 2,
            _ => 1,
        };
        let (numerator, denominator) = unit.split_once("-per-").unwrap_or((unit, ""));
        let known = |u: &str| data.units.contains_key(u);
        if !(known(unit) || (known(numerator) && known(denominator))) {
            return None;
        }
        Some(UnitStyle {
            data,
            unit: unit.to_string(),
            width,
        })
    }

    /// The pattern (`{0}` for the number) for a number of plural `category`.
    fn pattern(&self, unit: &str, category: &str) -> Option<&'static str> {
        let forms = &self.data.units.get(unit)?[self.width].forms;
        forms
            .get(category)
            .or_else(|| forms.get("other"))
            .map(String::as_str)
    }

    /// The unit's pattern for a number of `category`: its own where CLDR names the unit, else
    /// the numerator's over the denominator's per-unit pattern, or CLDR's compound pattern with
    /// the denominator's singular name.
    fn full_pattern(&self, category: &str) -> Option<String> {
        if let Some(p) = self.pattern(&self.unit, category) {
            return Some(p.to_string());
        }
        let (numerator, denominator) = self.unit.split_once("-per-")?;
        let top = self.pattern(numerator, category)?;
        let bottom = &self.data.units.get(denominator)?[self.width];
        if let Some(per) = &bottom.per {
            return Some(per.replace("{0}", top));
        }
        let singular = self.pattern(denominator, "one")?.replace("{0}", "");
        Some(
            self.data.per[self.width]
                .replace("{0}", top)
                .replace("{1}", singular.trim()),
        )
    }

    /// `number` (formatted) written with the unit, for a number of plural `category`.
    pub fn write(&self, number: Parts, category: &str) -> Parts {
        let Some(pattern) = self.full_pattern(category) else {
            return number;
        };
        // A pattern without the number ("سنة", Arabic's one year) is written alone, as ICU does.
        let Some((before, after)) = pattern.split_once("{0}") else {
            let mut out = Parts::default();
            out.push(Some("unit"), &pattern);
            return out;
        };
        let mut out = Parts::default();
        out.push(None, before);
        for (kind, text) in number.runs {
            out.push(kind, &text);
        }
        out.push(None, after);
        out.name_pattern_text("unit")
    }
}
