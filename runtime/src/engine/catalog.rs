//! What the engine runs of the Workers APIs, handed to it whole: the core JavaScript every
//! isolate evaluates when it starts, the units it loads the first time a Worker reaches for
//! them, the globals each unit defines, and the native ops each part calls.
//!
//! The engine names no API: `crate::api::CATALOG` is the one list, and an isolate receives it
//! through its [`IsolateConfig`](super::isolate::IsolateConfig). Adding an API is adding its
//! folder under `api/` and its entries there.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::OnceLock;

use rquickjs::function::IntoJsFunc;
use rquickjs::{Ctx, Function, Object};

use super::cpu::CpuMeter;
use super::io_state::IoState;

/// The runtime's JavaScript and the ops behind it.
pub struct Catalog {
    /// `function (ops) { ...; return entryPoints }`, run once when an isolate starts.
    pub core: Script,
    /// The ops the core calls, installed before it runs.
    pub core_ops: &'static [OpGroup],
    /// The parts loaded on first use, in the order their globals are defined.
    pub units: &'static [Unit],
    /// Built-in modules a Worker can import (`cloudflare:workers`): specifier and source.
    pub modules: &'static [(&'static str, &'static str)],
    /// The `node:*` modules, each available under some compatibility flags.
    pub node_modules: &'static [NodeModule],
    /// The built-ins' methods the core's `localeMethod` answers (engine::locale_methods).
    pub locale_methods: &'static [super::locale_methods::LocaleMethod],
}

/// A `node:*` module: its name without the prefix, its source, and what makes it importable.
pub struct NodeModule {
    pub name: &'static str,
    pub source: &'static str,
    /// Importable with `nodejs_als` alone (`node:async_hooks`), not only with `nodejs_compat`.
    pub with_als: bool,
    /// Only as `node:name`, even where `nodejs_compat_v2` lets the others go without the
    /// prefix (`node:test`, as in Node and workerd).
    pub prefix_only: bool,
}

/// One compiled piece of the runtime's JavaScript.
pub struct Script {
    /// What a failure to load it names.
    pub file_name: &'static str,
    pub source: &'static str,
    /// Compiled once per process, the first time an isolate needs it (engine::prelude).
    pub(super) bytecode: OnceLock<Result<Vec<u8>, String>>,
}

impl Script {
    pub const fn new(file_name: &'static str, source: &'static str) -> Script {
        Script {
            file_name,
            source,
            bytecode: OnceLock::new(),
        }
    }
}

/// A part of the runtime loaded the first time a Worker touches one of its globals or bindings.
pub struct Unit {
    /// What the core's `unit(name)` asks for.
    pub name: &'static str,
    /// The globals the unit defines: until it loads, each is an accessor that loads it
    /// (engine::lazy_globals).
    pub globals: &'static [&'static str],
    /// `export default function (ops, core) { ...; return exports }`.
    pub script: Script,
    /// The native ops only this unit (and units loaded after it) call, installed when it loads.
    pub ops: &'static [OpGroup],
    /// The compatibility flag without which its globals are not defined (`None`: always).
    pub globals_flag: Option<&'static str>,
}

/// Native functions installed together on the `ops` object the runtime's JavaScript sees.
pub struct OpGroup {
    /// Installed at most once per isolate: units that share a group name it each.
    pub name: &'static str,
    pub install: for<'js, 'a> fn(&OpSet<'js, 'a>) -> rquickjs::Result<()>,
}

impl Catalog {
    pub fn unit(&self, name: &str) -> Option<&'static Unit> {
        self.units.iter().find(|u| u.name == name)
    }

    /// `(unit, global)` of the `index`th global, the units' globals taken in order.
    pub fn global(&self, index: usize) -> Option<(&'static str, &'static str)> {
        let units: &'static [Unit] = self.units;
        units
            .iter()
            .flat_map(|u| u.globals.iter().map(move |g| (u.name, *g)))
            .nth(index)
    }
}

/// The isolate's event-loop state, which ops read and change.
pub type Io = Rc<RefCell<IoState>>;

/// What an installer works with: the `ops` object, and the isolate state its ops close over.
pub struct OpSet<'js, 'a> {
    pub ctx: &'a Ctx<'js>,
    pub object: &'a Object<'js>,
    pub io: &'a Io,
    pub meter: &'a Rc<CpuMeter>,
}

impl<'js> OpSet<'js, '_> {
    /// Installs `ops.<name>`. Ops stay unnamed: a name is an own property, so each named
    /// function gets a shape of its own — 3 % of a start and its teardown, for stack frames no
    /// Worker is shown.
    pub fn add<F, P>(&self, name: &str, f: F) -> rquickjs::Result<()>
    where
        F: IntoJsFunc<'js, P> + 'js,
    {
        self.object.set(name, Function::new(self.ctx.clone(), f)?)
    }

    /// Installs `ops.<name>` as a function named `name`. Only the ops that were named before
    /// ops were made unnamed use it: a name moves where QuickJS's allocation arenas fall, and
    /// with them the CPU charged to later invocations (engine::cpu charges allocation arena by
    /// arena), so unnaming them is a change of behaviour to make on its own, not in passing.
    pub fn add_named<F, P>(&self, name: &str, f: F) -> rquickjs::Result<()>
    where
        F: IntoJsFunc<'js, P> + 'js,
    {
        let function = Function::new(self.ctx.clone(), f)?.with_name(name)?;
        self.object.set(name, function)
    }
}
