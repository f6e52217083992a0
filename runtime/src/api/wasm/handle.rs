//! The one native class behind every WebAssembly object JavaScript holds: `wasm.js` keeps a
//! handle in a `WeakMap` entry for each `WebAssembly.Module`, `Instance`, `Memory`, `Table`,
//! `Global` and exported function.

use std::rc::Rc;

use rquickjs::class::{JsClass, Readable, Trace, Tracer};
use rquickjs::{Constructor, Ctx, JsLifetime, Object};
use wasmi::{Func, Global, Memory, Table};

use super::store::{CompiledModule, WasmStore};

#[derive(Clone, Copy)]
pub enum Entity {
    Func(Func),
    Memory(Memory),
    Table(Table),
    Global(Global),
}

pub enum Held {
    Module(CompiledModule),
    Entity(Entity),
}

/// A module (no store), or an object of a store with the store's JavaScript half, which the
/// handle keeps alive for the garbage collector to see (wasm.js `storeObject`).
pub struct WasmObject<'js> {
    pub held: Held,
    pub store: Option<Rc<WasmStore>>,
    pub js: Option<Object<'js>>,
}

impl<'js> WasmObject<'js> {
    pub fn entity(store: &Rc<WasmStore>, js: &Object<'js>, entity: Entity) -> Self {
        WasmObject {
            held: Held::Entity(entity),
            store: Some(store.clone()),
            js: Some(js.clone()),
        }
    }
}

impl<'js> JsClass<'js> for WasmObject<'js> {
    const NAME: &'static str = "WebAssemblyHandle";
    type Mutable = Readable;

    fn constructor(_ctx: &Ctx<'js>) -> rquickjs::Result<Option<Constructor<'js>>> {
        Ok(None)
    }
}

impl<'js> Trace<'js> for WasmObject<'js> {
    fn trace<'a>(&self, tracer: Tracer<'a, 'js>) {
        if let Some(js) = &self.js {
            js.trace(tracer);
        }
    }
}

// SAFETY: the only lifetime-bound field is the `Object<'js>`, changed with it.
unsafe impl<'js> JsLifetime<'js> for WasmObject<'js> {
    type Changed<'to> = WasmObject<'to>;
}
