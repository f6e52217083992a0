//! The globals each unit of the catalog defines, present before their unit loads.
//!
//! A global such as `ReadableStream` must exist from the first line of a Worker, but its unit
//! should load only if the Worker touches it. Each is an accessor, on the global object, whose one
//! function is getter and setter and calls the core's `lazyGlobal` (api/global_scope/units.js), which loads
//! the unit (turning the accessor into the data property every global is) or keeps what the Worker
//! assigned. The functions are QuickJS C functions carrying that callback as their data and their
//! global's index as their magic number: a start defines some seventy of them, and a C function
//! costs a fraction of a closure built in JavaScript plus a native call to define it.

use std::ffi::c_int;
use std::ptr::NonNull;

use rquickjs::{Ctx, Function, JsLifetime, Object, Value, qjs};

use super::catalog::Catalog;
use super::ops::Hidden;

/// The isolate's catalog, where the accessors find the names behind their index.
struct CatalogRef(&'static Catalog);

// SAFETY: it holds no JavaScript value, so it is the same type for every lifetime.
unsafe impl<'js> JsLifetime<'js> for CatalogRef {
    type Changed<'to> = CatalogRef;
}

/// Defines every unit's globals on `global` as accessors calling `lazy_global(unit, name)` when
/// read and `lazy_global(unit, name, value)` when assigned.
pub fn install<'js>(
    ctx: &Ctx<'js>,
    global: &Object<'js>,
    lazy_global: &Function<'js>,
    catalog: &'static Catalog,
    compat_flags: &[String],
) -> rquickjs::Result<()> {
    if ctx.store_userdata(CatalogRef(catalog)).is_err() {
        return Err(rquickjs::Error::new_loading_message(
            "edgesim:internal",
            "the catalog is in use",
        ));
    }
    let names = catalog.units.iter().flat_map(|u| {
        let defined = u
            .globals_flag
            .is_none_or(|flag| compat_flags.iter().any(|f| f == flag));
        u.globals.iter().map(move |name| (name, defined))
    });
    for (index, (&name, defined)) in names.enumerate() {
        if !defined {
            continue;
        }
        let mut data = [lazy_global.as_value().as_raw()];
        // SAFETY: `data` holds one live value of this context; QuickJS duplicates it into the new
        // function (which keeps it for as long as it lives); the result is owned, and handed to
        // `Value::from_raw` unless it is the exception marker.
        let access = unsafe {
            let f = qjs::JS_NewCFunctionData(
                ctx.as_raw().as_ptr(),
                Some(call_lazy_global),
                1,
                index as c_int,
                1,
                data.as_mut_ptr(),
            );
            if qjs::JS_IsException(f) {
                return Err(rquickjs::Error::Exception);
            }
            Value::from_raw(ctx.clone(), f)
        };
        global.prop(name, Hidden::GetSet(access))?;
    }
    Ok(())
}

/// The accessor: `data[0]` is `lazyGlobal`, `magic` the global's index.
unsafe extern "C" fn call_lazy_global(
    ctx: *mut qjs::JSContext,
    _this: qjs::JSValue,
    argc: c_int,
    argv: *mut qjs::JSValue,
    magic: c_int,
    data: *mut qjs::JSValue,
) -> qjs::JSValue {
    let Some(raw) = NonNull::new(ctx) else {
        return qjs::JS_UNDEFINED;
    };
    // SAFETY: QuickJS calls this with its live context.
    let catalog = unsafe { Ctx::from_raw(raw) }
        .userdata::<CatalogRef>()
        .map(|c| c.0);
    let entry = catalog.zip(usize::try_from(magic).ok());
    let Some((unit, name)) = entry.and_then(|(c, index)| c.global(index)) else {
        return qjs::JS_UNDEFINED;
    };
    // SAFETY: QuickJS calls this with its context, `argc` live arguments at `argv` and the one
    // data value the function was made with; the two strings made here are freed before
    // returning, and the arguments and data stay owned by the caller.
    unsafe {
        let unit = qjs::JS_NewStringLen(ctx, unit.as_ptr().cast(), unit.len() as _);
        let name = qjs::JS_NewStringLen(ctx, name.as_ptr().cast(), name.len() as _);
        let result = if qjs::JS_IsException(unit) || qjs::JS_IsException(name) {
            qjs::JS_EXCEPTION
        } else {
            let assigning = argc > 0;
            let value = if assigning { *argv } else { qjs::JS_UNDEFINED };
            let mut args = [unit, name, value];
            let count = if assigning { 3 } else { 2 };
            qjs::JS_Call(ctx, *data, qjs::JS_UNDEFINED, count, args.as_mut_ptr())
        };
        qjs::JS_FreeValue(ctx, unit);
        qjs::JS_FreeValue(ctx, name);
        result
    }
}
