//! What QuickJS counts as it runs, for the CPU model: every dispatched opcode by class and every
//! call of a built-in function (vendor/rquickjs-sys/PATCH.md, `JS_SetEdgesimCounts`).
//!
//! V8 runs the classes at very different speeds relative to QuickJS: once optimised, locals,
//! arithmetic and branches are nearly free, while property access, calls and allocation keep a
//! cost of their own; a built-in's call is work QuickJS's bytecode never shows. Weighing the
//! classes apart is what lets one set of weights fit a tight loop and a library's parser alike
//! (benches/calibration, reports/cpu-model.md).

use std::cell::Cell;

use rquickjs::{Ctx, qjs};

unsafe extern "C" {
    fn JS_SetEdgesimCounts(ctx: *mut qjs::JSContext, counts: *mut i64);
}

/// The patch's `EDGESIM_COUNTS`: eight opcode classes and ten kinds of native work.
pub const COUNTS: usize = 18;

/// Declares [`BytecodeCounts`], one field per count in the patch's order, and its conversions
/// from and to the buffer's order.
macro_rules! bytecode_counts {
    ($($(#[doc = $doc:literal])* $field:ident,)*) => {
        /// Executed opcodes by class, and the native work QuickJS does that V8 costs apart.
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
        pub struct BytecodeCounts {
            $($(#[doc = $doc])* pub $field: u64,)*
        }

        impl BytecodeCounts {
            fn from_array(counts: [u64; COUNTS]) -> Self {
                let [$($field,)*] = counts;
                BytecodeCounts { $($field,)* }
            }

            fn to_array(self) -> [u64; COUNTS] {
                [$(self.$field,)*]
            }
        }
    };
}

bytecode_counts! {
    /// Exceptions, declarations, `using`.
    op_other,
    /// Locals, arguments, closure variables, constants, stack shuffles.
    op_stack,
    /// Arithmetic, comparisons, `typeof`.
    op_arith,
    /// Jumps, `try`/`finally`.
    op_branch,
    /// Property and element reads and writes, globals, `in`, `delete`.
    op_property,
    /// Calls, `new`, returns.
    op_call,
    /// Object and array literals, closures, classes, spread.
    op_create,
    /// `for`-`in`/`of`, iterators, generators, `await`.
    op_iterate,
    /// Calls of built-in (native) functions.
    native_calls,
    /// Polls of built-ins' scans (`includes`, `indexOf`, `join`, `fill`: an element, or eight
    /// positions of a string).
    scans,
    /// Promise reactions and `queueMicrotask` callbacks run.
    jobs,
    /// Steps of the regular-expression engine.
    regex_steps,
    /// Of them, gotos: an unanchored search takes one per position it tries, which V8 skips
    /// through far faster than it backtracks.
    regex_gotos,
    /// Stack traces captured (an `Error` made or thrown): V8 spends microseconds on each.
    backtraces,
    /// String concatenations (V8 makes a rope node for each).
    concats,
    /// Bytes of flat strings concatenations allocated: QuickJS copies where V8 links, so
    /// these are taken out of `alloc_bytes`' charge.
    concat_bytes,
    /// Limb operations of BigInt arithmetic.
    bigint_limbs,
    /// Characters `JSON.parse` read and `JSON.stringify` wrote.
    json_bytes,
}

impl BytecodeCounts {
    /// `f` applied count by count.
    pub fn zip(self, other: Self, f: impl Fn(u64, u64) -> u64) -> Self {
        let (a, b) = (self.to_array(), other.to_array());
        BytecodeCounts::from_array(std::array::from_fn(|i| f(a[i], b[i])))
    }
}

/// The buffer QuickJS counts into. It lives as long as the isolate's meter, which the runtime's
/// interrupt handler holds, so it outlives the context that writes to it.
#[derive(Debug, Default)]
pub struct BytecodeCounter {
    counts: Box<[Cell<i64>; COUNTS]>,
}

impl BytecodeCounter {
    /// Makes QuickJS count `ctx`'s work here from now on.
    pub fn attach(&self, ctx: &Ctx<'_>) {
        let counts = self.counts.as_ptr() as *mut i64;
        // SAFETY: the context is live; `counts` points at COUNTS cells (UnsafeCell, so writes
        // through the pointer are allowed) that stay where they are and outlive the context.
        unsafe { JS_SetEdgesimCounts(ctx.as_raw().as_ptr(), counts) }
    }

    pub fn read(&self) -> BytecodeCounts {
        BytecodeCounts::from_array(std::array::from_fn(|i| {
            u64::try_from(self.counts[i].get()).unwrap_or(0)
        }))
    }
}
