//! `Intl.Collator` and `String.prototype.localeCompare`: the Unicode Collation Algorithm with
//! CLDR's tailorings (ICU4X's collator, as ICU4C's in V8).

use icu_collator::options::{AlternateHandling, CaseLevel, CollatorOptions, Strength};
use icu_collator::{Collator, CollatorBorrowed};
use icu_locale_core::Locale;

use super::IntlError;

pub struct IntlCollator(CollatorBorrowed<'static>);

impl IntlCollator {
    /// `locale` carries `numeric` and `caseFirst` as its `kn` and `kf` keys (intl.js puts them
    /// there, as ECMA-402 resolves them).
    pub fn new(
        locale: &Locale,
        sensitivity: &str,
        ignore_punctuation: bool,
    ) -> Result<Self, IntlError> {
        let mut options = CollatorOptions::default();
        options.strength = Some(match sensitivity {
            "base" | "case" => Strength::Primary,
            "accent" => Strength::Secondary,
            _ => Strength::Tertiary,
        });
        if sensitivity == "case" {
            options.case_level = Some(CaseLevel::On);
        }
        if ignore_punctuation {
            options.alternate_handling = Some(AlternateHandling::Shifted);
        }
        Ok(IntlCollator(Collator::try_new(locale.into(), options)?))
    }

    pub fn compare(&self, a: &str, b: &str) -> i32 {
        self.0.compare(a, b) as i32
    }
}
