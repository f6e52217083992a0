//! The scenario, CLI and test-runner tests as one test binary: each file under tests/ is one
//! area's module, so a test's path (`<file>::<test>`) is the name conformance/claims.yaml gives
//! it. One binary instead of one per file links the simulator once, not thirty times.

mod common;

mod cli;
mod cli_d1;
mod cli_hostile;
mod cli_origins;
mod cli_persist_crash;
mod cli_request_cf;
mod cli_sweep_shards;
mod kv_propagation;
mod scenario_cache;
mod scenario_clients;
mod scenario_cron;
mod scenario_d1_replicas;
mod scenario_durable_object_script_name;
mod scenario_durable_objects;
mod scenario_email;
mod scenario_fail_fast;
mod scenario_faults;
mod scenario_isolates;
mod scenario_link_noise;
mod scenario_object_isolates;
mod scenario_origins;
mod scenario_parse;
mod scenario_partitions;
mod scenario_properties;
mod scenario_report;
mod scenario_rpc_callbacks;
mod scenario_rpc_stubs;
mod scenario_run;
mod scenario_service_bindings;
mod scenario_service_worker;
mod scenario_shipped;
mod scenario_shrink;
mod scenario_small_bindings;
mod scenario_smart_placement;
mod scenario_static_assets;
mod scenario_sweep;
mod scenario_tcp_sockets;
mod scenario_trace_file;
mod scenario_traffic;
mod scenario_websockets;
mod scenario_workflows;
mod test_runner_cli;
mod test_runner_config_functions;
mod test_runner_durable_objects;
mod test_runner_mocks;
mod test_runner_msw;
mod test_runner_rpc;
mod test_runner_vitest;
mod test_runner_world;
