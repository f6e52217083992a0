//! Intl: the `Intl` namespace and the locale-sensitive methods of the built-ins (intl.js) over
//! ICU4X and its compiled CLDR data. V8 formats with ICU4C over the same CLDR, so the answers are
//! the same bytes where the two libraries agree (conformance/tests/differential_snippets.rs
//! lists where they do not).
//!
//! intl.js resolves a constructor's options as ECMA-402 says, with V8's error texts, and hands
//! the result here once; each formatter is then one native object (`IntlObject`) that formats
//! into parts, which `format` joins.

mod collator;
mod date;
mod day_periods;
mod display_names;
mod locale;
mod number;
mod ops;
mod parts;
mod patterns;
mod plural;
mod ranges;
mod text;
mod units;
mod values;

use crate::engine::catalog::OpGroup;
use crate::engine::locale_methods::LocaleMethod;

/// The ops behind `Intl.*`.
pub const OPS: OpGroup = OpGroup {
    name: "intl",
    install: ops::install,
};

/// The built-ins' methods ECMA-402 redefines, in the order namespace.js's `localeMethod`
/// answers them (engine::locale_methods defines them at start).
pub const LOCALE_METHODS: [LocaleMethod; 9] = [
    LocaleMethod {
        global: "Number",
        name: "toLocaleString",
        length: 0,
    },
    LocaleMethod {
        global: "BigInt",
        name: "toLocaleString",
        length: 0,
    },
    LocaleMethod {
        global: "Array",
        name: "toLocaleString",
        length: 0,
    },
    LocaleMethod {
        global: "Date",
        name: "toLocaleString",
        length: 0,
    },
    LocaleMethod {
        global: "Date",
        name: "toLocaleDateString",
        length: 0,
    },
    LocaleMethod {
        global: "Date",
        name: "toLocaleTimeString",
        length: 0,
    },
    LocaleMethod {
        global: "String",
        name: "localeCompare",
        length: 1,
    },
    LocaleMethod {
        global: "String",
        name: "toLocaleUpperCase",
        length: 0,
    },
    LocaleMethod {
        global: "String",
        name: "toLocaleLowerCase",
        length: 0,
    },
];

/// Why a formatter could not be made from options intl.js already checked.
#[derive(Debug, thiserror::Error)]
pub enum IntlError {
    #[error("Incorrect locale information provided")]
    Locale,
    #[error("Internal error. Icu error.")]
    Data(#[from] icu_provider::DataError),
    #[error("{0}")]
    Options(String),
}

/// CLDR data the runtime carries compressed (data/*.json.zlib), by locale: each CLDR locale
/// names one of the blobs, which locales with the same data share.
#[derive(serde::Deserialize)]
struct CldrData<T> {
    locales: std::collections::BTreeMap<String, usize>,
    blobs: Vec<T>,
}

/// A data file of [`CldrData`], inflated on its first use and kept for the process (a static).
struct LazyCldr<T> {
    compressed: &'static [u8],
    data: std::sync::OnceLock<Option<CldrData<T>>>,
}

impl<T: serde::de::DeserializeOwned> LazyCldr<T> {
    const fn new(compressed: &'static [u8]) -> Self {
        LazyCldr {
            compressed,
            data: std::sync::OnceLock::new(),
        }
    }

    fn data(&self) -> Option<&CldrData<T>> {
        self.data
            .get_or_init(|| CldrData::read(self.compressed))
            .as_ref()
    }

    /// The entry of the CLDR locale whose data `locale` reads.
    fn for_locale(&self, locale: &icu_locale_core::Locale) -> Option<&T> {
        self.data()?.for_locale(locale)
    }
}

impl<T: serde::de::DeserializeOwned> CldrData<T> {
    /// Inflated and parsed from `compressed`.
    fn read(compressed: &[u8]) -> Option<Self> {
        use std::io::Read;
        let mut json = Vec::new();
        flate2::read::ZlibDecoder::new(compressed)
            .read_to_end(&mut json)
            .ok()?;
        serde_json::from_slice(&json).ok()
    }

    /// The entry of the CLDR locale whose data `locale` reads.
    fn for_locale(&self, locale: &icu_locale_core::Locale) -> Option<&T> {
        let index = locale::cldr_candidates(locale)
            .iter()
            .find_map(|t| self.locales.get(t))?;
        self.blobs.get(*index)
    }
}
