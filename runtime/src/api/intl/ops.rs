//! The ops behind intl.js: each constructor's resolved options in, one native object out, and
//! the calls that format with it.

use icu_casemap::CaseMapper;
use icu_locale_core::{LanguageIdentifier, Locale};
use rquickjs::class::{JsClass, Readable, Trace, Tracer};
use rquickjs::{Array, Class, Constructor, Ctx, Exception, JsLifetime, Object, Value};

use super::collator::IntlCollator;
use super::date::{DateOptions, DateTimeFormat, canonical_time_zone};
use super::display_names::DisplayNames;
use super::number::{NumberFormat, NumberOptions};
use super::parts::Parts;
use super::patterns::Component;
use super::plural::IntlPluralRules;
use super::text::{RelativeTime, format_list, list_formatter, segment};
use super::{IntlError, locale};
use crate::engine::catalog::OpSet;

/// The native half of an `Intl` object.
pub enum IntlObject {
    Number(Box<NumberFormat>),
    Collator(IntlCollator),
    Plural(Box<IntlPluralRules>),
    Date(Box<DateTimeFormat>),
    List(Box<icu_list::ListFormatter>),
    Relative(RelativeTime),
    Names(DisplayNames),
}

impl<'js> JsClass<'js> for IntlObject {
    const NAME: &'static str = "IntlHandle";
    type Mutable = Readable;

    fn constructor(_ctx: &Ctx<'js>) -> rquickjs::Result<Option<Constructor<'js>>> {
        Ok(None)
    }
}

impl<'js> Trace<'js> for IntlObject {
    fn trace<'a>(&self, _tracer: Tracer<'a, 'js>) {}
}

// SAFETY: it holds no JavaScript value.
unsafe impl<'js> JsLifetime<'js> for IntlObject {
    type Changed<'to> = IntlObject;
}

type Handle<'js> = Class<'js, IntlObject>;

fn throw(ctx: &Ctx<'_>, e: IntlError) -> rquickjs::Error {
    Exception::throw_range(ctx, &e.to_string())
}

/// The options intl.js resolved, as JSON.
fn resolved<T: serde::de::DeserializeOwned>(ctx: &Ctx<'_>, json: &str) -> rquickjs::Result<T> {
    serde_json::from_str(json).map_err(|e| throw(ctx, IntlError::Options(format!("internal: {e}"))))
}

fn parse_locale(ctx: &Ctx<'_>, tag: &str) -> rquickjs::Result<Locale> {
    Locale::try_from_str(tag).map_err(|_| throw(ctx, IntlError::Locale))
}

fn wrong_object(ctx: &Ctx<'_>) -> rquickjs::Error {
    Exception::throw_type(ctx, "internal: not an Intl object of this kind")
}

/// `format` joins the runs; `formatToParts` gets `[type, value]` pairs.
fn parts_value<'js>(ctx: &Ctx<'js>, parts: Parts, as_parts: bool) -> rquickjs::Result<Value<'js>> {
    if !as_parts {
        return rquickjs::String::from_str(ctx.clone(), &parts.text()).map(|s| s.into_value());
    }
    parts_array(
        ctx,
        parts
            .runs
            .into_iter()
            .map(|(kind, text)| (kind, text, None)),
    )
}

/// `[type, value]` for each run, or `[type, value, source]` where the run has a source.
fn parts_array<'js>(
    ctx: &Ctx<'js>,
    runs: impl Iterator<Item = (Option<&'static str>, String, Option<&'static str>)>,
) -> rquickjs::Result<Value<'js>> {
    let out = Array::new(ctx.clone())?;
    for (i, (kind, text, source)) in runs.enumerate() {
        let entry = Array::new(ctx.clone())?;
        entry.set(0, kind.unwrap_or("literal"))?;
        entry.set(1, text)?;
        if let Some(source) = source {
            entry.set(2, source)?;
        }
        out.set(i, entry)?;
    }
    Ok(out.into_value())
}

pub fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    install_locales(ops)?;
    install_number(ops)?;
    install_collator(ops)?;
    install_plural(ops)?;
    install_date(ops)?;
    install_text(ops)
}

fn install_text<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    ops.add(
        "intlListFormat",
        |ctx: Ctx<'js>,
         tag: String,
         kind: String,
         style: String|
         -> rquickjs::Result<Handle<'js>> {
            let l = parse_locale(&ctx, &tag)?;
            let f = list_formatter(&l, &kind, &style).map_err(|e| throw(&ctx, e))?;
            Class::instance(ctx, IntlObject::List(Box::new(f)))
        },
    )?;
    ops.add(
        "intlFormatList",
        |ctx: Ctx<'js>,
         h: Handle<'js>,
         items: Vec<String>,
         as_parts: bool|
         -> rquickjs::Result<Value<'js>> {
            let parts = match &*h.borrow() {
                IntlObject::List(f) => format_list(f, &items),
                _ => return Err(wrong_object(&ctx)),
            };
            parts_value(&ctx, parts, as_parts)
        },
    )?;
    ops.add(
        "intlRelativeTimeFormat",
        |ctx: Ctx<'js>,
         tag: String,
         style: String,
         numeric: String|
         -> rquickjs::Result<Handle<'js>> {
            let l = parse_locale(&ctx, &tag)?;
            Class::instance(
                ctx,
                IntlObject::Relative(RelativeTime::new(&l, &style, &numeric)),
            )
        },
    )?;
    ops.add(
        "intlFormatRelative",
        |ctx: Ctx<'js>,
         h: Handle<'js>,
         value: String,
         unit: String,
         as_parts: bool|
         -> rquickjs::Result<Value<'js>> {
            let parts = match &*h.borrow() {
                IntlObject::Relative(f) => f.format(&value, &unit).map_err(|e| throw(&ctx, e))?,
                _ => return Err(wrong_object(&ctx)),
            };
            parts_value(&ctx, parts, as_parts)
        },
    )?;
    ops.add(
        "intlDisplayNames",
        |ctx: Ctx<'js>,
         tag: String,
         kind: String,
         style: String,
         dialect: bool|
         -> rquickjs::Result<Handle<'js>> {
            let l = parse_locale(&ctx, &tag)?;
            Class::instance(
                ctx,
                IntlObject::Names(DisplayNames::new(&l, &kind, &style, dialect)),
            )
        },
    )?;
    ops.add(
        "intlDisplayName",
        |ctx: Ctx<'js>, h: Handle<'js>, code: String| -> rquickjs::Result<Option<String>> {
            match &*h.borrow() {
                IntlObject::Names(n) => n.of(&code).map_err(|e| throw(&ctx, e)),
                _ => Err(wrong_object(&ctx)),
            }
        },
    )?;
    ops.add(
        "intlSegment",
        |text: rquickjs::String<'js>, granularity: String| -> rquickjs::Result<Vec<f64>> {
            let units: Vec<u16> = text.to_string()?.encode_utf16().collect();
            Ok(segment(&units, &granularity)
                .into_iter()
                .flat_map(|(start, word_like)| [start as f64, if word_like { 1.0 } else { 0.0 }])
                .collect())
        },
    )
}

fn install_date<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    ops.add("intlTimeZone", |name: String| canonical_time_zone(&name))?;
    ops.add(
        "intlDateTimeFormat",
        |ctx: Ctx<'js>, tag: String, options: String| -> rquickjs::Result<Handle<'js>> {
            let l = parse_locale(&ctx, &tag)?;
            let options: DateOptions = resolved(&ctx, &options)?;
            let f = DateTimeFormat::new(&l, &options).map_err(|e| throw(&ctx, e))?;
            Class::instance(ctx, IntlObject::Date(Box::new(f)))
        },
    )?;
    // The components a format's CLDR pattern shows, by option name (`null` where it writes
    // ICU4X's field sets).
    ops.add(
        "intlDateComponents",
        |ctx: Ctx<'js>, h: Handle<'js>| -> rquickjs::Result<Option<Object<'js>>> {
            let components = match &*h.borrow() {
                IntlObject::Date(f) => f.pattern_components(),
                _ => return Err(wrong_object(&ctx)),
            };
            let Some(components) = components else {
                return Ok(None);
            };
            let out = Object::new(ctx)?;
            for (option, value) in components {
                match value {
                    Component::Value(text) => out.set(option, text)?,
                    Component::Digits(n) => out.set(option, n as u32)?,
                }
            }
            Ok(Some(out))
        },
    )?;
    ops.add(
        "intlFormatDateRange",
        |ctx: Ctx<'js>,
         h: Handle<'js>,
         start_ms: f64,
         end_ms: f64,
         as_parts: bool|
         -> rquickjs::Result<Value<'js>> {
            let runs = match &*h.borrow() {
                IntlObject::Date(f) => f.format_range(start_ms, end_ms),
                _ => return Err(wrong_object(&ctx)),
            };
            if !as_parts {
                let text: String = runs.iter().map(|(p, _)| p.text()).collect();
                return rquickjs::String::from_str(ctx, &text).map(|s| s.into_value());
            }
            let runs = runs.into_iter().flat_map(|(parts, source)| {
                parts
                    .runs
                    .into_iter()
                    .map(move |(kind, text)| (kind, text, Some(source)))
            });
            parts_array(&ctx, runs)
        },
    )?;
    ops.add(
        "intlFormatDate",
        |ctx: Ctx<'js>,
         h: Handle<'js>,
         epoch_ms: f64,
         as_parts: bool|
         -> rquickjs::Result<Value<'js>> {
            let parts = match &*h.borrow() {
                IntlObject::Date(f) => f.format(epoch_ms),
                _ => return Err(wrong_object(&ctx)),
            };
            parts_value(&ctx, parts, as_parts)
        },
    )
}

fn install_locales<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    ops.add(
        "intlCanonicalize",
        |ctx: Ctx<'js>, tag: String| -> rquickjs::Result<String> {
            match locale::canonicalize(&tag) {
                Some(l) => Ok(l.to_string()),
                None => Err(Exception::throw_range(
                    &ctx,
                    &format!("Invalid language tag: {tag}"),
                )),
            }
        },
    )?;
    ops.add("intlIsAvailable", |tag: String| {
        Locale::try_from_str(&tag).is_ok_and(|l| locale::is_available(&l))
    })?;
    ops.add(
        "intlResolve",
        |requested: Vec<String>, keys: Vec<String>| {
            locale::resolve(&requested, |key| keys.iter().any(|k| k == key)).to_string()
        },
    )?;
    ops.add(
        "intlLikely",
        |ctx: Ctx<'js>, tag: String, maximize: bool| -> rquickjs::Result<String> {
            let l = parse_locale(&ctx, &tag)?;
            Ok(if maximize {
                locale::maximize(&l)
            } else {
                locale::minimize(&l)
            }
            .to_string())
        },
    )?;
    ops.add("intlSupportedValues", |key: String| {
        super::values::supported_values(&key).map(|v| v.to_vec())
    })?;
    ops.add("intlNumberingSystem", |tag: String| {
        Locale::try_from_str(&tag).map_or("latn", |l| locale::default_numbering_system(&l))
    })?;
    ops.add(
        "intlChangeCase",
        |text: String, tag: String, upper: bool| -> String {
            let id = Locale::try_from_str(&tag)
                .map(|l| l.id)
                .unwrap_or(LanguageIdentifier::UNKNOWN);
            let mapper = CaseMapper::new();
            if upper {
                mapper.uppercase_to_string(&text, &id).into_owned()
            } else {
                mapper.lowercase_to_string(&text, &id).into_owned()
            }
        },
    )
}

fn install_number<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    ops.add(
        "intlNumberFormat",
        |ctx: Ctx<'js>, tag: String, options: String| -> rquickjs::Result<Handle<'js>> {
            let l = parse_locale(&ctx, &tag)?;
            let options: NumberOptions = resolved(&ctx, &options)?;
            let f = NumberFormat::new(&l, options).map_err(|e| throw(&ctx, e))?;
            Class::instance(ctx, IntlObject::Number(Box::new(f)))
        },
    )?;
    ops.add(
        "intlFormatNumber",
        |ctx: Ctx<'js>,
         h: Handle<'js>,
         value: String,
         as_parts: bool|
         -> rquickjs::Result<Value<'js>> {
            let parts = match &*h.borrow() {
                IntlObject::Number(f) => f.format(&value),
                _ => return Err(wrong_object(&ctx)),
            };
            parts_value(&ctx, parts, as_parts)
        },
    )
}

fn install_collator<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    ops.add(
        "intlCollator",
        |ctx: Ctx<'js>,
         tag: String,
         sensitivity: String,
         ignore_punctuation: bool|
         -> rquickjs::Result<Handle<'js>> {
            let l = parse_locale(&ctx, &tag)?;
            let c = IntlCollator::new(&l, &sensitivity, ignore_punctuation)
                .map_err(|e| throw(&ctx, e))?;
            Class::instance(ctx, IntlObject::Collator(c))
        },
    )?;
    ops.add(
        "intlCompare",
        |ctx: Ctx<'js>, h: Handle<'js>, a: String, b: String| -> rquickjs::Result<i32> {
            match &*h.borrow() {
                IntlObject::Collator(c) => Ok(c.compare(&a, &b)),
                _ => Err(wrong_object(&ctx)),
            }
        },
    )
}

fn install_plural<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    ops.add(
        "intlPluralRules",
        |ctx: Ctx<'js>,
         tag: String,
         ordinal: bool,
         options: String|
         -> rquickjs::Result<Handle<'js>> {
            let l = parse_locale(&ctx, &tag)?;
            let options: NumberOptions = resolved(&ctx, &options)?;
            let p = IntlPluralRules::new(&l, ordinal, options).map_err(|e| throw(&ctx, e))?;
            Class::instance(ctx, IntlObject::Plural(Box::new(p)))
        },
    )?;
    ops.add(
        "intlPluralSelect",
        |ctx: Ctx<'js>, h: Handle<'js>, value: String| -> rquickjs::Result<&'static str> {
            match &*h.borrow() {
                IntlObject::Plural(p) => Ok(p.select(&value)),
                _ => Err(wrong_object(&ctx)),
            }
        },
    )?;
    ops.add(
        "intlPluralCategories",
        |ctx: Ctx<'js>, h: Handle<'js>| -> rquickjs::Result<Vec<&'static str>> {
            match &*h.borrow() {
                IntlObject::Plural(p) => Ok(p.categories()),
                _ => Err(wrong_object(&ctx)),
            }
        },
    )
}
