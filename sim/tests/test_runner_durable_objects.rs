//! The Durable Objects of the tested Worker's own classes live in the test file's isolate, as
//! vitest-pool-workers runs them: `runInDurableObject` hands a test the very instance (of the
//! class the test imports) and its state, `runDurableObjectAlarm` runs a set alarm at once,
//! `listDurableObjectIds` sees only what this test started, alarms ring on the simulated clock,
//! each object keeps its own input gate, and objects can be evicted or aborted.

use edgesim_sim::test::TestStatus;

use crate::common::{all_passed, fixture_statuses};

/// Each test's full name and status in the fixture's file `name`; the file loads.
fn statuses(name: &str) -> Vec<(String, TestStatus)> {
    fixture_statuses("durable-objects", name)
}

#[test]
fn run_in_durable_object_hands_the_test_the_objects_own_instance_state_and_outcome() {
    assert_eq!(
        statuses("direct-access"),
        all_passed(&[
            "runInDurableObject > hands the callback the object's own instance and state",
            "runInDurableObject > gives back the callback's value, its Response, and its exception as thrown",
            "runInDurableObject > lists only the objects this test started, storage being isolated per test",
            "runInDurableObject > refuses what is not a stub or not a callback, with the pool's messages",
            "keeps each object's input gate its own in one isolate",
        ])
    );
}

#[test]
fn run_durable_object_alarm_runs_a_set_alarm_at_once_and_alarms_ring_on_the_simulated_clock() {
    assert_eq!(
        statuses("alarm"),
        all_passed(&[
            "runs a scheduled alarm at once, and reports when none is set",
            "rings an alarm by itself once the simulated clock reaches it",
        ])
    );
}

#[test]
fn evicting_drops_an_objects_memory_keeps_its_storage_and_aborting_fails_its_calls() {
    assert_eq!(
        statuses("eviction"),
        all_passed(&[
            "evicting an object drops its memory and keeps its storage",
            "evicting all objects resets each one",
            "refuses an object that is not running, and an unknown WebSocket mode, with workerd's texts",
            "aborting all objects fails their calls in flight",
        ])
    );
}

#[test]
fn reset_deletes_every_bindings_data_and_aborting_breaks_the_stubs_that_reached_their_objects() {
    assert_eq!(
        statuses("reset"),
        all_passed(&[
            "reset() deletes every binding's data and breaks the stubs that reached their objects",
            "a stub that had reached its object is broken by abortAllDurableObjects(); a new one is not",
        ])
    );
}

#[test]
fn wrangler_exports_declare_object_classes_and_ctx_exports_reaches_each_live_one() {
    // `exports` in place of `migrations`: `storage: "sqlite"` classes have SQL, `legacy-kv`
    // ones refuse it with workerd's text; `ctx.exports.<Class>` is the namespace of each live
    // class, bound or not, and nothing for a tombstone.
    assert_eq!(
        fixture_statuses("do-exports", "exports"),
        all_passed(&[
            "declares SQLite-backed classes with storage: sqlite",
            "gives ctx.exports a namespace for each live class, bound or not",
            "keeps a legacy-kv class off SQL, as a class not in new_sqlite_classes",
        ])
    );
}
