//! `Intl.NumberFormat`: ECMA-402's rounding (FormatNumericToString) on fixed_decimal, then
//! ICU4X's decimal, percent, currency and compact formatters, which carry CLDR's patterns,
//! symbols and numbering systems.

use fixed_decimal::{
    Decimal, RoundingIncrement, SignDisplay, SignedRoundingMode, UnsignedRoundingMode,
};
use icu_decimal::options::{
    CompactDecimalFormatterOptions, DecimalFormatterOptions, GroupingStrategy,
};
use icu_decimal::{CompactDecimalFormatter, DecimalFormatter};
use icu_experimental::dimension::currency::CurrencyType;
use icu_experimental::dimension::currency::formatter::CurrencyFormatter;
use icu_experimental::dimension::currency::options::{CurrencyFormatterOptions, CurrencyUsage};
use icu_experimental::dimension::percent::formatter::PercentFormatter;
use icu_locale_core::Locale;
use icu_plurals::PluralRules;
use serde::Deserialize;

use super::IntlError;
use super::parts::Parts;
use super::plural::category_name;
use super::units::UnitStyle;

/// The options intl.js resolved (the slots of ECMA-402's NumberFormat, named as there).
#[derive(Deserialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct NumberOptions {
    pub style: String,
    pub currency: Option<String>,
    pub currency_display: Option<String>,
    pub currency_sign: Option<String>,
    pub unit: Option<String>,
    pub unit_display: Option<String>,
    pub notation: String,
    pub compact_display: Option<String>,
    pub use_grouping: String,
    pub sign_display: String,
    pub minimum_integer_digits: i16,
    pub minimum_fraction_digits: Option<i16>,
    pub maximum_fraction_digits: Option<i16>,
    pub minimum_significant_digits: Option<i16>,
    pub maximum_significant_digits: Option<i16>,
    /// `fractionDigits`, `significantDigits`, `morePrecision` or `lessPrecision`.
    pub rounding_type: String,
    pub rounding_mode: String,
    pub rounding_increment: u32,
    pub trailing_zero_display: String,
}

enum Style {
    Decimal,
    Percent(Box<PercentFormatter<DecimalFormatter>>),
    Currency(Box<CurrencyFormatter<DecimalFormatter>>),
    Unit(Box<UnitStyle>, Box<PluralRules>),
}

pub struct NumberFormat {
    options: NumberOptions,
    decimal: DecimalFormatter,
    style: Style,
    compact: Option<CompactDecimalFormatter>,
    nan: &'static str,
    exponent: &'static str,
}

fn grouping(use_grouping: &str) -> GroupingStrategy {
    match use_grouping {
        "always" => GroupingStrategy::Always,
        "min2" => GroupingStrategy::Min2,
        "false" => GroupingStrategy::Never,
        _ => GroupingStrategy::Auto,
    }
}

impl NumberFormat {
    pub fn new(locale: &Locale, options: NumberOptions) -> Result<Self, IntlError> {
        let mut decimal_options = DecimalFormatterOptions::default();
        decimal_options.grouping_strategy = Some(grouping(&options.use_grouping));
        let decimal = DecimalFormatter::try_new(locale.into(), decimal_options)?;
        // A percent unit is written as a percent is (ICU4C's MeasureFormat does so), unscaled.
        let percent = options.style == "percent"
            || (options.style == "unit" && options.unit.as_deref() == Some("percent"));
        let style = match options.style.as_str() {
            _ if percent => {
                Style::Percent(Box::new(PercentFormatter::try_new_with_decimal_formatter(
                    locale.into(),
                    decimal.clone(),
                    Default::default(),
                )?))
            }
            "currency" => Style::Currency(Box::new(currency_formatter(locale, &options)?)),
            "unit" => {
                let unit = options.unit.as_deref().unwrap_or_default();
                let display = options.unit_display.as_deref().unwrap_or("short");
                let style = UnitStyle::new(locale, unit, display).ok_or_else(|| {
                    IntlError::Options(format!(
                        "Invalid unit argument for Intl.NumberFormat() '{unit}'"
                    ))
                })?;
                Style::Unit(
                    Box::new(style),
                    Box::new(PluralRules::try_new_cardinal(locale.into())?),
                )
            }
            _ => Style::Decimal,
        };
        let compact = if options.notation == "compact" {
            let mut compact_options = CompactDecimalFormatterOptions::default();
            compact_options.grouping_strategy = Some(grouping(&options.use_grouping));
            Some(if options.compact_display.as_deref() == Some("long") {
                CompactDecimalFormatter::try_new_long(locale.into(), compact_options)?
            } else {
                CompactDecimalFormatter::try_new_short(locale.into(), compact_options)?
            })
        } else {
            None
        };
        Ok(NumberFormat {
            nan: nan_symbol(locale.id.language.as_str()),
            exponent: exponent_symbol(locale.id.language.as_str()),
            options,
            decimal,
            style,
            compact,
        })
    }

    /// `value` as ECMA-402's ToIntlMathematicalValue left it: a decimal string (`-0`,
    /// exponents as JavaScript prints them), `NaN`, `Infinity` or `-Infinity`.
    pub fn format(&self, value: &str) -> Parts {
        match value {
            "NaN" => self.special("0", "nan", self.nan),
            "Infinity" => self.special("0", "infinity", "∞"),
            "-Infinity" => self.special("-0", "infinity", "∞"),
            _ => match parse(value) {
                Some(mut d) => {
                    if self.options.style == "percent" {
                        d.multiply_pow10(2);
                    }
                    self.format_decimal(d)
                }
                None => self.special("0", "nan", self.nan),
            },
        }
    }

    /// `value` (finite) rounded as it would be formatted in standard notation.
    pub fn rounded(&self, value: &str) -> Option<Decimal> {
        let mut d = parse(value)?;
        self.round(&mut d);
        Some(d)
    }

    /// NaN and ∞: the pattern of a zero of that sign, its digits replaced.
    fn special(&self, zero: &str, kind: &'static str, symbol: &str) -> Parts {
        let mut d: Decimal = zero.parse().unwrap_or_default();
        if kind == "nan" {
            d.apply_sign_display(SignDisplay::Never);
        } else {
            d.apply_sign_display(self.sign_display());
        }
        let formatted = self.format_rounded(d);
        let mut out = Parts::default();
        for (k, text) in formatted.runs {
            match k {
                Some("integer") => out.push(Some(kind), symbol),
                _ => out.push(k, &text),
            }
        }
        out
    }

    fn sign_display(&self) -> SignDisplay {
        match self.options.sign_display.as_str() {
            "always" => SignDisplay::Always,
            "exceptZero" => SignDisplay::ExceptZero,
            "never" => SignDisplay::Never,
            "negative" => SignDisplay::Negative,
            _ => SignDisplay::Auto,
        }
    }

    fn format_decimal(&self, mut d: Decimal) -> Parts {
        if let Some(compact) = &self.compact {
            return self.format_compact(compact, d);
        }
        if self.options.notation == "scientific" || self.options.notation == "engineering" {
            return self.format_scientific(d);
        }
        self.round(&mut d);
        d.apply_sign_display(self.sign_display());
        self.format_rounded(d)
    }

    fn format_rounded(&self, d: Decimal) -> Parts {
        match &self.style {
            Style::Decimal => Parts::of(&self.decimal.format(&d)).name_pattern_text("literal"),
            Style::Percent(p) => Parts::of(&p.format(&d)).name_pattern_text("percentSign"),
            Style::Currency(c) => {
                Parts::of(&c.format_fixed_decimal(&d)).name_pattern_text("currency")
            }
            Style::Unit(unit, rules) => {
                let number = Parts::of(&self.decimal.format(&d)).name_pattern_text("literal");
                unit.write(number, category_name(rules.category_for(&d)))
            }
        }
    }

    /// Compact notation: the significand is rounded at the exponent CLDR picks for its
    /// magnitude, and again at the next one when rounding carried it there (999 999 → 1M).
    fn format_compact(&self, compact: &CompactDecimalFormatter, d: Decimal) -> Parts {
        let magnitude = d.absolute.nonzero_magnitude_start();
        let mut exponent = compact.compact_exponent_for_magnitude(magnitude);
        let mut significand = d.clone();
        significand.multiply_pow10(-i16::from(exponent));
        self.round(&mut significand);
        let carried = significand.absolute.nonzero_magnitude_start() + i16::from(exponent);
        let next = compact.compact_exponent_for_magnitude(carried);
        if next != exponent {
            exponent = next;
            significand = d;
            significand.multiply_pow10(-i16::from(exponent));
            self.round(&mut significand);
        }
        significand.apply_sign_display(self.sign_display());
        let formatted = compact
            .format_with_exponent(&significand, exponent)
            .map(|w| Parts::of(&w).name_pattern_text("compact"));
        formatted.unwrap_or_else(|_| self.format_rounded(significand.clone()))
    }

    /// Scientific and engineering notation: CLDR's exponent symbol is `E` in the locales whose
    /// data ICU4X does not carry it for.
    fn format_scientific(&self, d: Decimal) -> Parts {
        let magnitude = lead_magnitude(&d);
        let exponent = if self.options.notation == "engineering" {
            magnitude.div_euclid(3) * 3
        } else {
            magnitude
        };
        let mut significand = d;
        significand.multiply_pow10(-exponent);
        self.round(&mut significand);
        significand.apply_sign_display(self.sign_display());
        let mut out = self.format_rounded(significand);
        out.push(Some("exponentSeparator"), self.exponent);
        let exponent: Decimal = Decimal::from(exponent);
        for (kind, text) in Parts::of(&self.decimal.format(&exponent)).runs {
            let kind = match kind {
                Some("minusSign") => Some("exponentMinusSign"),
                Some("integer") => Some("exponentInteger"),
                k => k,
            };
            out.push(kind, &text);
        }
        out
    }

    /// ECMA-402's FormatNumericToString: round at the position the rounding type picks, pad to
    /// the minimum digits, drop an integer's zeros if asked to.
    fn round(&self, d: &mut Decimal) {
        let o = &self.options;
        let lead = lead_magnitude(d);
        let fraction_position = -o.maximum_fraction_digits.unwrap_or(0);
        let significant_position = o.maximum_significant_digits.map(|max| lead - max + 1);
        let position = match (o.rounding_type.as_str(), significant_position) {
            ("significantDigits", Some(p)) => p,
            ("morePrecision", Some(p)) => p.min(fraction_position),
            ("lessPrecision", Some(p)) => p.max(fraction_position),
            _ => fraction_position,
        };
        let uses_significant =
            significant_position == Some(position) && o.rounding_type != "fractionDigits";
        let (multiple, shift) = increment(o.rounding_increment);
        d.round_with_mode_and_increment(
            position + shift,
            rounding_mode(&o.rounding_mode),
            multiple,
        );
        if uses_significant {
            let lead = lead_magnitude(d);
            let min = o.minimum_significant_digits.unwrap_or(1);
            d.absolute.pad_end(lead - min + 1);
        } else {
            d.absolute.pad_end(-o.minimum_fraction_digits.unwrap_or(0));
        }
        if o.trailing_zero_display == "stripIfInteger" && d.absolute.nonzero_magnitude_end() >= 0 {
            d.absolute.trim_end();
        }
        d.absolute.pad_start(o.minimum_integer_digits);
    }
}

/// The magnitude of a number's leading digit (0 for zero), where significant digits count from.
fn lead_magnitude(d: &Decimal) -> i16 {
    if d.absolute.is_zero() {
        0
    } else {
        d.absolute.nonzero_magnitude_start()
    }
}

fn parse(value: &str) -> Option<Decimal> {
    Decimal::try_from_str(&value.replace("e+", "e")).ok()
}

fn rounding_mode(mode: &str) -> SignedRoundingMode {
    use SignedRoundingMode as S;
    use UnsignedRoundingMode as U;
    match mode {
        "ceil" => S::Ceil,
        "floor" => S::Floor,
        "expand" => S::Unsigned(U::Expand),
        "trunc" => S::Unsigned(U::Trunc),
        "halfCeil" => S::HalfCeil,
        "halfFloor" => S::HalfFloor,
        "halfTrunc" => S::Unsigned(U::HalfTrunc),
        "halfEven" => S::Unsigned(U::HalfEven),
        _ => S::Unsigned(U::HalfExpand),
    }
}

/// ECMA-402's rounding increment (1, 2, 5, 10, 20, 25, 50, … 5000, at the maximum fraction
/// digits' position) as fixed_decimal's multiple and how many places above that it rounds.
fn increment(increment: u32) -> (RoundingIncrement, i16) {
    let mut multiple = increment.max(1);
    let mut shift = 0;
    while multiple.is_multiple_of(10) {
        multiple /= 10;
        shift += 1;
    }
    let multiple = match multiple {
        2 => RoundingIncrement::MultiplesOf2,
        5 => RoundingIncrement::MultiplesOf5,
        25 => RoundingIncrement::MultiplesOf25,
        _ => RoundingIncrement::MultiplesOf1,
    };
    (multiple, shift)
}

fn currency_formatter(
    locale: &Locale,
    options: &NumberOptions,
) -> Result<CurrencyFormatter<DecimalFormatter>, IntlError> {
    let code = options.currency.as_deref().unwrap_or("USD");
    let currency = CurrencyType::try_from_str(code)
        .map_err(|_| IntlError::Options(format!("Invalid currency code : {code}")))?;
    let mut currency_options = CurrencyFormatterOptions::default();
    if options.currency_sign.as_deref() == Some("accounting") {
        currency_options.usage = CurrencyUsage::Accounting;
    }
    Ok(match options.currency_display.as_deref() {
        Some("code") => CurrencyFormatter::try_new_code(locale.into(), currency, currency_options)?,
        Some("name") => CurrencyFormatter::try_new_name(locale.into(), currency)?,
        Some("narrowSymbol") => {
            CurrencyFormatter::try_new_symbol_narrow(locale.into(), currency, currency_options)?
        }
        _ => CurrencyFormatter::try_new_symbol(locale.into(), currency, currency_options)?,
    })
}

/// CLDR's exponent symbol where it is not `E` (ICU4X's decimal data leaves it out).
fn exponent_symbol(language: &str) -> &'static str {
    match language {
        "ar" => "أس",
        "sv" => "×10^",
        "fa" => "×۱۰^",
        _ => "E",
    }
}

/// CLDR's symbol for NaN where it is not `NaN` (ICU4X's decimal data leaves it out).
fn nan_symbol(language: &str) -> &'static str {
    match language {
        "ar" => "ليس\u{a0}رقمًا",
        "ru" => "не\u{a0}число",
        "fa" => "ناعدد",
        _ => "NaN",
    }
}
