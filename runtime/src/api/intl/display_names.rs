//! `Intl.DisplayNames`: CLDR's names of languages, regions, scripts and currencies, from
//! ICU4X's experimental display-name data; of calendars and date-time fields, which ICU4X
//! lacks, from CLDR 47's (data/display_names.json.zlib, written by
//! runtime/intl-data/display-names.mjs), as V8's ICU reads them.

use std::collections::BTreeMap;

use icu_experimental::dimension::provider::currency::displayname::CurrencyDisplaynameV1;
use icu_experimental::displaynames::multi::{
    LocaleDisplayNamesFormatter, RegionDisplayNames, ScriptDisplayNames,
};
use icu_experimental::displaynames::{DisplayNamesOptions, LanguageDisplay, Style};
use icu_locale_core::subtags::{Region, Script};
use icu_locale_core::{DataLocale, Locale};
use icu_provider::prelude::*;

use super::{IntlError, LazyCldr};

/// The calendar and date-time field names of one CLDR locale.
#[derive(serde::Deserialize, Debug)]
struct LocaleNames {
    /// By ECMA-402's calendar code (`gregory`).
    calendars: BTreeMap<String, String>,
    /// By ECMA-402's field code (`weekOfYear`): long, short, narrow.
    fields: BTreeMap<String, [Option<String>; 3]>,
}

/// Read on the first calendar or field named.
static NAMES: LazyCldr<LocaleNames> = LazyCldr::new(include_bytes!("data/display_names.json.zlib"));

pub struct DisplayNames {
    locale: Locale,
    kind: String,
    options: DisplayNamesOptions,
}

impl DisplayNames {
    /// `kind` is ECMA-402's `type` (intl.js refuses the ones there is no data for); `style`
    /// long, short or narrow; `dialect` whether `languageDisplay` is `dialect`.
    pub fn new(locale: &Locale, kind: &str, style: &str, dialect: bool) -> Self {
        let mut options = DisplayNamesOptions::default();
        options.style = Some(match style {
            "short" => Style::Short,
            "narrow" => Style::Narrow,
            _ => Style::Long,
        });
        options.language_display = if dialect {
            LanguageDisplay::Dialect
        } else {
            LanguageDisplay::Standard
        };
        DisplayNames {
            locale: locale.clone(),
            kind: kind.to_string(),
            options,
        }
    }

    /// The name of `code` (already checked and canonicalized by intl.js), or `None` where CLDR
    /// has none.
    pub fn of(&self, code: &str) -> Result<Option<String>, IntlError> {
        let prefs = (&self.locale).into();
        Ok(match self.kind.as_str() {
            "region" => {
                let region = Region::try_from_str(code).map_err(|_| IntlError::Locale)?;
                RegionDisplayNames::try_new(prefs, self.options)?
                    .of(region)
                    .map(str::to_string)
            }
            "script" => {
                let script = Script::try_from_str(code).map_err(|_| IntlError::Locale)?;
                ScriptDisplayNames::try_new(prefs, self.options)?
                    .of(script)
                    .map(str::to_string)
            }
            "currency" => currency_name(&self.locale, code)?,
            "calendar" => {
                // CLDR's own key for `ethioaa`, which V8 names too.
                let code = if code == "ethiopic-amete-alem" {
                    "ethioaa"
                } else {
                    code
                };
                NAMES
                    .for_locale(&self.locale)
                    .and_then(|n| n.calendars.get(code).cloned())
            }
            "dateTimeField" => {
                let width = match self.options.style {
                    Some(Style::Short) => 1,
                    Some(Style::Narrow) => 2,
                    _ => 0,
                };
                let names = NAMES
                    .for_locale(&self.locale)
                    .and_then(|n| n.fields.get(code));
                names.and_then(|n| n[width].clone())
            }
            _ => {
                let locale = Locale::try_from_str(code).map_err(|_| IntlError::Locale)?;
                let f = LocaleDisplayNamesFormatter::try_new(prefs, self.options)?;
                let name = f.of(&locale).into_owned();
                (name != code).then_some(name)
            }
        })
    }
}

fn currency_name(locale: &Locale, code: &str) -> Result<Option<String>, IntlError> {
    let Ok(attributes) = DataMarkerAttributes::try_from_str(code) else {
        return Ok(None);
    };
    let data_locale = DataLocale::from(locale);
    let response: Option<DataResponse<CurrencyDisplaynameV1>> = icu_experimental::provider::Baked
        .load(DataRequest {
            id: DataIdentifierBorrowed::for_marker_attributes_and_locale(attributes, &data_locale),
            ..Default::default()
        })
        .allow_identifier_not_found()?;
    Ok(response.map(|r| r.payload.get().to_string()))
}
