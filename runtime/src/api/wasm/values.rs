//! Values crossing between JavaScript and WebAssembly, and the errors WebAssembly raises.
//!
//! JavaScript (wasm.js) applies the JS API's coercions (`ToInt32`, `ToBigInt64`, `fround`,
//! references to and from their handles) before a value reaches Rust and after it leaves, so
//! here a value is already of its type: a number, a BigInt, `null`, a handle, or the index of
//! an external reference in the store's table.

use rquickjs::{BigInt, Class, Ctx, Exception, Value};
use wasmi::{AsContext, AsContextMut, ExternRef, Func, Nullable, Ref, TrapCode, Val, ValType};

use super::handle::{Entity, Held, WasmObject};
use super::store::{Host, WasmStore};
use std::rc::Rc;

/// The JS API's name of a value type (`WebAssembly.Global`'s `value`, a table's `element`).
pub fn type_name(ty: ValType) -> &'static str {
    match ty {
        ValType::I32 => "i32",
        ValType::I64 => "i64",
        ValType::F32 => "f32",
        ValType::F64 => "f64",
        ValType::V128 => "v128",
        ValType::FuncRef => "anyfunc",
        ValType::ExternRef => "externref",
    }
}

/// The value type a JS API descriptor names.
pub fn parse_type(name: &str) -> Option<ValType> {
    Some(match name {
        "i32" => ValType::I32,
        "i64" => ValType::I64,
        "f32" => ValType::F32,
        "f64" => ValType::F64,
        "v128" => ValType::V128,
        "anyfunc" | "funcref" => ValType::FuncRef,
        "externref" => ValType::ExternRef,
        _ => return None,
    })
}

/// A WebAssembly value from an already coerced JavaScript value.
pub fn to_wasm<'js>(
    ctx: &Ctx<'js>,
    mut store: impl AsContextMut<Data = Host>,
    ty: ValType,
    value: &Value<'js>,
) -> rquickjs::Result<Val> {
    let number = || value.as_number().unwrap_or(0.0);
    Ok(match ty {
        ValType::I32 => Val::I32(number() as i64 as i32),
        ValType::I64 => {
            let big = value
                .clone()
                .into_big_int()
                .ok_or_else(|| Exception::throw_type(ctx, "internal: i64 is not a BigInt"))?;
            Val::I64(big.to_i64()?)
        }
        ValType::F32 => Val::F32((number() as f32).into()),
        ValType::F64 => Val::F64(number().into()),
        ValType::V128 => {
            return Err(Exception::throw_type(
                ctx,
                "type incompatibility when transforming from/to JS",
            ));
        }
        ValType::FuncRef => Val::FuncRef(match Class::<WasmObject>::from_value(value) {
            Ok(handle) => match handle.borrow().held {
                Held::Entity(Entity::Func(f)) => Nullable::Val(f),
                _ => Nullable::Null,
            },
            Err(_) => Nullable::Null,
        }),
        ValType::ExternRef => {
            if value.is_null() {
                return Ok(Val::ExternRef(Nullable::Null));
            }
            let index = number() as u32;
            let mut s = store.as_context_mut();
            let found = s.data().extern_refs.get(&index).copied();
            let r = match found {
                Some(r) => r,
                None => {
                    let r = ExternRef::new(&mut s, index);
                    s.data_mut().extern_refs.insert(index, r);
                    r
                }
            };
            Val::ExternRef(Nullable::Val(r))
        }
    })
}

/// A reference for a table or a global, from an already coerced JavaScript value.
pub fn to_ref<'js>(
    ctx: &Ctx<'js>,
    store: impl AsContextMut<Data = Host>,
    ty: ValType,
    value: &Value<'js>,
) -> rquickjs::Result<Ref> {
    Ok(match to_wasm(ctx, store, ty, value)? {
        Val::FuncRef(f) => Ref::Func(f),
        Val::ExternRef(e) => Ref::Extern(e),
        _ => return Err(Exception::throw_type(ctx, "internal: not a reference")),
    })
}

/// The JavaScript value of a WebAssembly value (references as handles and indices).
pub fn to_js<'js>(
    ctx: &Ctx<'js>,
    store: &Rc<WasmStore>,
    js: &rquickjs::Object<'js>,
    value: &Val,
    context: impl AsContext<Data = Host>,
) -> rquickjs::Result<Value<'js>> {
    Ok(match value {
        Val::I32(v) => Value::new_int(ctx.clone(), *v),
        Val::I64(v) => BigInt::from_i64(ctx.clone(), *v)?.into_value(),
        Val::F32(v) => Value::new_float(ctx.clone(), f64::from(v.to_float())),
        Val::F64(v) => Value::new_float(ctx.clone(), v.to_float()),
        Val::V128(_) => {
            return Err(Exception::throw_type(
                ctx,
                "type incompatibility when transforming from/to JS",
            ));
        }
        Val::FuncRef(f) => match f.val() {
            Some(f) => func_handle(ctx, store, js, *f)?,
            None => Value::new_null(ctx.clone()),
        },
        Val::ExternRef(e) => match e.val() {
            Some(e) => {
                let index = e.data(&context).downcast_ref::<u32>().copied();
                Value::new_float(ctx.clone(), index.map_or(-1.0, f64::from))
            }
            None => Value::new_null(ctx.clone()),
        },
    })
}

/// The JavaScript value of a table entry.
pub fn ref_to_js<'js>(
    ctx: &Ctx<'js>,
    store: &Rc<WasmStore>,
    js: &rquickjs::Object<'js>,
    value: &Ref,
    context: impl AsContext<Data = Host>,
) -> rquickjs::Result<Value<'js>> {
    to_js(ctx, store, js, &Val::from(*value), context)
}

/// A handle for `func` of `store`.
pub fn func_handle<'js>(
    ctx: &Ctx<'js>,
    store: &Rc<WasmStore>,
    js: &rquickjs::Object<'js>,
    func: Func,
) -> rquickjs::Result<Value<'js>> {
    Ok(Class::instance(
        ctx.clone(),
        WasmObject::entity(store, js, Entity::Func(func)),
    )?
    .into_value())
}

/// What V8 says when WebAssembly traps (its `kWasmTrap*` messages).
pub fn trap_message(code: TrapCode) -> &'static str {
    match code {
        TrapCode::UnreachableCodeReached => "unreachable",
        TrapCode::MemoryOutOfBounds => "memory access out of bounds",
        TrapCode::TableOutOfBounds => "table index is out of bounds",
        TrapCode::IndirectCallToNull => "null function",
        TrapCode::IntegerDivisionByZero => "divide by zero",
        TrapCode::IntegerOverflow => "divide result unrepresentable",
        TrapCode::BadConversionToInteger => "float unrepresentable in integer range",
        TrapCode::StackOverflow => "Maximum call stack size exceeded",
        TrapCode::BadSignature => "null function or function signature mismatch",
        TrapCode::OutOfFuel => "interrupted",
        TrapCode::GrowthOperationLimited | TrapCode::OutOfSystemMemory => "Out of memory",
    }
}
