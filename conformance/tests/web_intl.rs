//! Intl against what real workerd answered (conformance/reference/workerd/snippets/intl-*.json):
//! most snippets answer one string per locale of sixteen, compared locale by locale, so that a
//! difference names its locale and a known one cannot hide another.

use edgesim_conformance::reference::run_recorded_snippets;
use serde_json::Value;

/// The locales the per-locale snippets run over, in their order.
const LOCALES: [&str; 16] = [
    "en-US", "en-GB", "de-DE", "fr-FR", "es-ES", "pt-BR", "ja-JP", "zh-CN", "ko-KR", "ru-RU",
    "ar-EG", "hi-IN", "he-IL", "tr-TR", "nl-NL", "sv-SE",
];

/// A snippet (by a fragment of it) and the locales (`*` for a snippet whose answer is not per
/// locale) where edgesim's answer differs from workerd's, with why.
type Known<'a> = &'a [(&'a str, &'a [&'a str], &'a str)];

/// Runs the recorded snippets of `name` and compares them, locale by locale where the answer
/// is one per locale; every difference must be one of `known`, and every known one must occur.
fn intl_answers_as_workerd_does_but(name: &str, known: Known) {
    let (recorded, ours) = run_recorded_snippets(name);
    let mut differences = Vec::new();
    for (index, ((snippet, theirs), ours)) in recorded.iter().zip(&ours).enumerate() {
        let known_here: Vec<&str> = known
            .iter()
            .filter(|(fragment, _, _)| snippet.contains(fragment))
            .flat_map(|(_, locales, _)| locales.iter().copied())
            .collect();
        for (where_, a, b) in compare(theirs, ours) {
            let is_known = known_here.contains(&where_);
            if (a == b) == is_known {
                let note = if is_known {
                    " (a known difference that did not occur)"
                } else {
                    ""
                };
                let short = snippet.split(" return ").nth(1).unwrap_or(snippet);
                let short: String = short.chars().take(110).collect();
                differences.push(format!(
                    "#{index} [{where_}] {short}{note}\n  workerd: {a}\n  edgesim: {b}"
                ));
            }
        }
    }
    assert!(
        differences.is_empty(),
        "{name}:\n{}",
        differences.join("\n")
    );
}

/// The answers as (locale, workerd's, edgesim's): per locale when both returned an array of
/// sixteen, else one comparison under `*`.
fn compare(theirs: &Value, ours: &Value) -> Vec<(&'static str, String, String)> {
    let per_locale = |v: &Value| -> Option<Vec<Value>> {
        let [outcome, json] = v.as_array()?.as_slice() else {
            return None;
        };
        if outcome != "ok" {
            return None;
        }
        let list: Value = serde_json::from_str(json.as_str()?).ok()?;
        list.as_array()
            .filter(|l| l.len() == LOCALES.len())
            .cloned()
    };
    match (per_locale(theirs), per_locale(ours)) {
        (Some(a), Some(b)) => LOCALES
            .iter()
            .zip(a.iter().zip(&b))
            .map(|(l, (a, b))| (*l, a.to_string(), b.to_string()))
            .collect(),
        _ => vec![("*", theirs.to_string(), ours.to_string())],
    }
}

#[test]
fn number_format_formats_decimals_percents_currencies_and_compact_numbers_as_v8_does() {
    intl_answers_as_workerd_does_but(
        "intl-number",
        &[
            (
                "['byte', 'kilobyte', 'megabyte', 'celsius', 'liter', 'percent']",
                &["ar-EG"],
                "ICU4X's percent pattern has no Arabic percent sign (٪؜)",
            ),
            (
                "style: 'percent' }).format(0.256)",
                &["ar-EG"],
                "ICU4X's percent pattern has no Arabic percent sign (٪؜)",
            ),
            (
                "['USD', 'EUR', 'JPY', 'GBP', 'INR']",
                &["fr-FR", "es-ES", "sv-SE"],
                "ICU4X falls back to root's symbols (JP¥, £, ₹) where ICU4C's locale data has the ISO code",
            ),
            (
                "['code', 'name', 'narrowSymbol']",
                &["ja-JP", "zh-CN", "tr-TR"],
                "ICU4X's long currency pattern puts a space before the name in ja/zh; V8's tr answer carries a stray $",
            ),
            (
                "currencySign: 'accounting'",
                &["tr-TR"],
                "tr's accounting pattern: parentheses in ICU4X's CLDR, a minus in V8's",
            ),
            (
                "notation: 'compact' }).format(n)",
                &["en-GB"],
                "en-GB's compact symbols are lower case (k, m, bn) in ICU4X's CLDR",
            ),
            (
                "new Intl.NumberFormat('de-CH')",
                &["*"],
                "de-CH groups with U+2019 in V8's CLDR, an apostrophe in ICU4X's",
            ),
        ],
    );
}

#[test]
fn date_time_format_formats_styles_components_and_time_zones_as_v8_does() {
    intl_answers_as_workerd_does_but(
        "intl-date",
        &[
            (
                "d.toLocaleDateString(l, { timeZone: 'UTC' }) + ' | '",
                &["ar-EG"],
                "ar joins a date and a time with a comma in ICU4X's CLDR, a space in V8's",
            ),
            (
                "{ timeStyle: s, timeZone: 'UTC' }",
                &["fr-FR", "ar-EG"],
                "UTC's short name is TU in fr and the long name in ar in ICU4X's CLDR",
            ),
            (
                "{ hour: '2-digit', minute: '2-digit' }",
                &["es-ES"],
                "es's p. m. has a no-break space in V8's CLDR, a space in ICU4X's",
            ),
            (
                "['America/New_York', 'Europe/Berlin'",
                &["ar-EG"],
                "ar's date-time glue, as above",
            ),
            (
                "['short', 'long', 'shortOffset', 'longOffset']",
                &[
                    "en-GB", "de-DE", "fr-FR", "es-ES", "pt-BR", "ja-JP", "zh-CN", "ko-KR",
                    "ru-RU", "ar-EG", "he-IL", "tr-TR", "nl-NL", "sv-SE",
                ],
                "a time with a zone name: V8's ICU shortens the hour of CLDR's Hmsv pattern where the name is specific, and ICU4X writes offsets and some names its own way",
            ),
            (
                "formatRange(d, new Date(Date.UTC(2024, 2, 9)))",
                &["ar-EG"],
                "ar's medium date pads its day and month in ICU4X's CLDR, not in V8's",
            ),
            (
                "new Date(Date.UTC(2024, 6, 1, 12))",
                &["*"],
                "year 275760 is past chrono's range",
            ),
            (
                "['ja-JP-u-ca-japanese'",
                &["*"],
                "the Chinese calendar's cyclic year and V8's Hebrew-calendar answer (57840625 02:07 PM)",
            ),
        ],
    );
}

#[test]
fn collator_plural_rules_locale_and_case_mapping_answer_as_v8_does() {
    intl_answers_as_workerd_does_but(
        "intl-other",
        &[
            (
                "new Intl.PluralRules(l).select(n)",
                &["es-ES"],
                "es ordinals: ICU4X's CLDR has a one category V8's does not",
            ),
            (
                "new Intl.RelativeTimeFormat(l).format(v, u)",
                &["he-IL", "sv-SE"],
                "he and sv relative-time strings differ between the two CLDR versions",
            ),
            (
                "new Intl.ListFormat(l, o)",
                &["hi-IN", "he-IL"],
                "hi's serial comma and he's non-breaking hyphen differ between the two CLDR versions",
            ),
            (
                "new Intl.DisplayNames(l, { type: 'region' })",
                &[
                    "en-US", "en-GB", "de-DE", "fr-FR", "es-ES", "pt-BR", "ja-JP", "zh-CN",
                    "ko-KR", "ru-RU", "hi-IN", "he-IL", "tr-TR", "nl-NL",
                ],
                "zh-Hant is Traditional Mandarin Chinese in ICU4X's CLDR",
            ),
            (
                "Object.getOwnPropertyNames(Intl).sort()",
                &["*"],
                "V8's own v8BreakIterator is missing",
            ),
        ],
    );
}

#[test]
fn duration_format_answers_as_v8_does_in_every_style_locale_and_error() {
    intl_answers_as_workerd_does_but(
        "intl-duration",
        &[
            (
                "format({ years: 1, months: 2",
                &["de-DE", "hi-IN", "he-IL"],
                "CLDR 48's units and lists against V8's CLDR 47: de's narrow hour (`5h`, V8 `5 Std.`), \
                 hi's serial comma and he's `ו-` before the last unit",
            ),
            (
                "format({ hours: 1, minutes: 5, seconds: 3 })).join",
                &["de-DE", "hi-IN", "he-IL"],
                "the same CLDR versions' narrow hour and unit lists",
            ),
            (
                "['en', 'de', 'ar', 'th-u-nu-thai']",
                &["*"],
                "de's narrow hour in CLDR 48 (`1.234h`, V8 `1.234 Std.`)",
            ),
        ],
    );
}

#[test]
fn supported_values_display_names_and_their_errors_answer_as_v8_does() {
    intl_answers_as_workerd_does_but(
        "intl-values",
        &[(
            "d.of('zh-Hant')",
            &["*"],
            "zh-Hant is Traditional Mandarin Chinese in ICU4X's CLDR",
        )],
    );
}

#[test]
fn display_names_name_calendars_and_date_time_fields_as_v8_does() {
    intl_answers_as_workerd_does_but("intl-display-names", &[]);
}

#[test]
fn date_time_format_writes_flexible_day_periods_as_v8_does() {
    intl_answers_as_workerd_does_but("intl-day-periods", &[]);
}
