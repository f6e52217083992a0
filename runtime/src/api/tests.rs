//! The catalog against the JavaScript it names: every unit's globals are the ones it defines,
//! every script compiles, and every `ops.X(…)` a script calls is installed by the time it runs.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use rquickjs::{Context, Object, Runtime};

use super::CATALOG;
use crate::engine::allocator::AllocStats;
use crate::engine::catalog::{OpGroup, OpSet, Script};
use crate::engine::cpu::CpuMeter;
use crate::engine::io_state::IoState;
use crate::host::*;

/// The names between the quotes that follow each `marker` in `text`.
fn quoted_after<'a>(text: &'a str, marker: &str) -> Vec<&'a str> {
    text.split(marker)
        .skip(1)
        .filter_map(|rest| rest.strip_prefix('"')?.split('"').next())
        .collect()
}

/// The unit lists each one's globals again, so that reading one loads the unit: the list and
/// the unit's own `define(G, …)` calls must agree, or a global would be missing until its unit
/// loads (or never be defined).
#[test]
fn every_unit_global_is_declared_lazy_and_no_other() {
    for unit in CATALOG.units {
        let mut defined = quoted_after(unit.script.source, "define(G, ");
        let mut lazy = unit.globals.to_vec();
        defined.sort_unstable();
        lazy.sort_unstable();
        assert_eq!(defined, lazy, "unit {}", unit.name);
    }
}

/// A unit no test happens to touch would otherwise reach users with a syntax error.
#[test]
fn every_script_compiles() {
    let scripts = std::iter::once(&CATALOG.core).chain(CATALOG.units.iter().map(|u| &u.script));
    for script in scripts {
        if let Err(e) = crate::engine::prelude::compile(script.file_name, script.source) {
            panic!("{} does not compile: {e}", script.file_name);
        }
    }
}

#[test]
fn globals_are_numbered_in_unit_order() {
    assert_eq!(CATALOG.global(0), Some(("dom_exception", "DOMException")));
    let count: usize = CATALOG.units.iter().map(|u| u.globals.len()).sum();
    assert_eq!(
        CATALOG.global(count - 1),
        Some(("node_globals", "clearImmediate"))
    );
    assert_eq!(CATALOG.global(count), None);
}

/// The ops a script uses: `ops.name` (called, or taken as a value) outside comments.
fn ops_called(script: &Script) -> BTreeSet<&'static str> {
    let mut names = BTreeSet::new();
    for line in script.source.lines() {
        let code = line.split("//").next().unwrap_or_default();
        for (at, _) in code.match_indices("ops.") {
            let before = code[..at].chars().next_back();
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '$' | '.')) {
                continue;
            }
            let rest = &code[at + 4..];
            let name_len = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            if name_len > 0 {
                names.insert(&rest[..name_len]);
            }
        }
    }
    names
}

/// The names the `groups` install, on an ops object of their own.
fn installed_by(groups: &[&'static [OpGroup]]) -> BTreeSet<String> {
    let runtime = Runtime::new().expect("a QuickJS runtime");
    let context = Context::full(&runtime).expect("a QuickJS context");
    let meter = CpuMeter::new(Rc::new(AllocStats::default()));
    let io = Rc::new(RefCell::new(IoState::new(
        Rc::new(NoHost),
        meter.clone(),
        crate::limits::Limits::default(),
    )));
    context.with(|ctx| {
        let object = Object::new(ctx.clone()).expect("an object");
        let ops = OpSet {
            ctx: &ctx,
            object: &object,
            io: &io,
            meter: &meter,
        };
        let mut done = BTreeSet::new();
        for group in groups.iter().flat_map(|g| g.iter()) {
            if done.insert(group.name) {
                (group.install)(&ops).unwrap_or_else(|e| panic!("{}: {e}", group.name));
            }
        }
        let mut names: BTreeSet<String> = object.keys::<String>().filter_map(Result::ok).collect();
        // The engine's own two, which load the rest.
        names.extend(["loadUnit".to_string(), "define".to_string()]);
        names
    })
}

/// A unit can rely on the core's ops and its own; anything else it calls would be a
/// `TypeError: not a function` the first time a Worker reached that line (the one exception:
/// ops of a unit that must have loaded first, which none uses today).
#[test]
fn every_op_a_script_calls_is_installed_before_it_runs() {
    let core = installed_by(&[CATALOG.core_ops]);
    for name in ops_called(&CATALOG.core) {
        assert!(
            core.contains(name),
            "the core calls ops.{name}, which no core group installs"
        );
    }
    for unit in CATALOG.units {
        let available = installed_by(&[CATALOG.core_ops, unit.ops]);
        for name in ops_called(&unit.script) {
            assert!(
                available.contains(name),
                "unit {} calls ops.{name}, which neither the core nor its own groups install",
                unit.name
            );
        }
    }
}

/// A host the test never calls: for installing ops, and for an event loop with no timers.
pub(crate) struct NoHost;

impl Host for NoHost {
    fn now_ms(&self) -> u64 {
        0
    }
    fn sleep_until(&self, _: u64) -> HostFuture<()> {
        unreachable!("installing ops does no I/O")
    }
    fn fill_random(&self, _: &mut [u8]) {
        unreachable!("installing ops draws no randomness")
    }
    fn fetch(&self, _: HttpRequest) -> HostFuture<Result<HttpResponse, FetchError>> {
        unreachable!("installing ops does no I/O")
    }
    fn kv(
        &self,
        _: &str,
        _: crate::storage::kv::KvOp,
    ) -> HostFuture<Result<crate::storage::kv::KvReply, crate::storage::kv::KvError>> {
        unreachable!("installing ops does no I/O")
    }
    fn r2(&self, _: &str, _: crate::storage::r2::R2Op, _: Vec<u8>) -> HostFuture<R2Result> {
        unreachable!("installing ops does no I/O")
    }
    fn queue_send(
        &self,
        _: &str,
        _: Vec<crate::storage::queue::OutgoingMessage>,
    ) -> HostFuture<Result<crate::storage::queue::QueueMetrics, crate::storage::queue::QueueRefusal>>
    {
        unreachable!("installing ops does no I/O")
    }
    fn cache(
        &self,
        _: crate::storage::cache::CacheOp,
    ) -> HostFuture<crate::storage::cache::CacheReply> {
        unreachable!("installing ops does no I/O")
    }
    fn d1(
        &self,
        _: &str,
        _: crate::storage::d1::D1Request,
        _: Option<crate::storage::d1::D1Session>,
    ) -> HostFuture<Result<crate::storage::d1::D1Response, crate::storage::d1::D1Error>> {
        unreachable!("installing ops does no I/O")
    }
    fn call_object(&self, _: ObjectCall) -> HostFuture<Result<CallReply, CallError>> {
        unreachable!("installing ops does no I/O")
    }
    fn object_storage(
        &self,
        _: &crate::storage::durable::ObjectAddress,
        _: crate::storage::durable::StorageOp,
    ) -> HostFuture<
        Result<crate::storage::durable::StorageReply, crate::storage::durable::StorageError>,
    > {
        unreachable!("installing ops does no I/O")
    }
    fn object_sql(
        &self,
        _: &crate::storage::durable::ObjectAddress,
        _: crate::storage::sql::SqlCall,
    ) -> Result<crate::storage::sql::SqlAnswer, crate::storage::sql::SqlError> {
        unreachable!("installing ops does no I/O")
    }
    fn object_read_now(
        &self,
        _: &crate::storage::durable::ObjectAddress,
        _: crate::storage::durable::StorageOp,
    ) -> Result<crate::storage::durable::StorageReply, crate::storage::durable::StorageError> {
        unreachable!("installing ops does no I/O")
    }
    fn hibernation(
        &self,
        _: &crate::storage::durable::ObjectAddress,
    ) -> Option<Rc<RefCell<crate::socket::hibernation::Hibernation>>> {
        None
    }
}

/// An op no script calls is dead weight every isolate that loads its group pays for.
#[test]
fn every_installed_op_is_called_by_some_script() {
    let mut all_groups: Vec<&'static [OpGroup]> = vec![CATALOG.core_ops];
    all_groups.extend(CATALOG.units.iter().map(|u| u.ops));
    let installed = installed_by(&all_groups);
    let scripts = std::iter::once(&CATALOG.core).chain(CATALOG.units.iter().map(|u| &u.script));
    let called: BTreeSet<&str> = scripts.flat_map(ops_called).collect();
    let dead: Vec<&String> = installed
        .iter()
        .filter(|name| !called.contains(name.as_str()))
        .collect();
    assert!(dead.is_empty(), "ops no script calls: {dead:?}");
}

/// A script file left out of the catalog would be dead code that looks alive (and a unit split
/// into files would silently lose a part): every `*.js` under `api/` is in the core or a unit,
/// and every `node/modules/*.mjs` is a node module's source.
#[test]
fn every_script_file_is_in_the_catalog() {
    fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.map(|e| e.path()).unwrap_or_default();
            if path.is_dir() {
                files(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/api");
    let mut all = Vec::new();
    files(&dir, &mut all);
    let scripts: Vec<&str> = std::iter::once(CATALOG.core.source)
        .chain(CATALOG.units.iter().map(|u| u.script.source))
        .collect();
    for path in all {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let name = path.display().to_string();
        if name.ends_with(".mjs") {
            assert!(
                CATALOG.node_modules.iter().any(|m| m.source == text)
                    || super::test::MODULES
                        .iter()
                        .any(|(_, source)| *source == text),
                "{name} is no node module's or test module's source"
            );
        } else if name.ends_with(".js") {
            assert!(
                scripts.iter().any(|s| s.contains(text.trim())),
                "{name} is in no script of the catalog"
            );
        }
    }
}
