//! Language tags: parsing and canonicalizing as ECMA-402's `CanonicalizeLocaleList`, which
//! locales have data (V8's available locales are ICU's, ICU4X's here), and likely subtags.

use icu_locale::{LocaleCanonicalizer, LocaleExpander, TransformResult};
use icu_locale_core::{LanguageIdentifier, Locale};

/// Production's default locale (workerd has no other).
pub const DEFAULT_LOCALE: &str = "en-US";

thread_local! {
    static CANONICALIZER: LocaleCanonicalizer = const { LocaleCanonicalizer::new_extended() };
    static EXPANDER: LocaleExpander = const { LocaleExpander::new_extended() };
}

/// `tag` as a canonical Unicode BCP 47 locale, or `None` where it is not a well-formed tag
/// (V8 answers `Invalid language tag: …`).
pub fn canonicalize(tag: &str) -> Option<Locale> {
    // ICU4X also reads `_` as a separator; BCP 47 (and V8) do not.
    if tag.is_empty() || tag.contains('_') || !tag.is_ascii() {
        return None;
    }
    let mut locale = Locale::try_from_str(tag).ok()?;
    CANONICALIZER.with(|c| c.canonicalize(&mut locale));
    Some(locale)
}

/// Whether there is locale data for `locale`'s language (a language CLDR knows the likely
/// script and region of); others resolve to the default locale.
pub fn is_available(locale: &Locale) -> bool {
    if locale.id.language.is_unknown() {
        return false;
    }
    let mut id = LanguageIdentifier::from(locale.id.language);
    EXPANDER.with(|e| e.maximize(&mut id)) == TransformResult::Modified || id.script.is_some()
}

pub fn maximize(locale: &Locale) -> Locale {
    let mut out = locale.clone();
    EXPANDER.with(|e| e.maximize(&mut out.id));
    out
}

pub fn minimize(locale: &Locale) -> Locale {
    let mut out = locale.clone();
    EXPANDER.with(|e| e.minimize(&mut out.id));
    out
}

/// The first of `requested` (already canonical) there is data for, or the default locale; its
/// Unicode extension keys are kept only where `keep` says so (each service keeps its own).
pub fn resolve(requested: &[String], keep: impl Fn(&str) -> bool) -> Locale {
    let found = requested
        .iter()
        .filter_map(|tag| Locale::try_from_str(tag).ok())
        .find(is_available);
    let mut locale =
        found.unwrap_or_else(|| Locale::try_from_str(DEFAULT_LOCALE).unwrap_or(Locale::UNKNOWN));
    locale
        .extensions
        .unicode
        .keywords
        .retain_by_key(|key| keep(key.as_str()));
    locale.extensions.transform.clear();
    locale.extensions.private.clear();
    locale.extensions.other.clear();
    locale.extensions.unicode.attributes.clear();
    locale
}

/// CLDR's default numbering system where it is not `latn` (ICU4X picks the same digits when
/// formatting; this names them for `resolvedOptions`).
pub fn default_numbering_system(locale: &Locale) -> &'static str {
    let region = locale.id.region.map(|r| r.to_string());
    match (locale.id.language.as_str(), region.as_deref()) {
        ("ar", Some("AE" | "DZ" | "EH" | "LY" | "MA" | "TN")) => "latn",
        ("ar", _) | ("ckb", _) | ("sdh", _) => "arab",
        ("fa", _) | ("ps", _) | ("ur", Some("IN")) | ("ks", _) | ("sd", _) | ("uz", Some("AF")) => {
            "arabext"
        }
        ("bn", _) | ("as", _) | ("mni", _) => "beng",
        ("mr", _) | ("ne", _) | ("sa", _) | ("bgc", _) | ("raj", _) => "deva",
        ("my", _) => "mymr",
        ("dz", _) => "tibt",
        ("sat", _) => "olck",
        _ => "latn",
    }
}

/// The CLDR locale ids whose data `locale` reads, best first: itself, its likely script and
/// region, its region, its language alone.
pub fn cldr_candidates(locale: &Locale) -> Vec<String> {
    let id = &locale.id;
    let mut max = id.clone();
    EXPANDER.with(|e| e.maximize(&mut max));
    let language = id.language.as_str();
    let mut tries: Vec<String> = vec![id.to_string()];
    if let (Some(s), Some(r)) = (max.script, max.region) {
        tries.push(format!("{language}-{s}-{r}"));
        tries.push(format!("{language}-{s}"));
    }
    if let Some(r) = id.region {
        tries.push(format!("{language}-{r}"));
    }
    tries.push(language.to_string());
    tries
}
