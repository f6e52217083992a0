//! Where WebAssembly objects live: a wasmi store per group of linked objects, the one engine
//! every store of the process shares, and the registry of modules compiled from a bundle's
//! `.wasm` files.
//!
//! A store is freed only as a whole, so edgesim makes one per group of objects that import one
//! another: an instance whose imports are all JavaScript values gets a store of its own, and is
//! freed (memory included) when JavaScript no longer reaches any of its objects — as V8 collects
//! an instance a Worker made per request. Instances linked by a memory, table, global or function
//! share the store of what they link to.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::{Rc, Weak};
use std::sync::{Arc, Mutex, OnceLock};

use rquickjs::Object;
use wasmi::{
    AsContextMut, Caller, Config, Engine, ExternRef, Module, ResourceLimiter, Store,
    StoreContextMut,
};
use wasmi_core::LimiterError;

use super::buffers::Buffers;
use crate::engine::allocator::AllocStats;
use crate::engine::cpu::CpuMeter;

/// The engine every store and module shares: wasmi keeps compiled code in its engine, and a
/// module can only be instantiated in a store of the engine that compiled it.
pub fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut config = Config::default();
        // Fuel is how WebAssembly's CPU time is counted (call.rs `PS_PER_FUEL`, costs.rs); the rest are
        // the proposals V8 ships enabled.
        config
            .consume_fuel(true)
            .operator_cost(super::costs::operator_costs())
            .wasm_simd(true)
            .wasm_tail_call(true)
            .wasm_extended_const(true)
            .wasm_multi_memory(true)
            .compilation_mode(wasmi::CompilationMode::LazyTranslation);
        Engine::new(&config)
    })
}

/// Modules compiled from a bundle's `.wasm` files, by the SHA-256 of their bytes: a bundle
/// compiles each once (when its module graph is built) and every isolate of the process finds
/// it here, so a cold start does not compile it again.
fn registry() -> &'static Mutex<BTreeMap<String, CompiledModule>> {
    static MODULES: OnceLock<Mutex<BTreeMap<String, CompiledModule>>> = OnceLock::new();
    MODULES.get_or_init(Default::default)
}

/// A compiled module, with its imports and exports in the order the module declares them: the
/// order the JS API lists, checks and links them in (wasmi groups imports by kind and sorts
/// exports by name).
#[derive(Clone)]
pub struct CompiledModule {
    pub module: Module,
    pub export_order: Arc<[ExportName]>,
    /// For each import as declared, its position in `module.imports()`.
    pub import_order: Arc<[usize]>,
}

/// One export: its name and, for a function, its index in the module's function space, which
/// V8 gives the exported JavaScript function as its `name`.
pub struct ExportName {
    pub name: String,
    pub func_index: Option<u32>,
}

impl CompiledModule {
    fn new(bytes: &[u8]) -> Result<Self, wasmi::Error> {
        let module = Module::new(engine(), bytes)?;
        Ok(CompiledModule {
            import_order: import_order(&module, bytes).into(),
            module,
            export_order: export_order(bytes).into(),
        })
    }
}

/// Matches each import of the import section to the first import of `module` with the same
/// module, name and kind not matched yet.
fn import_order(module: &Module, bytes: &[u8]) -> Vec<usize> {
    use wasmparser::TypeRef;
    let ours: Vec<(String, String, u8)> = module
        .imports()
        .map(|i| {
            let kind = match i.ty() {
                wasmi::ExternType::Func(_) => 0,
                wasmi::ExternType::Table(_) => 1,
                wasmi::ExternType::Memory(_) => 2,
                wasmi::ExternType::Global(_) => 3,
            };
            (i.module().to_string(), i.name().to_string(), kind)
        })
        .collect();
    let mut taken = vec![false; ours.len()];
    let mut order = Vec::with_capacity(ours.len());
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        let Ok(wasmparser::Payload::ImportSection(imports)) = payload else {
            continue;
        };
        for import in imports.into_iter().flatten() {
            let kind = match import.ty {
                TypeRef::Func(_) => 0,
                TypeRef::Table(_) => 1,
                TypeRef::Memory(_) => 2,
                TypeRef::Global(_) => 3,
                TypeRef::Tag(_) => 4,
            };
            let found = (0..ours.len()).find(|&j| {
                !taken[j]
                    && ours[j].2 == kind
                    && ours[j].0 == import.module
                    && ours[j].1 == import.name
            });
            if let Some(j) = found {
                taken[j] = true;
                order.push(j);
            }
        }
    }
    order
}

/// The names of the export section, in order. Called on bytes wasmi has validated, so a
/// section it cannot read does not occur; one would only leave its exports unlisted.
fn export_order(bytes: &[u8]) -> Vec<ExportName> {
    let mut names = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        if let Ok(wasmparser::Payload::ExportSection(exports)) = payload {
            names.extend(exports.into_iter().flatten().map(|e| ExportName {
                name: e.name.to_string(),
                func_index: (e.kind == wasmparser::ExternalKind::Func).then_some(e.index),
            }));
        }
    }
    names
}

/// Why a bundle's `.wasm` file did not compile.
#[derive(Debug, thiserror::Error)]
pub enum CompileError {
    /// Not WebAssembly at all (an HTML page or a Git LFS pointer saved as `.wasm`), in V8's
    /// words.
    #[error("expected magic word 00 61 73 6d, found {found} @+0")]
    NotWasm { found: String },
    /// wasmi's reason, on one line (its own text can span several).
    #[error("{}", .0.to_string().split_whitespace().collect::<Vec<_>>().join(" "))]
    Invalid(#[from] wasmi::Error),
}

/// Compiles `bytes` (validating them) and returns the key isolates load the module by.
pub fn register(bytes: &[u8]) -> Result<String, CompileError> {
    if let Some(magic) = bytes.get(..4).filter(|m| *m != b"\0asm") {
        let found: Vec<String> = magic.iter().map(|b| format!("{b:02x}")).collect();
        return Err(CompileError::NotWasm {
            found: found.join(" "),
        });
    }
    let key = crate::digest::DigestAlgorithm::Sha256.hex_digest(bytes);
    let mut modules = registry().lock().unwrap_or_else(|e| e.into_inner());
    if !modules.contains_key(&key) {
        modules.insert(key.clone(), CompiledModule::new(bytes)?);
    }
    Ok(key)
}

/// The module [`register`] compiled under `key`.
pub fn registered(key: &str) -> Option<CompiledModule> {
    registry()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(key)
        .cloned()
}

/// What a store's host functions need while WebAssembly runs.
pub struct Host {
    /// The store's JavaScript half (wasm.js `storeObject`: the functions its instances import,
    /// by the index their wasmi host function closes over, and its external references). Set
    /// for the length of a call from JavaScript (the object is held alive by the handle that
    /// made the call), `None` in between.
    pub js: Option<Object<'static>>,
    /// The JavaScript exception an import threw, to be rethrown as it is when the call that
    /// reached the import returns.
    pub thrown: Option<rquickjs::Value<'static>>,
    /// The caller of the host function running now, so JavaScript it calls can call back into
    /// this store (its `Store` is borrowed by the outer call until that returns).
    pub active: Rc<Cell<*mut Caller<'static, Host>>>,
    pub limits: MemoryLimits,
    /// One `ExternRef` per JavaScript value that crossed in, by the index JavaScript keeps.
    pub extern_refs: BTreeMap<u32, ExternRef>,
    pub buffers: Rc<Buffers>,
    /// The store itself, for the handles a host function gives JavaScript.
    pub store: Weak<WasmStore>,
    /// The isolate's CPU meter, which the fuel WebAssembly burns is charged to (call.rs).
    pub meter: Rc<CpuMeter>,
    /// The store's fuel when it was last charged to the meter.
    pub fuel_mark: u64,
}

/// Counts a store's memories and tables against the isolate's memory limit, as V8 counts an
/// instance's memory as the isolate's.
pub struct MemoryLimits {
    heap: Rc<AllocStats>,
    reserved: usize,
}

impl ResourceLimiter for MemoryLimits {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> Result<bool, LimiterError> {
        let more = desired.saturating_sub(current);
        if !self.heap.reserve(more) {
            return Ok(false);
        }
        self.reserved += more;
        Ok(true)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> Result<bool, LimiterError> {
        // A table entry is a word; a table the size of the limit would be 16 M entries.
        let more = desired.saturating_sub(current) * 8;
        if !self.heap.reserve(more) {
            return Ok(false);
        }
        self.reserved += more;
        Ok(true)
    }

    fn instances(&self) -> usize {
        10_000
    }

    fn tables(&self) -> usize {
        10_000
    }

    fn memories(&self) -> usize {
        10_000
    }
}

impl Drop for MemoryLimits {
    fn drop(&mut self) {
        self.heap.release(self.reserved);
    }
}

/// A wasmi store and the way back into it while it is busy.
pub struct WasmStore {
    store: RefCell<Store<Host>>,
    active: Rc<Cell<*mut Caller<'static, Host>>>,
    buffers: Rc<Buffers>,
}

impl WasmStore {
    pub fn new(meter: &Rc<CpuMeter>) -> Rc<WasmStore> {
        Rc::new_cyclic(|me| {
            let active: Rc<Cell<*mut Caller<'static, Host>>> =
                Rc::new(Cell::new(std::ptr::null_mut()));
            let buffers = Rc::new(Buffers::default());
            let host = Host {
                js: None,
                thrown: None,
                active: active.clone(),
                limits: MemoryLimits {
                    heap: meter.heap().clone(),
                    reserved: 0,
                },
                extern_refs: BTreeMap::new(),
                buffers: buffers.clone(),
                store: me.clone(),
                meter: meter.clone(),
                fuel_mark: 0,
            };
            let mut store = Store::new(engine(), host);
            store.limiter(|host| &mut host.limits);
            WasmStore {
                store: RefCell::new(store),
                active,
                buffers,
            }
        })
    }

    pub fn buffers(&self) -> &Rc<Buffers> {
        &self.buffers
    }

    /// Whether WebAssembly of this store is running (JavaScript got here through an import).
    pub fn is_busy(&self) -> bool {
        !self.active.get().is_null()
    }

    /// Runs `f` on the store: through the caller of the host function running now when
    /// WebAssembly of this store is on the stack, else on the store itself.
    pub fn with<R>(&self, f: impl FnOnce(StoreContextMut<'_, Host>) -> R) -> R {
        let active = self.active.get();
        if active.is_null() {
            let mut store = self.store.borrow_mut();
            return f(store.as_context_mut());
        }
        // SAFETY: `active` points at the `Caller` of the host function that is running now,
        // further up this thread's stack (set by `enter_host`, reset before it returns); the
        // host function does not touch it while JavaScript — the only way here — runs.
        let caller = unsafe { &mut *active };
        f(caller.as_context_mut())
    }
}

/// Runs `f` (JavaScript an import calls) with `caller` reachable through [`WasmStore::with`].
pub fn enter_host<R>(caller: &mut Caller<'_, Host>, f: impl FnOnce() -> R) -> R {
    let slot = caller.data().active.clone();
    // The lifetime is erased only for the length of `f`: the slot is reset below, before
    // `caller` can go away.
    let erased = (caller as *mut Caller<'_, Host>).cast::<Caller<'static, Host>>();
    let previous = slot.replace(erased);
    let out = f();
    slot.set(previous);
    out
}
