//! Deterministic CPU time.
//!
//! Production counts CPU nanoseconds; measuring wall time here would make every run differ.
//! Instead the isolate counts work it can observe exactly and converts it to simulated V8
//! time with weights fitted to workerd's timings:
//!
//! * what QuickJS executes (engine::bytecode_counts): opcodes by class — V8's optimised code
//!   keeps locals in registers but still pays for property access, calls and allocation — and
//!   the native work V8 costs differently: built-in calls and scans, promise jobs,
//!   regular-expression backtracking, stack traces, string concatenations, BigInt limbs, JSON
//!   text;
//! * allocated bytes but those QuickJS copies to concatenate strings (V8 links ropes instead);
//! * host charges — native work done on the Worker's behalf (hashing, decoding, WebAssembly
//!   fuel), per byte or unit; a Durable Object's SQL per SQLite virtual-machine step.
//!
//! QuickJS's interrupt polls (a backward jump or call, a scanned element, a job, a BigInt limb)
//! decide when the limit is checked, so no loop escapes it; they are not charged themselves.
//!
//! The weights are picoseconds per unit of each term of benches/calibration/fit.mjs, fitted to
//! four fifths of the calibration corpus (benches/calibration/corpus: route handling, JSON,
//! templating, parsers and validators from npm, regular expressions, typed arrays, BigInt,
//! generators, crypto.subtle, WebAssembly) timed under workerd 1.20260426.1; CI times the
//! corpus again and reports the estimate against V8 per workload in reports/cpu-model.md. V8's
//! optimising compiler makes some code far faster than any count of interpreted work can tell,
//! so an estimate can be several times off for one workload; it is exact in the sense a
//! simulator needs: the same code always costs the same simulated time.

use std::cell::Cell;
use std::ops::{Add, Sub};
use std::rc::Rc;

use super::allocator::AllocStats;
use super::bytecode_counts::{BytecodeCounter, BytecodeCounts};

/// QuickJS's `JS_INTERRUPT_COUNTER_INIT`: polls between two calls of the interrupt handler.
pub const POLLS_PER_INTERRUPT: u64 = 10_000;

/// Femtoseconds of V8 time per unit of each term of the model (benches/calibration/fit.mjs
/// `TERMS`, fitted with `SHIPPED_SPLIT_SEED`).
mod fs_per {
    /// Locals, arithmetic and branches.
    pub const SIMPLE_OP: u64 = 21_000;
    pub const PROPERTY_OP: u64 = 690_000;
    pub const CALL_OP: u64 = 3_539_000;
    /// Literals, closures, classes, throws.
    pub const CREATE_OP: u64 = 16_314_000;
    pub const ITERATE_OP: u64 = 2_968_000;
    pub const JOB: u64 = 50_674_000;
    pub const NATIVE_CALL: u64 = 22_000;
    pub const SCAN: u64 = 9_633_000;
    /// Regular-expression steps beyond the two each position an unanchored search tries takes.
    pub const REGEX_BACKTRACK: u64 = 1_356_000;
    pub const REGEX_POSITION: u64 = 164_000;
    pub const BACKTRACE: u64 = 988_284_000;
    /// Allocated bytes but those of flat strings concatenations copied.
    pub const ALLOC_BYTE: u64 = 348;
    pub const CONCAT: u64 = 9_231_000;
    pub const BIGINT_LIMB: u64 = 941_000;
    pub const JSON_BYTE: u64 = 2_610_000;
}

/// Simulated picoseconds per byte of native work (hashing, decoding, JSON text).
pub const PS_PER_HOST_BYTE: u64 = 1_000;
/// Fixed simulated cost of one host call.
pub const PS_PER_HOST_CALL: u64 = 200_000;
/// Simulated picoseconds per SQLite virtual-machine step of a Durable Object's SQL (an
/// assumption, 10 ns, not a fit: SQLite runs natively in workerd, on the isolate's CPU).
pub const PS_PER_SQL_STEP: u64 = 10_000;
/// Fixed simulated cost of delivering one event to JavaScript (a request, a timer, an I/O
/// completion): the runtime's own work around the Worker's code, which polls and the allocator
/// barely see because QuickJS serves small allocations from its own arenas. An assumption
/// (10 µs), not a fit: trivial handlers would otherwise measure 0 ms.
pub const PS_PER_EVENT: u64 = 10_000_000;

/// The raw, exactly reproducible counts behind a CPU time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct CpuCounts {
    pub polls: u64,
    pub allocs: u64,
    pub alloc_bytes: u64,
    /// Host charges, already in picoseconds.
    pub host_ps: u64,
    #[serde(flatten)]
    pub bytecode: BytecodeCounts,
}

/// One term of the model: what a part of the estimate is charged for (`edgesim fetch --json`'s
/// `cpu_breakdown_ms`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CpuTerm {
    SimpleOps,
    PropertyOps,
    CallOps,
    CreateOps,
    IterateOps,
    Jobs,
    NativeCalls,
    Scans,
    RegexBacktracking,
    RegexPositions,
    Backtraces,
    AllocBytes,
    Concats,
    BigintLimbs,
    JsonBytes,
    /// Host charges: native work, WebAssembly fuel, SQL, event delivery.
    Host,
}

impl CpuCounts {
    /// What each term of the model charged, in femtoseconds, but the host's (in `host_ps`).
    fn charged_fs(&self) -> [(CpuTerm, u128); 15] {
        let b = &self.bytecode;
        [
            (
                CpuTerm::SimpleOps,
                b.op_stack + b.op_arith + b.op_branch,
                fs_per::SIMPLE_OP,
            ),
            (CpuTerm::PropertyOps, b.op_property, fs_per::PROPERTY_OP),
            (CpuTerm::CallOps, b.op_call, fs_per::CALL_OP),
            (
                CpuTerm::CreateOps,
                b.op_create + b.op_other,
                fs_per::CREATE_OP,
            ),
            (CpuTerm::IterateOps, b.op_iterate, fs_per::ITERATE_OP),
            (CpuTerm::Jobs, b.jobs, fs_per::JOB),
            (CpuTerm::NativeCalls, b.native_calls, fs_per::NATIVE_CALL),
            (CpuTerm::Scans, b.scans, fs_per::SCAN),
            (
                CpuTerm::RegexBacktracking,
                b.regex_steps.saturating_sub(2 * b.regex_gotos),
                fs_per::REGEX_BACKTRACK,
            ),
            (
                CpuTerm::RegexPositions,
                b.regex_gotos,
                fs_per::REGEX_POSITION,
            ),
            (CpuTerm::Backtraces, b.backtraces, fs_per::BACKTRACE),
            (
                CpuTerm::AllocBytes,
                self.alloc_bytes.saturating_sub(b.concat_bytes),
                fs_per::ALLOC_BYTE,
            ),
            (CpuTerm::Concats, b.concats, fs_per::CONCAT),
            (CpuTerm::BigintLimbs, b.bigint_limbs, fs_per::BIGINT_LIMB),
            (CpuTerm::JsonBytes, b.json_bytes, fs_per::JSON_BYTE),
        ]
        .map(|(term, n, fs)| (term, u128::from(n) * u128::from(fs)))
    }

    /// The simulated V8 time these counts stand for.
    pub fn picos(&self) -> u64 {
        let fs: u128 = self.charged_fs().iter().map(|&(_, fs)| fs).sum();
        u64::try_from(fs / 1000)
            .unwrap_or(u64::MAX)
            .saturating_add(self.host_ps)
    }

    /// What each term of the model charged, in milliseconds (terms that charged nothing left out).
    pub fn breakdown_ms(&self) -> std::collections::BTreeMap<CpuTerm, f64> {
        self.charged_fs()
            .iter()
            .map(|&(term, fs)| (term, fs as f64 / 1e12))
            .chain([(CpuTerm::Host, self.host_ps as f64 / 1e9)])
            .filter(|&(_, ms)| ms > 0.0)
            .collect()
    }

    pub fn millis(&self) -> f64 {
        self.picos() as f64 / 1e9
    }
}

impl Add for CpuCounts {
    type Output = CpuCounts;
    fn add(self, o: CpuCounts) -> CpuCounts {
        CpuCounts {
            polls: self.polls + o.polls,
            allocs: self.allocs + o.allocs,
            alloc_bytes: self.alloc_bytes + o.alloc_bytes,
            host_ps: self.host_ps + o.host_ps,
            bytecode: self.bytecode.zip(o.bytecode, u64::saturating_add),
        }
    }
}

impl Sub for CpuCounts {
    type Output = CpuCounts;
    fn sub(self, o: CpuCounts) -> CpuCounts {
        CpuCounts {
            polls: self.polls.saturating_sub(o.polls),
            allocs: self.allocs.saturating_sub(o.allocs),
            alloc_bytes: self.alloc_bytes.saturating_sub(o.alloc_bytes),
            host_ps: self.host_ps.saturating_sub(o.host_ps),
            bytecode: self.bytecode.zip(o.bytecode, u64::saturating_sub),
        }
    }
}

pub fn ms_to_picos(ms: u64) -> u64 {
    ms.saturating_mul(1_000_000_000)
}

/// Shared between the interrupt handler (which runs inside JavaScript) and the event loop, so it
/// uses cells rather than a `RefCell` the loop might be holding.
#[derive(Debug)]
pub struct CpuMeter {
    polls: Cell<u64>,
    host_ps: Cell<u64>,
    alloc: Rc<AllocStats>,
    bytecode: BytecodeCounter,
    /// Interrupt JavaScript once the total reaches this many picoseconds.
    deadline_ps: Cell<u64>,
    tripped: Cell<bool>,
    /// What [`CpuMeter::uncharged`] work cost, left out of every reading.
    uncharged: Cell<CpuCounts>,
    uncharged_depth: Cell<u32>,
}

impl CpuMeter {
    pub fn new(alloc: Rc<AllocStats>) -> Rc<Self> {
        Rc::new(CpuMeter {
            polls: Cell::new(0),
            host_ps: Cell::new(0),
            alloc,
            bytecode: BytecodeCounter::default(),
            deadline_ps: Cell::new(u64::MAX),
            tripped: Cell::new(false),
            uncharged: Cell::new(CpuCounts::default()),
            uncharged_depth: Cell::new(0),
        })
    }

    /// Everything counted since the isolate started, but for uncharged work.
    pub fn reading(&self) -> CpuCounts {
        self.raw() - self.uncharged.get()
    }

    fn raw(&self) -> CpuCounts {
        CpuCounts {
            polls: self.polls.get(),
            allocs: self.alloc.count.get(),
            alloc_bytes: self.alloc.bytes.get(),
            host_ps: self.host_ps.get(),
            bytecode: self.bytecode.read(),
        }
    }

    /// Counts the bytecode `ctx` runs from now on.
    pub fn attach(&self, ctx: &rquickjs::Ctx<'_>) {
        self.bytecode.attach(ctx);
    }

    /// Runs `f`, charging what it costs to no one and letting no deadline stop it: the runtime's
    /// own JavaScript loading on first use (engine::prelude units), which production has ready
    /// before any Worker runs (V8 starts isolates from a snapshot). A memory overrun still stops
    /// it.
    pub fn uncharged<R>(&self, f: impl FnOnce() -> R) -> R {
        let depth = self.uncharged_depth.get();
        self.uncharged_depth.set(depth + 1);
        let before = self.raw();
        let out = f();
        self.uncharged_depth.set(depth);
        // A nested call's cost is inside this one's.
        if depth == 0 {
            let spent = self.raw() - before;
            self.uncharged.set(self.uncharged.get() + spent);
        }
        out
    }

    /// True once the isolate's heap refused an allocation: JavaScript may have caught the
    /// `out of memory` error, but the isolate is done for.
    pub fn memory_exceeded(&self) -> bool {
        self.alloc.exceeded.get()
    }

    /// Called from QuickJS's interrupt handler; returns true to interrupt (uncatchably).
    pub fn on_interrupt(&self) -> bool {
        self.polls.set(self.polls.get() + POLLS_PER_INTERRUPT);
        if self.memory_exceeded() {
            return true;
        }
        if self.uncharged_depth.get() == 0 && self.reading().picos() >= self.deadline_ps.get() {
            self.tripped.set(true);
            return true;
        }
        false
    }

    /// Charges the fixed cost of delivering one event to JavaScript.
    pub fn charge_event(&self) {
        self.charge_picos(PS_PER_EVENT);
    }

    /// Charges native work done on the Worker's behalf.
    pub fn charge_host(&self, bytes: usize) {
        self.charge_picos(
            PS_PER_HOST_CALL.saturating_add((bytes as u64).saturating_mul(PS_PER_HOST_BYTE)),
        );
    }

    /// Charges work already converted to simulated picoseconds (events, host calls,
    /// WebAssembly fuel).
    pub fn charge_picos(&self, ps: u64) {
        self.host_ps.set(self.host_ps.get().saturating_add(ps));
    }

    /// Picoseconds left before the deadline (`u64::MAX` while none is armed or the work is
    /// uncharged): how far native work that cannot be interrupted may run.
    pub fn budget_left_ps(&self) -> u64 {
        let deadline = self.deadline_ps.get();
        if deadline == u64::MAX || self.uncharged_depth.get() > 0 {
            return u64::MAX;
        }
        deadline.saturating_sub(self.reading().picos())
    }

    /// The isolate's heap accounting, which native memory the Worker owns is counted in too.
    pub fn heap(&self) -> &Rc<AllocStats> {
        &self.alloc
    }

    /// Interrupts JavaScript once `budget_ps` more picoseconds have been used.
    pub fn arm(&self, budget_ps: u64) {
        self.deadline_ps
            .set(self.reading().picos().saturating_add(budget_ps));
    }

    pub fn disarm(&self) {
        self.deadline_ps.set(u64::MAX);
    }

    /// Reports and clears the tripped flag.
    pub fn take_tripped(&self) -> bool {
        self.tripped.replace(false)
    }

    /// Whether work done outside the interrupt handler's view (native calls) crossed the deadline.
    pub fn past_deadline(&self) -> bool {
        self.reading().picos() >= self.deadline_ps.get()
    }
}
