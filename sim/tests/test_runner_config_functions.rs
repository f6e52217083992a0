//! Functions in a vitest config's pool options run in the config's own isolate inside the
//! simulation: a service binding that is a function, the runner's and an auxiliary Worker's
//! `outboundService`, with the state the config computed once; plus inline auxiliary modules,
//! both configs' `define`, a wrangler config without `main`, and the global setup (`provide`,
//! a `wrangler build` step skipped, any other command refused).

use crate::common::{all_passed, fixture_statuses};

#[test]
fn config_functions_answer_bindings_and_outbound_fetches_with_the_configs_own_state() {
    assert_eq!(
        fixture_statuses("config-functions", "functions"),
        all_passed(&[
            "calls a service binding that is a config function, which keeps its state between calls",
            "sends the runner's fetch() to the config's outboundService",
            "sends an auxiliary Worker's fetch() to its own outboundService",
            "replaces the vitest config's and the wrangler config's defines",
            "runs without a main, where SELF says to set one",
            "runs the global setup, whose wrangler build is skipped and whose provides inject answers",
        ])
    );
}
