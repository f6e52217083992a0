//! `WebAssembly.Memory.prototype.buffer`: an ArrayBuffer over the memory's own bytes, not a
//! copy, because code generated for WebAssembly (wasm-bindgen, Emscripten) reads and writes
//! the memory through views of it while the module runs.
//!
//! Growing a memory may move its bytes, so, as V8 does, every buffer handed out before a grow
//! is detached (its views become empty) the next time JavaScript could touch it: when a call
//! into WebAssembly returns, when WebAssembly calls an import, and when `grow` returns.
//! A buffer holds its store alive, so the bytes it points at cannot be freed under it.

use std::cell::{Cell, RefCell};
use std::ffi::c_void;
use std::rc::Rc;

use rquickjs::{ArrayBuffer, Ctx, Value, qjs};
use wasmi::{AsContext, Memory};

use super::store::WasmStore;

/// A buffer handed out and not yet detached or collected.
struct View {
    id: u64,
    memory: Memory,
    ptr: *mut u8,
    len: usize,
    /// The ArrayBuffer, not counted as a reference: the entry is removed when the buffer is
    /// detached or finalized, before its object can go away.
    object: qjs::JSValue,
    ctx: *mut qjs::JSContext,
}

/// The buffers of one store's memories.
#[derive(Default)]
pub struct Buffers {
    views: RefCell<Vec<View>>,
    next_id: Cell<u64>,
}

/// What a buffer's QuickJS callback owns: the store (so the bytes outlive the buffer) and
/// the entry to drop.
struct Owner {
    store: Rc<WasmStore>,
    id: u64,
}

impl Buffers {
    /// The current buffer of `memory`: the one handed out last if the memory has not moved
    /// since, else a new one.
    pub fn buffer<'js>(
        &self,
        ctx: &Ctx<'js>,
        store: &Rc<WasmStore>,
        memory: Memory,
    ) -> rquickjs::Result<Value<'js>> {
        let (ptr, len) = store.with(|s| (memory.data_ptr(&s), memory.data_size(&s)));
        if let Some(view) = self
            .views
            .borrow()
            .iter()
            .find(|v| len > 0 && v.ptr == ptr && v.len == len)
        {
            // SAFETY: the entry is live (removed when its buffer is detached or finalized), so
            // its object is; the duplicate is a new reference the returned Value owns.
            return Ok(unsafe {
                Value::from_raw(ctx.clone(), qjs::JS_DupValue(view.ctx, view.object))
            });
        }
        let id = self.next_id.get() + 1;
        self.next_id.set(id);
        let owner = Box::into_raw(Box::new(Owner {
            store: store.clone(),
            id,
        }));
        let raw_ctx = ctx.as_raw().as_ptr();
        // SAFETY: `ptr..ptr+len` is the memory's bytes, which stay where they are until the
        // memory grows — and a grow detaches this buffer (`detach_moved`) before JavaScript can
        // use it again; `owner` keeps the store, and with it the bytes, alive until QuickJS
        // calls `release` for this buffer.
        let object = unsafe {
            qjs::JS_NewArrayBuffer(
                raw_ctx,
                ptr,
                len as qjs::size_t,
                0,
                Some(release),
                owner.cast(),
                false,
            )
        };
        // SAFETY: JS_NewArrayBuffer returned a new reference (or an exception) in `ctx`.
        let value = unsafe { Value::from_raw(ctx.clone(), object) };
        if value.is_exception() || ArrayBuffer::from_value(value.clone()).is_none() {
            // SAFETY: on failure QuickJS did not take `owner`.
            drop(unsafe { Box::from_raw(owner) });
            return Err(ctx.throw(value));
        }
        self.views.borrow_mut().push(View {
            id,
            memory,
            ptr,
            len,
            object,
            ctx: raw_ctx,
        });
        Ok(value)
    }

    /// Detaches every buffer whose memory has moved or changed size.
    pub fn detach_moved(&self, store: impl AsContext) {
        let moved: Vec<View> = {
            let mut views = self.views.borrow_mut();
            let (moved, kept) = std::mem::take(&mut *views).into_iter().partition(|v| {
                v.memory.data_ptr(&store) != v.ptr || v.memory.data_size(&store) != v.len
            });
            *views = kept;
            moved
        };
        for view in moved {
            // SAFETY: the entry was live until just now, so its object is; detaching calls
            // `release`, which finds the entry already gone.
            unsafe { qjs::JS_DetachArrayBuffer(view.ctx, view.object) };
        }
    }

    fn forget(&self, id: u64) {
        if let Ok(mut views) = self.views.try_borrow_mut() {
            views.retain(|v| v.id != id);
        }
    }
}

/// QuickJS's callback for a buffer's bytes: called with size 0 when the buffer is detached or
/// collected; a buffer over a memory cannot be resized through it (`transfer` fails).
unsafe extern "C" fn release(
    _rt: *mut qjs::JSRuntime,
    opaque: *mut c_void,
    _ptr: *mut c_void,
    size: qjs::size_t,
) -> *mut c_void {
    if size != 0 || opaque.is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: `opaque` is the `Owner` `buffer` leaked for this buffer; QuickJS calls this once
    // with size 0 (it clears the callback on detach).
    let owner = unsafe { Box::from_raw(opaque.cast::<Owner>()) };
    owner.store.buffers().forget(owner.id);
    std::ptr::null_mut()
}
