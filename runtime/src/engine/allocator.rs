//! QuickJS's allocator, counted.
//!
//! Counting every allocation gives two things at once: a hard, exact memory limit per isolate
//! (the allocation that would cross it fails and condemns the isolate, as production discards an
//! isolate over 128 MB), and a deterministic measure of work that interrupt polls miss — building
//! strings and objects costs allocations, not backward jumps (see engine::cpu).

use std::cell::Cell;
use std::rc::Rc;

use rquickjs::allocator::{Allocator, RustAllocator};

#[derive(Debug, Default)]
pub struct AllocStats {
    /// Allocations (malloc, calloc, growing realloc) since the isolate started.
    pub count: Cell<u64>,
    /// Bytes requested by those allocations.
    pub bytes: Cell<u64>,
    /// Bytes currently held.
    pub live: Cell<usize>,
    pub limit: Cell<usize>,
    /// Set when an allocation was refused because of `limit`.
    pub exceeded: Cell<bool>,
}

impl AllocStats {
    /// Counts `bytes` held outside QuickJS's heap (a WebAssembly memory) against the same
    /// limit; false, and the isolate condemned, when they do not fit.
    pub fn reserve(&self, bytes: usize) -> bool {
        if self.live.get().saturating_add(bytes) > self.limit.get() {
            self.exceeded.set(true);
            return false;
        }
        self.live.set(self.live.get() + bytes);
        true
    }

    /// Gives back what [`AllocStats::reserve`] counted.
    pub fn release(&self, bytes: usize) {
        self.live.set(self.live.get().saturating_sub(bytes));
    }
}

pub struct CountingAllocator {
    pub stats: Rc<AllocStats>,
}

impl CountingAllocator {
    fn admit(&self, size: usize) -> bool {
        if self.stats.live.get().saturating_add(size) > self.stats.limit.get() {
            self.stats.exceeded.set(true);
            return false;
        }
        self.stats.count.set(self.stats.count.get() + 1);
        self.stats.bytes.set(self.stats.bytes.get() + size as u64);
        true
    }

    fn held(&self, ptr: *mut u8) {
        if !ptr.is_null() {
            // SAFETY: `ptr` was just returned by RustAllocator.
            let n = unsafe { RustAllocator::usable_size(ptr) };
            self.stats.live.set(self.stats.live.get() + n);
        }
    }
}

// SAFETY: every call is forwarded to RustAllocator, which upholds the trait's contract; this
// wrapper only counts and may refuse (return null), which the contract allows.
unsafe impl Allocator for CountingAllocator {
    fn alloc(&mut self, size: usize) -> *mut u8 {
        if !self.admit(size) {
            return std::ptr::null_mut();
        }
        let ptr = RustAllocator.alloc(size);
        self.held(ptr);
        ptr
    }

    fn calloc(&mut self, count: usize, size: usize) -> *mut u8 {
        if !self.admit(count.saturating_mul(size)) {
            return std::ptr::null_mut();
        }
        let ptr = RustAllocator.calloc(count, size);
        self.held(ptr);
        ptr
    }

    unsafe fn dealloc(&mut self, ptr: *mut u8) {
        if !ptr.is_null() {
            // SAFETY: the caller guarantees `ptr` came from this allocator.
            let n = unsafe { RustAllocator::usable_size(ptr) };
            self.stats.live.set(self.stats.live.get().saturating_sub(n));
        }
        // SAFETY: forwarded unchanged.
        unsafe { RustAllocator.dealloc(ptr) }
    }

    unsafe fn realloc(&mut self, ptr: *mut u8, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees `ptr` is null or came from this allocator.
        let old = if ptr.is_null() {
            0
        } else {
            unsafe { RustAllocator::usable_size(ptr) }
        };
        if new_size > old && !self.admit(new_size - old) {
            return std::ptr::null_mut();
        }
        // SAFETY: forwarded unchanged.
        let out = unsafe { RustAllocator.realloc(ptr, new_size) };
        if !out.is_null() || new_size == 0 {
            self.stats
                .live
                .set(self.stats.live.get().saturating_sub(old));
            self.held(out);
        }
        out
    }

    unsafe fn usable_size(ptr: *mut u8) -> usize {
        // SAFETY: forwarded unchanged.
        unsafe { RustAllocator::usable_size(ptr) }
    }
}
