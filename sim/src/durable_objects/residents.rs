//! The objects a host holds, with the two indexes its loop consults on every event: which
//! object is evicted next and which have hibernatable sockets. Both follow each change to an
//! object, so an event costs the same whether the host holds ten objects or thousands.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use edgesim_runtime::engine::durable_object::ObjectSlot;
use edgesim_runtime::socket::hibernation::Hibernation;
use edgesim_runtime::storage::durable::ObjectAddress;

use super::schedule::AlarmAttempt;

/// lifecycle.mdx: an object that can hibernate does so after 10 s idle.
const HIBERNATE_AFTER_MS: u64 = 10_000;

/// A resident's number in its host, for the run.
pub type ResidentId = usize;

/// One object placed in a host: it stays there for the run, in the isolate or not.
pub struct Resident {
    pub address: ObjectAddress,
    pub class_name: String,
    pub name: Option<String>,
    /// Where it sits in the isolate, while it is there.
    pub slot: Option<ObjectSlot>,
    /// Idle this long (ms), the object is evicted: memory gone, storage kept.
    pub evict_after_ms: u64,
    /// When it last received or finished something (ms since the run started).
    pub last_active_ms: u64,
    /// Its hibernatable WebSockets, kept across its instances.
    pub hibernation: Rc<RefCell<Hibernation>>,
    /// Its invocations the host waits on.
    pub invocations: usize,
    pub alarm_running: bool,
    /// The next retry of a failed alarm.
    pub retry: Option<AlarmAttempt>,
    /// Its key in the eviction index, while it is in the isolate with nothing running.
    evict_at_ms: Option<u64>,
}

impl Resident {
    pub fn new(
        address: ObjectAddress,
        class_name: String,
        evict_after_ms: u64,
        now_ms: u64,
        hibernation: Rc<RefCell<Hibernation>>,
    ) -> Resident {
        Resident {
            address,
            class_name,
            name: None,
            slot: None,
            evict_after_ms,
            last_active_ms: now_ms,
            hibernation,
            invocations: 0,
            alarm_running: false,
            retry: None,
            evict_at_ms: None,
        }
    }

    pub fn has_sockets(&self) -> bool {
        !self.hibernation.borrow().is_empty()
    }

    fn idle_limit_ms(&self) -> u64 {
        match self.has_sockets() {
            true => HIBERNATE_AFTER_MS,
            false => self.evict_after_ms,
        }
    }
}

#[derive(Default)]
pub struct Residents {
    all: Vec<Resident>,
    by_address: BTreeMap<ObjectAddress, ResidentId>,
    slots: BTreeMap<ObjectSlot, ResidentId>,
    /// (when, who) for each object in the isolate with nothing running.
    evictions: BTreeSet<(u64, ResidentId)>,
    /// Objects whose hibernatable socket set is not empty.
    with_sockets: BTreeSet<ResidentId>,
}

impl Residents {
    pub fn find(&self, address: &ObjectAddress) -> Option<ResidentId> {
        self.by_address.get(address).copied()
    }

    pub fn insert(&mut self, resident: Resident) -> ResidentId {
        let id = self.all.len();
        self.by_address.insert(resident.address.clone(), id);
        self.all.push(resident);
        self.refresh(id);
        id
    }

    pub fn get(&self, id: ResidentId) -> &Resident {
        &self.all[id]
    }

    pub fn all(&self) -> impl Iterator<Item = (ResidentId, &Resident)> {
        self.all.iter().enumerate()
    }

    /// Changes resident `id` through `change`, keeping the indexes up to date.
    pub fn update<T>(&mut self, id: ResidentId, change: impl FnOnce(&mut Resident) -> T) -> T {
        let out = change(&mut self.all[id]);
        self.refresh(id);
        out
    }

    /// The resident in isolate slot `slot`.
    pub fn at_slot(&self, slot: ObjectSlot) -> Option<ResidentId> {
        self.slots.get(&slot).copied()
    }

    /// The residents in the isolate now.
    pub fn hosted(&self) -> Vec<ResidentId> {
        self.slots.values().copied().collect()
    }

    pub fn none_hosted(&self) -> bool {
        self.slots.is_empty()
    }

    /// Resident `id` is in the isolate at `slot` from now on.
    pub fn placed(&mut self, id: ResidentId, slot: ObjectSlot) {
        self.slots.insert(slot, id);
        self.update(id, |r| r.slot = Some(slot));
    }

    /// Resident `id` leaves the isolate; its slot, if it was there.
    pub fn removed(&mut self, id: ResidentId) -> Option<ObjectSlot> {
        let slot = self.update(id, |r| r.slot.take())?;
        self.slots.remove(&slot);
        Some(slot)
    }

    /// The object due for eviction first: when (ms since the run started), and which.
    pub fn next_eviction(&self) -> Option<(u64, ResidentId)> {
        self.evictions.first().copied()
    }

    /// The hibernatable socket sets with sockets in them, for the loop to wait on.
    pub fn socket_sets(&self) -> Vec<(ResidentId, Rc<RefCell<Hibernation>>)> {
        (self.with_sockets.iter())
            .map(|id| (*id, self.all[*id].hibernation.clone()))
            .collect()
    }

    fn refresh(&mut self, id: ResidentId) {
        let resident = &mut self.all[id];
        if let Some(at_ms) = resident.evict_at_ms.take() {
            self.evictions.remove(&(at_ms, id));
        }
        if resident.slot.is_some() && resident.invocations == 0 {
            let at_ms = resident.last_active_ms + resident.idle_limit_ms();
            resident.evict_at_ms = Some(at_ms);
            self.evictions.insert((at_ms, id));
        }
        match resident.has_sockets() {
            true => self.with_sockets.insert(id),
            false => self.with_sockets.remove(&id),
        };
    }
}
