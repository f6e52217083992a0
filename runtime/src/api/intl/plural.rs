//! `Intl.PluralRules`: CLDR's plural rules on the number as NumberFormat would round it.

use icu_locale_core::Locale;
use icu_plurals::{PluralCategory, PluralRuleType, PluralRules, PluralRulesOptions};

use super::IntlError;
use super::number::{NumberFormat, NumberOptions};

pub struct IntlPluralRules {
    rules: PluralRules,
    rounding: NumberFormat,
}

pub fn category_name(c: PluralCategory) -> &'static str {
    match c {
        PluralCategory::Zero => "zero",
        PluralCategory::One => "one",
        PluralCategory::Two => "two",
        PluralCategory::Few => "few",
        PluralCategory::Many => "many",
        PluralCategory::Other => "other",
    }
}

impl IntlPluralRules {
    pub fn new(locale: &Locale, ordinal: bool, digits: NumberOptions) -> Result<Self, IntlError> {
        let rule_type = if ordinal {
            PluralRuleType::Ordinal
        } else {
            PluralRuleType::Cardinal
        };
        let rules = PluralRules::try_new(
            locale.into(),
            PluralRulesOptions::default().with_type(rule_type),
        )?;
        Ok(IntlPluralRules {
            rules,
            rounding: NumberFormat::new(locale, digits)?,
        })
    }

    pub fn select(&self, value: &str) -> &'static str {
        match self.rounding.rounded(value) {
            Some(d) => category_name(self.rules.category_for(&d)),
            None => "other",
        }
    }

    /// The categories the locale has, in CLDR's order (as V8 lists them).
    pub fn categories(&self) -> Vec<&'static str> {
        self.rules.categories().map(category_name).collect()
    }
}
