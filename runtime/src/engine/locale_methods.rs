//! The built-ins' locale-sensitive methods (`Number.prototype.toLocaleString`,
//! `String.prototype.localeCompare`, …), which ECMA-402 redefines over Intl. Each is a QuickJS
//! C function made here at start, carrying the core's `localeMethod` as its data and its
//! index as its magic number: called, it calls `localeMethod(index, this, a, b, c)`, which
//! loads the intl unit on first use. Defined natively, a start pays a few C function objects
//! for them rather than running JavaScript that makes and defines nine closures.

use std::ffi::{CString, c_int};

use rquickjs::{Ctx, Function, Object, Value, qjs};

use super::ops::Hidden;

/// A method: the global whose prototype has it, its name and its `length`.
pub struct LocaleMethod {
    pub global: &'static str,
    pub name: &'static str,
    pub length: u8,
}

/// Defines each of `methods` on its global's prototype, calling `locale_method` with its
/// index in `methods`.
pub fn install<'js>(
    ctx: &Ctx<'js>,
    global: &Object<'js>,
    locale_method: &Function<'js>,
    methods: &[LocaleMethod],
) -> rquickjs::Result<()> {
    for (index, method) in methods.iter().enumerate() {
        let constructor: Object = global.get(method.global)?;
        let prototype: Object = constructor.get("prototype")?;
        let name = CString::new(method.name).map_err(|_| rquickjs::Error::Exception)?;
        let mut data = [locale_method.as_value().as_raw()];
        // SAFETY: `data` holds one live value of this context, which QuickJS duplicates into
        // the new function; `name` outlives the call, which copies it; the result is owned and
        // handed to `Value::from_raw` unless it is the exception marker.
        let function = unsafe {
            let f = qjs::JS_NewCFunctionData2(
                ctx.as_raw().as_ptr(),
                Some(call_locale_method),
                name.as_ptr(),
                c_int::from(method.length),
                index as c_int,
                1,
                data.as_mut_ptr(),
            );
            if qjs::JS_IsException(f) {
                return Err(rquickjs::Error::Exception);
            }
            Value::from_raw(ctx.clone(), f)
        };
        prototype.prop(method.name, Hidden::Value(function))?;
    }
    Ok(())
}

/// The method: `data[0]` is `localeMethod`, `magic` the method's index.
unsafe extern "C" fn call_locale_method(
    ctx: *mut qjs::JSContext,
    this: qjs::JSValue,
    argc: c_int,
    argv: *mut qjs::JSValue,
    magic: c_int,
    data: *mut qjs::JSValue,
) -> qjs::JSValue {
    // SAFETY: QuickJS calls this with its live context, `argc` live arguments at `argv` and the
    // one data value the function was made with; the arguments passed on are borrowed for the
    // call (JS_Call does not take them), and the index is an integer, which owns nothing.
    unsafe {
        let arg = |i: c_int| {
            if i < argc {
                *argv.offset(i as isize)
            } else {
                qjs::JS_UNDEFINED
            }
        };
        let mut args = [
            qjs::JS_MKVAL(qjs::JS_TAG_INT, magic),
            this,
            arg(0),
            arg(1),
            arg(2),
        ];
        qjs::JS_Call(
            ctx,
            *data,
            qjs::JS_UNDEFINED,
            args.len() as c_int,
            args.as_mut_ptr(),
        )
    }
}
