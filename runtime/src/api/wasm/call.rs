//! Calls across the boundary: JavaScript calling an exported function, and WebAssembly calling
//! a JavaScript import — with the CPU the WebAssembly used charged to the Worker, and what
//! either side threw arriving on the other as production's error.

use std::rc::Rc;

use rquickjs::function::Rest;
use rquickjs::{Array, Ctx, Exception, Function, Object, Value, qjs};
use wasmi::errors::ErrorKind;
use wasmi::{AsContextMut, Caller, Func, StoreContextMut, TrapCode, Val, ValType};

use super::store::{Host, WasmStore, enter_host};
use super::values::{to_js, to_wasm, trap_message};
use crate::engine::cpu::CpuMeter;

/// Simulated picoseconds of V8 CPU per unit of fuel (costs.rs weighs the operators): the
/// factor that minimises the worst ratio between edgesim's estimate and workerd's time over
/// the WebAssembly workloads of benches/calibration/corpus (README "CPU time").
pub const PS_PER_FUEL: u64 = 89;

/// Builds the error JavaScript sees (wasm.js `makeError(kind, message)`).
pub struct Errors<'js>(pub Function<'js>);

impl<'js> Errors<'js> {
    pub fn throw(&self, ctx: &Ctx<'js>, kind: &str, message: &str) -> rquickjs::Error {
        match self.0.call::<_, Value>((kind, message)) {
            Ok(error) => ctx.throw(error),
            Err(e) => e,
        }
    }
}

/// Erases a value's lifetime for the length of a call into WebAssembly, where it waits in the
/// store's [`Host`] for the host functions.
fn erase<'js>(js: &Object<'js>) -> Object<'static> {
    // SAFETY: the object is only read back while the call that stored it is on the stack (the
    // store's `js` is restored before `call` returns), and the handle that made the call holds
    // it alive meanwhile.
    unsafe { std::mem::transmute::<Object<'js>, Object<'static>>(js.clone()) }
}

/// Runs `f` — a call or an instantiation — in `store` on behalf of JavaScript: with the
/// store's JavaScript half where its host functions find it, the CPU it uses charged, the
/// memories it moved detached, and its failure as the JavaScript error production throws.
pub fn enter_wasm<'js, R>(
    ctx: &Ctx<'js>,
    meter: &CpuMeter,
    store: &Rc<WasmStore>,
    js: &Object<'js>,
    errors: &Errors<'js>,
    f: impl FnOnce(&mut StoreContextMut<'_, Host>) -> Result<R, wasmi::Error>,
) -> rquickjs::Result<R> {
    let outermost = !store.is_busy();
    let (result, thrown) = store.with(|mut s| {
        let previous = s.data_mut().js.replace(erase(js));
        if outermost {
            refuel(&mut s);
        }
        let result = f(&mut s);
        if outermost {
            charge_fuel(&mut s);
            if matches!(&result, Err(e) if e.as_trap_code() == Some(TrapCode::OutOfFuel)) {
                // Fuel is whole instructions: what the deadline left is less than one.
                let rest = meter.budget_left_ps();
                if rest != u64::MAX {
                    meter.charge_picos(rest);
                }
            }
        }
        s.data_mut().js = previous;
        let thrown = s.data_mut().thrown.take();
        s.data().buffers.clone().detach_moved(&s);
        (result, thrown)
    });
    match (result, thrown) {
        (Ok(out), _) => Ok(out),
        (Err(_), Some(thrown)) => {
            // SAFETY: the exception was caught in this context during this call.
            let thrown = unsafe { std::mem::transmute::<Value<'static>, Value<'js>>(thrown) };
            Err(ctx.throw(thrown))
        }
        (Err(e), None) => Err(failure(ctx, e, errors)),
    }
}

/// Gives the store as much fuel as the CPU deadline leaves time for.
fn refuel(s: &mut StoreContextMut<'_, Host>) {
    let fuel = s.data().meter.budget_left_ps() / PS_PER_FUEL;
    // Fails only when fuel metering is off, and the engine turns it on.
    let _ = s.set_fuel(fuel);
    s.data_mut().fuel_mark = fuel;
}

/// Charges the fuel burnt since the store was last refuelled or charged to the CPU meter.
fn charge_fuel(s: &mut StoreContextMut<'_, Host>) {
    let left = s.get_fuel().unwrap_or(0);
    let host = s.data_mut();
    let burnt = host.fuel_mark.saturating_sub(left);
    host.fuel_mark = left;
    host.meter.charge_picos(burnt.saturating_mul(PS_PER_FUEL));
}

/// Calls `func` with `args`; its results, or what it threw or trapped with.
pub fn call<'js>(
    ctx: &Ctx<'js>,
    meter: &CpuMeter,
    store: &Rc<WasmStore>,
    js: &Object<'js>,
    func: Func,
    args: &[Val],
    errors: &Errors<'js>,
) -> rquickjs::Result<Vec<Val>> {
    enter_wasm(ctx, meter, store, js, errors, |s| {
        let ty = func.ty(&*s);
        let mut out: Vec<Val> = ty
            .results()
            .iter()
            .map(|t| Val::default_for_ty(*t))
            .collect();
        func.call(s, args, &mut out)?;
        Ok(out)
    })
}

/// The JavaScript error for what stopped WebAssembly.
pub fn failure<'js>(ctx: &Ctx<'js>, error: wasmi::Error, errors: &Errors<'js>) -> rquickjs::Error {
    match error.as_trap_code() {
        Some(TrapCode::OutOfFuel) => out_of_cpu(ctx),
        Some(TrapCode::StackOverflow) => {
            Exception::throw_range(ctx, trap_message(TrapCode::StackOverflow))
        }
        Some(code) => errors.throw(ctx, "RuntimeError", trap_message(code)),
        None if matches!(error.kind(), ErrorKind::Instantiation(_)) => errors.throw(
            ctx,
            "LinkError",
            &format!("WebAssembly.Instance(): {error}"),
        ),
        None => errors.throw(ctx, "RuntimeError", &error.to_string()),
    }
}

/// What QuickJS's interrupt throws when the CPU deadline passes: uncatchable, so the turn ends
/// as exceeded CPU, as production ends it however deep in WebAssembly the Worker was.
fn out_of_cpu(ctx: &Ctx<'_>) -> rquickjs::Error {
    match Exception::from_message(ctx.clone(), "interrupted") {
        Ok(error) => {
            // SAFETY: the context and the error object are live for the call.
            unsafe { qjs::JS_SetUncatchableError(ctx.as_raw().as_ptr(), error.as_raw()) };
            ctx.throw(error.into_value())
        }
        Err(e) => e,
    }
}

/// The body of every host function: calls the JavaScript import `index` of the store's
/// JavaScript half (wasm.js adapts the user's function: it converts references and coerces the
/// results, returned as an array).
pub fn host_call(
    caller: &mut Caller<'_, Host>,
    index: u32,
    result_types: &[ValType],
    params: &[Val],
    results: &mut [Val],
) -> Result<(), wasmi::Error> {
    let (Some(js), Some(store)) = (caller.data().js.clone(), caller.data().store.upgrade()) else {
        return Err(wasmi::Error::new(
            "a WebAssembly import was called with no JavaScript caller",
        ));
    };
    caller.data().buffers.clone().detach_moved(&*caller);
    let ctx = js.ctx().clone();
    let args: rquickjs::Result<Vec<Value<'static>>> = params
        .iter()
        .map(|p| to_js(&ctx, &store, &js, p, &*caller))
        .collect();
    let called = args.and_then(|args| {
        let imports: Array = js.get("imports")?;
        let import: Function = imports.get(index as usize)?;
        // The meter counts JavaScript's CPU itself: WebAssembly's so far is charged first, and
        // what is left of the deadline after the import returns bounds the rest.
        charge_fuel(&mut caller.as_context_mut());
        let out = enter_host(caller, || import.call::<_, Array>((Rest(args),)));
        refuel(&mut caller.as_context_mut());
        out
    });
    let converted = called.and_then(|out| {
        for (i, (slot, ty)) in results.iter_mut().zip(result_types).enumerate() {
            let value: Value = out.get(i)?;
            *slot = to_wasm(&ctx, &mut *caller, *ty, &value)?;
        }
        Ok(())
    });
    caller.data().buffers.clone().detach_moved(&*caller);
    match converted {
        Ok(()) => Ok(()),
        Err(e) => {
            let thrown = match e {
                rquickjs::Error::Exception => ctx.catch(),
                other => Exception::from_message(ctx.clone(), &other.to_string())
                    .map(|e| e.into_value())
                    .unwrap_or_else(|_| Value::new_undefined(ctx.clone())),
            };
            caller.data_mut().thrown = Some(thrown);
            Err(wasmi::Error::new("a JavaScript import threw"))
        }
    }
}
