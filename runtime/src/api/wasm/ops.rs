//! The ops behind wasm.js. Argument checks and the JS API's coercions live there; these take
//! values already of their types and handles (handle.rs) for WebAssembly objects.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use rquickjs::{Array, ArrayBuffer, Class, Ctx, Exception, Function, Object, TypedArray, Value};
use wasmi::{
    Extern, ExternType, Func, Global, Instance, Memory, MemoryType, Module, Mutability, RefType,
    Table, TableType, ValType,
};

use super::call::{Errors, call, enter_wasm, host_call};
use super::handle::{Entity, Held, WasmObject};
use super::store::{CompiledModule, ExportName, WasmStore, engine, registered};
use super::values::{parse_type, ref_to_js, to_js, to_ref, to_wasm, type_name};
use crate::engine::catalog::OpSet;
use crate::engine::cpu::CpuMeter;
use crate::engine::ops::copy_bytes;

type Handle<'js> = Class<'js, WasmObject<'js>>;

fn internal(ctx: &Ctx<'_>, what: &str) -> rquickjs::Error {
    Exception::throw_type(ctx, &format!("internal: {what}"))
}

fn module_of<'js>(ctx: &Ctx<'js>, h: &Handle<'js>) -> rquickjs::Result<CompiledModule> {
    match &h.borrow().held {
        Held::Module(m) => Ok(m.clone()),
        Held::Entity(_) => Err(internal(ctx, "not a module")),
    }
}

/// The entity of a store's handle, its store and the store's JavaScript half.
fn entity_of<'js>(
    ctx: &Ctx<'js>,
    h: &Handle<'js>,
) -> rquickjs::Result<(Entity, Rc<WasmStore>, Object<'js>)> {
    let b = h.borrow();
    match (&b.held, &b.store, &b.js) {
        (Held::Entity(e), Some(s), Some(js)) => Ok((*e, s.clone(), js.clone())),
        _ => Err(internal(ctx, "not a store object")),
    }
}

fn new_handle<'js>(
    ctx: &Ctx<'js>,
    store: &Rc<WasmStore>,
    js: &Object<'js>,
    entity: Entity,
) -> rquickjs::Result<Value<'js>> {
    Ok(Class::instance(ctx.clone(), WasmObject::entity(store, js, entity))?.into_value())
}

fn kind_name(ty: &ExternType) -> &'static str {
    match ty {
        ExternType::Func(_) => "function",
        ExternType::Table(_) => "table",
        ExternType::Memory(_) => "memory",
        ExternType::Global(_) => "global",
    }
}

fn type_names<'js>(ctx: &Ctx<'js>, types: &[ValType]) -> rquickjs::Result<Array<'js>> {
    let out = Array::new(ctx.clone())?;
    for (i, t) in types.iter().enumerate() {
        out.set(i, type_name(*t))?;
    }
    Ok(out)
}

/// What JavaScript needs to know of an import or export to check and adapt it.
fn describe<'js>(ctx: &Ctx<'js>, ty: &ExternType) -> rquickjs::Result<Value<'js>> {
    let out = Array::new(ctx.clone())?;
    match ty {
        ExternType::Func(f) => {
            out.set(0, type_names(ctx, f.params())?)?;
            out.set(1, type_names(ctx, f.results())?)?;
        }
        ExternType::Global(g) => {
            out.set(0, type_name(g.content()))?;
            out.set(1, g.mutability() == Mutability::Var)?;
        }
        ExternType::Table(t) => out.set(0, type_name(ValType::from(t.element())))?,
        ExternType::Memory(m) => {
            out.set(0, m.minimum() as f64)?;
            out.set(1, m.maximum().map_or(-1.0, |m| m as f64))?;
        }
    }
    Ok(out.into_value())
}

pub fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    install_modules(ops)?;
    install_calls(ops)?;
    let shared = SharedStore::default();
    install_memories(ops, &shared)?;
    install_globals(ops, &shared)?;
    install_tables(ops, &shared)
}

fn install_modules<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    ops.add(
        "wasmModule",
        |ctx: Ctx<'js>, key: String| -> rquickjs::Result<Value<'js>> {
            let module = registered(&key).ok_or_else(|| internal(&ctx, "unknown module"))?;
            let handle = WasmObject {
                held: Held::Module(module),
                store: None,
                js: None,
            };
            Ok(Class::instance(ctx, handle)?.into_value())
        },
    )?;
    ops.add("wasmValidate", |bytes: TypedArray<'js, u8>| {
        Module::validate(engine(), &copy_bytes(&bytes)).is_ok()
    })?;
    ops.add(
        "wasmModuleImports",
        |ctx: Ctx<'js>, m: Handle<'js>| -> rquickjs::Result<Array<'js>> {
            let compiled = module_of(&ctx, &m)?;
            let imports: Vec<_> = compiled.module.imports().collect();
            let out = Array::new(ctx.clone())?;
            let declared = compiled.import_order.iter().filter_map(|&j| imports.get(j));
            for (i, import) in declared.enumerate() {
                let row = Array::new(ctx.clone())?;
                row.set(0, import.module())?;
                row.set(1, import.name())?;
                row.set(2, kind_name(import.ty()))?;
                row.set(3, describe(&ctx, import.ty())?)?;
                out.set(i, row)?;
            }
            Ok(out)
        },
    )?;
    ops.add(
        "wasmModuleExports",
        |ctx: Ctx<'js>, m: Handle<'js>| -> rquickjs::Result<Array<'js>> {
            let compiled = module_of(&ctx, &m)?;
            let out = Array::new(ctx.clone())?;
            let exports = compiled
                .export_order
                .iter()
                .filter_map(|e| Some((&e.name, compiled.module.get_export(&e.name)?)));
            for (i, (name, ty)) in exports.enumerate() {
                let row = Array::new(ctx.clone())?;
                row.set(0, name.as_str())?;
                row.set(1, kind_name(&ty))?;
                out.set(i, row)?;
            }
            Ok(out)
        },
    )?;
    ops.add(
        "wasmCustomSections",
        |ctx: Ctx<'js>, m: Handle<'js>, name: String| -> rquickjs::Result<Array<'js>> {
            let module = module_of(&ctx, &m)?.module;
            let out = Array::new(ctx.clone())?;
            for (i, section) in module
                .custom_sections()
                .filter(|s| s.name() == name)
                .enumerate()
            {
                out.set(i, ArrayBuffer::new_copy(ctx.clone(), section.data())?)?;
            }
            Ok(out)
        },
    )
}

/// V8's LinkError for import `i`, a `kind` of the wrong type.
fn mismatch<'js>(
    ctx: &Ctx<'js>,
    errors: &Errors<'js>,
    i: usize,
    import: &wasmi::ImportType<'_>,
    kind: &str,
) -> rquickjs::Error {
    let (module, name) = (import.module(), import.name());
    errors.throw(
        ctx,
        "LinkError",
        &format!(
            "WebAssembly.Instance(): Import #{i} \"{module}\" \"{name}\": imported {kind} does not match the expected type"
        ),
    )
}

/// The store an instance goes into: that of the memories, tables and globals it imports (they
/// must share one), else a store of its own.
fn store_for<'js>(
    ctx: &Ctx<'js>,
    handles: &Array<'js>,
    fresh: &Object<'js>,
    meter: &Rc<CpuMeter>,
    errors: &Errors<'js>,
) -> rquickjs::Result<(Rc<WasmStore>, Object<'js>)> {
    let mut chosen: Option<(Rc<WasmStore>, Object<'js>)> = None;
    for h in handles.iter::<Value>() {
        let Ok(h) = Handle::from_value(&h?) else {
            continue;
        };
        let (entity, store, js) = entity_of(ctx, &h)?;
        if matches!(entity, Entity::Func(_)) {
            continue;
        }
        match &chosen {
            None => chosen = Some((store, js)),
            Some((c, _)) if Rc::ptr_eq(c, &store) => {}
            Some(_) => {
                return Err(errors.throw(
                    ctx,
                    "LinkError",
                    "WebAssembly.Instance(): edgesim cannot link memories, tables or globals \
                     made by different instances and constructors into one instance",
                ));
            }
        }
    }
    Ok(chosen.unwrap_or_else(|| (WasmStore::new(meter), fresh.clone())))
}

fn install_calls<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    let meter = ops.meter.clone();
    ops.add(
        "wasmInstantiate",
        move |ctx: Ctx<'js>,
              m: Handle<'js>,
              values: Array<'js>,
              handles: Array<'js>,
              fresh: Object<'js>,
              make_error: Function<'js>|
              -> rquickjs::Result<Array<'js>> {
            let errors = Errors(make_error);
            let compiled = module_of(&ctx, &m)?;
            let module = &compiled.module;
            let (store, js) = store_for(&ctx, &handles, &fresh, &meter, &errors)?;
            let imports: Array = js.get("imports")?;
            let mut externs = Vec::new();
            // JavaScript passes the imports as declared; wasmi links them in its own order.
            let mut declared_at = vec![0; compiled.import_order.len()];
            for (i, &j) in compiled.import_order.iter().enumerate() {
                if let Some(slot) = declared_at.get_mut(j) {
                    *slot = i;
                }
            }
            for (j, import) in module.imports().enumerate() {
                let i = declared_at.get(j).copied().unwrap_or(j);
                let handle = handles
                    .get::<Value>(i)
                    .ok()
                    .and_then(|h| Handle::from_value(&h).ok());
                let linked = match handle {
                    Some(h) => Some(entity_of(&ctx, &h)?).filter(|(_, s, _)| Rc::ptr_eq(s, &store)),
                    None => None,
                };
                let ext = match (import.ty(), linked) {
                    (ExternType::Func(ty), Some((Entity::Func(f), _, _))) => {
                        if store.with(|s| f.ty(&s)) != *ty {
                            return Err(mismatch(&ctx, &errors, i, &import, "function"));
                        }
                        Extern::Func(f)
                    }
                    (ExternType::Func(ty), _) => {
                        let index = imports.len() as u32;
                        imports.set(index as usize, values.get::<Value>(i)?)?;
                        let results = ty.results().to_vec();
                        let ty = ty.clone();
                        Extern::Func(store.with(|s| {
                            Func::new(s, ty, move |mut caller, params, out| {
                                host_call(&mut caller, index, &results, params, out)
                            })
                        }))
                    }
                    (_, Some((Entity::Memory(mem), _, _))) => Extern::Memory(mem),
                    (_, Some((Entity::Table(t), _, _))) => Extern::Table(t),
                    (ExternType::Global(ty), Some((Entity::Global(g), _, _))) => {
                        if store.with(|s| g.ty(&s)) != *ty {
                            return Err(mismatch(&ctx, &errors, i, &import, "global"));
                        }
                        Extern::Global(g)
                    }
                    (ExternType::Global(g), None) => {
                        let value: Value = values.get(i)?;
                        let content = g.content();
                        Extern::Global(store.with(|mut s| -> rquickjs::Result<Global> {
                            let v = to_wasm(&ctx, &mut s, content, &value)?;
                            Ok(Global::new(s, v, Mutability::Const))
                        })?)
                    }
                    _ => return Err(internal(&ctx, "unlinkable import")),
                };
                externs.push(ext);
            }
            let instance = enter_wasm(&ctx, &meter, &store, &js, &errors, |s| {
                Instance::new(s, module, &externs)
            })?;
            let out = Array::new(ctx.clone())?;
            let exports: Vec<(&ExportName, Extern)> = store.with(|s| {
                let order = compiled.export_order.iter();
                order
                    .filter_map(|e| Some((e, instance.get_export(&s, &e.name)?)))
                    .collect()
            });
            for (i, (export, ext)) in exports.into_iter().enumerate() {
                let (kind, entity) = match ext {
                    Extern::Func(f) => ("function", Entity::Func(f)),
                    Extern::Memory(mem) => ("memory", Entity::Memory(mem)),
                    Extern::Table(t) => ("table", Entity::Table(t)),
                    Extern::Global(g) => ("global", Entity::Global(g)),
                };
                let row = Array::new(ctx.clone())?;
                row.set(0, export.name.as_str())?;
                row.set(1, kind)?;
                row.set(2, new_handle(&ctx, &store, &js, entity)?)?;
                row.set(3, export.func_index)?;
                out.set(i, row)?;
            }
            Ok(out)
        },
    )?;
    ops.add(
        "wasmFuncType",
        |ctx: Ctx<'js>, f: Handle<'js>| -> rquickjs::Result<Value<'js>> {
            let (Entity::Func(func), store, _) = entity_of(&ctx, &f)? else {
                return Err(internal(&ctx, "not a function"));
            };
            let ty = store.with(|s| func.ty(&s));
            describe(&ctx, &ExternType::Func(ty))
        },
    )?;
    ops.add(
        "wasmStoreOf",
        |ctx: Ctx<'js>, h: Handle<'js>| -> rquickjs::Result<Object<'js>> {
            Ok(entity_of(&ctx, &h)?.2)
        },
    )?;
    let meter = ops.meter.clone();
    ops.add(
        "wasmCall",
        move |ctx: Ctx<'js>,
              f: Handle<'js>,
              args: Array<'js>,
              make_error: Function<'js>|
              -> rquickjs::Result<Array<'js>> {
            let (Entity::Func(func), store, js) = entity_of(&ctx, &f)? else {
                return Err(internal(&ctx, "not a function"));
            };
            let params = store.with(|s| func.ty(&s)).params().to_vec();
            let mut vals = Vec::with_capacity(params.len());
            for (i, ty) in params.iter().enumerate() {
                let v: Value = args.get(i)?;
                vals.push(store.with(|s| to_wasm(&ctx, s, *ty, &v))?);
            }
            let errors = Errors(make_error);
            let results = call(&ctx, &meter, &store, &js, func, &vals, &errors)?;
            let out = Array::new(ctx.clone())?;
            for (i, r) in results.iter().enumerate() {
                out.set(i, store.with(|s| to_js(&ctx, &store, &js, r, &s))?)?;
            }
            Ok(out)
        },
    )
}

/// The store JavaScript's own `new Memory/Table/Global` objects live in: one per isolate
/// while any of them lives, so that a module can import several (Emscripten makes its memory
/// and table in JavaScript and imports both).
#[derive(Clone, Default)]
struct SharedStore(Rc<RefCell<Weak<WasmStore>>>);

impl SharedStore {
    fn get(&self, meter: &Rc<CpuMeter>) -> Rc<WasmStore> {
        if let Some(store) = self.0.borrow().upgrade() {
            return store;
        }
        let store = WasmStore::new(meter);
        *self.0.borrow_mut() = Rc::downgrade(&store);
        store
    }
}

fn install_memories<'js>(ops: &OpSet<'js, '_>, shared: &SharedStore) -> rquickjs::Result<()> {
    let shared = shared.clone();
    let meter = ops.meter.clone();
    ops.add(
        "wasmMemoryNew",
        move |ctx: Ctx<'js>,
              initial: f64,
              maximum: f64,
              js: Object<'js>|
              -> rquickjs::Result<Value<'js>> {
            let store = shared.get(&meter);
            let max = (maximum >= 0.0).then_some(maximum as u32);
            let memory = store.with(|s| Memory::new(s, MemoryType::new(initial as u32, max)));
            let memory = memory.map_err(|_| {
                Exception::throw_range(&ctx, "WebAssembly.Memory(): could not allocate memory")
            })?;
            new_handle(&ctx, &store, &js, Entity::Memory(memory))
        },
    )?;
    ops.add(
        "wasmMemoryBuffer",
        |ctx: Ctx<'js>, h: Handle<'js>| -> rquickjs::Result<Value<'js>> {
            let (Entity::Memory(memory), store, _) = entity_of(&ctx, &h)? else {
                return Err(internal(&ctx, "not a memory"));
            };
            store.buffers().clone().buffer(&ctx, &store, memory)
        },
    )?;
    ops.add(
        "wasmMemoryGrow",
        |ctx: Ctx<'js>, h: Handle<'js>, delta: f64| -> rquickjs::Result<f64> {
            let (Entity::Memory(memory), store, _) = entity_of(&ctx, &h)? else {
                return Err(internal(&ctx, "not a memory"));
            };
            let grown = store.with(|mut s| {
                let grown = memory.grow(&mut s, delta as u64);
                store.buffers().clone().detach_moved(&s);
                grown
            });
            Ok(grown.map_or(-1.0, |old| old as f64))
        },
    )?;
    ops.add(
        "wasmMemoryType",
        |ctx: Ctx<'js>, h: Handle<'js>| -> rquickjs::Result<Value<'js>> {
            let (Entity::Memory(memory), store, _) = entity_of(&ctx, &h)? else {
                return Err(internal(&ctx, "not a memory"));
            };
            let ty = store.with(|s| memory.ty(&s));
            describe(&ctx, &ExternType::Memory(ty))
        },
    )
}

fn install_globals<'js>(ops: &OpSet<'js, '_>, shared: &SharedStore) -> rquickjs::Result<()> {
    let shared = shared.clone();
    let meter = ops.meter.clone();
    ops.add(
        "wasmGlobalNew",
        move |ctx: Ctx<'js>,
              ty: String,
              mutable: bool,
              value: Value<'js>,
              js: Object<'js>|
              -> rquickjs::Result<Value<'js>> {
            let ty = parse_type(&ty).ok_or_else(|| internal(&ctx, "global type"))?;
            let store = shared.get(&meter);
            let mutability = if mutable {
                Mutability::Var
            } else {
                Mutability::Const
            };
            let global = store.with(|mut s| -> rquickjs::Result<Global> {
                let v = to_wasm(&ctx, &mut s, ty, &value)?;
                Ok(Global::new(s, v, mutability))
            })?;
            new_handle(&ctx, &store, &js, Entity::Global(global))
        },
    )?;
    ops.add(
        "wasmGlobalGet",
        |ctx: Ctx<'js>, h: Handle<'js>| -> rquickjs::Result<Value<'js>> {
            let (Entity::Global(global), store, js) = entity_of(&ctx, &h)? else {
                return Err(internal(&ctx, "not a global"));
            };
            store.with(|s| to_js(&ctx, &store, &js, &global.get(&s), &s))
        },
    )?;
    ops.add(
        "wasmGlobalSet",
        |ctx: Ctx<'js>, h: Handle<'js>, value: Value<'js>| -> rquickjs::Result<()> {
            let (Entity::Global(global), store, _) = entity_of(&ctx, &h)? else {
                return Err(internal(&ctx, "not a global"));
            };
            store.with(|mut s| {
                let ty = global.ty(&s).content();
                let v = to_wasm(&ctx, &mut s, ty, &value)?;
                global
                    .set(s, v)
                    .map_err(|e| Exception::throw_type(&ctx, &e.to_string()))
            })
        },
    )?;
    ops.add(
        "wasmGlobalType",
        |ctx: Ctx<'js>, h: Handle<'js>| -> rquickjs::Result<Value<'js>> {
            let (Entity::Global(global), store, _) = entity_of(&ctx, &h)? else {
                return Err(internal(&ctx, "not a global"));
            };
            let ty = store.with(|s| global.ty(&s));
            describe(&ctx, &ExternType::Global(ty))
        },
    )
}

fn table_of<'js>(
    ctx: &Ctx<'js>,
    h: &Handle<'js>,
) -> rquickjs::Result<(Table, Rc<WasmStore>, Object<'js>)> {
    match entity_of(ctx, h)? {
        (Entity::Table(t), store, js) => Ok((t, store, js)),
        _ => Err(internal(ctx, "not a table")),
    }
}

fn install_tables<'js>(ops: &OpSet<'js, '_>, shared: &SharedStore) -> rquickjs::Result<()> {
    let shared = shared.clone();
    let meter = ops.meter.clone();
    ops.add(
        "wasmTableNew",
        move |ctx: Ctx<'js>,
              element: String,
              initial: f64,
              maximum: f64,
              init: Value<'js>,
              js: Object<'js>|
              -> rquickjs::Result<Value<'js>> {
            let element = match element.as_str() {
                "externref" => RefType::Extern,
                _ => RefType::Func,
            };
            let ty = ValType::from(element);
            let store = shared.get(&meter);
            let max = (maximum >= 0.0).then_some(maximum as u32);
            let table = store.with(|mut s| -> rquickjs::Result<Table> {
                let init = to_ref(&ctx, &mut s, ty, &init)?;
                Table::new(s, TableType::new(element, initial as u32, max), init).map_err(|_| {
                    Exception::throw_range(&ctx, "WebAssembly.Table(): could not allocate table")
                })
            })?;
            new_handle(&ctx, &store, &js, Entity::Table(table))
        },
    )?;
    ops.add(
        "wasmTableLength",
        |ctx: Ctx<'js>, h: Handle<'js>| -> rquickjs::Result<f64> {
            let (table, store, _) = table_of(&ctx, &h)?;
            Ok(store.with(|s| table.size(&s)) as f64)
        },
    )?;
    ops.add(
        "wasmTableGet",
        |ctx: Ctx<'js>, h: Handle<'js>, index: f64| -> rquickjs::Result<Value<'js>> {
            let (table, store, js) = table_of(&ctx, &h)?;
            store.with(|s| match table.get(&s, index as u64) {
                Some(r) => ref_to_js(&ctx, &store, &js, &r, &s),
                None => Ok(Value::new_undefined(ctx.clone())),
            })
        },
    )?;
    ops.add(
        "wasmTableSet",
        |ctx: Ctx<'js>, h: Handle<'js>, index: f64, value: Value<'js>| -> rquickjs::Result<bool> {
            let (table, store, _) = table_of(&ctx, &h)?;
            store.with(|mut s| {
                let ty = ValType::from(table.ty(&s).element());
                let r = to_ref(&ctx, &mut s, ty, &value)?;
                Ok(table.set(s, index as u64, r).is_ok())
            })
        },
    )?;
    ops.add(
        "wasmTableGrow",
        |ctx: Ctx<'js>, h: Handle<'js>, delta: f64, init: Value<'js>| -> rquickjs::Result<f64> {
            let (table, store, _) = table_of(&ctx, &h)?;
            store.with(|mut s| {
                let ty = ValType::from(table.ty(&s).element());
                let r = to_ref(&ctx, &mut s, ty, &init)?;
                Ok(table
                    .grow(s, delta as u64, r)
                    .map_or(-1.0, |old| old as f64))
            })
        },
    )?;
    ops.add(
        "wasmTableType",
        |ctx: Ctx<'js>, h: Handle<'js>| -> rquickjs::Result<Value<'js>> {
            let (table, store, _) = table_of(&ctx, &h)?;
            let ty = store.with(|s| table.ty(&s));
            describe(&ctx, &ExternType::Table(ty))
        },
    )
}
