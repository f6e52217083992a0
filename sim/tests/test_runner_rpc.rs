//! RPC into the tested Worker from a test, as vitest-pool-workers gives it: returned
//! `RpcTarget`s and functions arrive as stubs, calls pipeline, `RpcStub` wraps a local target,
//! names a class does not declare are refused with the pool's wrapper's texts, and a
//! `ctx.exports` entrypoint called with `{ props }` is a binding carrying them.

use crate::common::{all_passed, fixture_statuses};

#[test]
fn a_test_reaches_returned_rpc_targets_through_stubs_pipelines_calls_and_meets_the_pools_texts() {
    assert_eq!(
        fixture_statuses("rpc-stubs", "stubs"),
        all_passed(&[
            "calls a returned RpcTarget through its stub",
            "pipelines calls on a promise before it settles",
            "keeps a Durable Object's target in the object",
            "refuses a disposed stub",
            "answers as the pool's wrapper does for names the class does not declare",
            "gives ctx.exports entrypoints called with props a binding carrying them",
            "calls back a function the test passed to the Worker or to a Durable Object",
        ])
    );
}
