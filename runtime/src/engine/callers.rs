//! The isolates RPC calls came from, by a small number JavaScript holds: a stub that arrived
//! in a call's arguments calls back to its caller long after the call (a subscription), so it
//! keeps the number, not the invocation.

use std::collections::BTreeMap;

use crate::host::Caller;

#[derive(Default)]
pub struct Callers {
    list: Vec<Caller>,
    handles: BTreeMap<Caller, u32>,
}

impl Callers {
    /// The number that stands for `caller` in this isolate (the same one every time).
    pub fn handle(&mut self, caller: &Caller) -> u32 {
        if let Some(handle) = self.handles.get(caller) {
            return *handle;
        }
        let handle = self.list.len() as u32;
        self.list.push(caller.clone());
        self.handles.insert(caller.clone(), handle);
        handle
    }

    pub fn get(&self, handle: u32) -> Option<&Caller> {
        self.list.get(handle as usize)
    }
}
