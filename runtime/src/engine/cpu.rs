//! Deterministic CPU time.
//!
//! Production counts CPU nanoseconds; measuring wall time here would make every run differ.
//! Instead the isolate counts work it can observe exactly and converts it to simulated V8
//! time with calibrated weights:
//!
//! * interrupt polls — QuickJS decrements a counter at every backward jump and call and calls
//!   our handler every [`POLLS_PER_INTERRUPT`] of them;
//! * allocations and allocated bytes — building strings and objects costs allocations, not
//!   jumps (engine::allocator);
//! * host charges — native work done on the Worker's behalf (hashing, decoding, JSON), per byte;
//!   a Durable Object's SQL per SQLite virtual-machine step.
//!
//! QuickJS's built-ins that scan (array and string searches, `join`) and its job queue count
//! their work as polls too (vendor/rquickjs-sys/PATCH.md), so no loop escapes the limit.
//!
//! The weights come from running the workloads in benches/calibration/worker.js under workerd
//! 1.20260426.1 on the development machine (median of 7 runs each; wall time = CPU time for
//! synchronous code) and choosing the weights that minimise the worst ratio between estimate
//! and measurement over all six (a grid search; benches/calibration/fit.py). QuickJS polls are
//! not uniform work — a poll of a tight arithmetic loop is 0.27 ns of V8 time, a poll of a
//! sort comparator 23 ns — so the estimate is within 0.18× to 5.6× of V8 per workload (README
//! "CPU time" has the table). It is exact in the sense that matters for a simulator: the same
//! code always costs the same simulated time.

use std::cell::Cell;
use std::ops::{Add, Sub};
use std::rc::Rc;

use super::allocator::AllocStats;

/// QuickJS's `JS_INTERRUPT_COUNTER_INIT`: polls between two calls of the interrupt handler.
pub const POLLS_PER_INTERRUPT: u64 = 10_000;

/// Simulated picoseconds of V8 CPU per interrupt poll (fit: 1.5 ns).
pub const PS_PER_POLL: u64 = 1_500;
/// Simulated picoseconds per allocation (fit: no weight; counted for future calibrations).
pub const PS_PER_ALLOC: u64 = 0;
/// Simulated picoseconds per allocated byte (fit: 0.81 ns).
pub const PS_PER_ALLOC_BYTE: u64 = 810;
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
}

impl CpuCounts {
    pub fn picos(&self) -> u64 {
        self.polls
            .saturating_mul(PS_PER_POLL)
            .saturating_add(self.allocs.saturating_mul(PS_PER_ALLOC))
            .saturating_add(self.alloc_bytes.saturating_mul(PS_PER_ALLOC_BYTE))
            .saturating_add(self.host_ps)
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
        }
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
