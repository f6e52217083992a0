//! What each WebAssembly operator costs in fuel, weighted as V8's optimising compiler runs it
//! rather than as an interpreter steps through it: locals and constants live in registers
//! (free); integer operations, loads, stores and branches are one unit; a multiplication
//! three, a division twenty (their latencies); floating-point arithmetic eight, its division
//! twenty-four and square root thirty (a chain of them waits on each one's latency); a call
//! ten. A unit is `call.rs` `PS_PER_FUEL` of V8 CPU; the weights and the unit were fitted
//! to workerd's timings of the WebAssembly workloads of benches/calibration/corpus (README
//! "CPU time").

use wasmi::OperatorCost;

pub fn operator_costs() -> OperatorCost {
    let mut c = OperatorCost::default();
    let free = [
        &mut c.local_get,
        &mut c.local_set,
        &mut c.local_tee,
        &mut c.i32_const,
        &mut c.i64_const,
        &mut c.f32_const,
        &mut c.f64_const,
    ];
    set(free, 0);
    set([&mut c.i32_mul, &mut c.i64_mul], 3);
    let divisions = [
        &mut c.i32_div_s,
        &mut c.i32_div_u,
        &mut c.i32_rem_s,
        &mut c.i32_rem_u,
        &mut c.i64_div_s,
        &mut c.i64_div_u,
        &mut c.i64_rem_s,
        &mut c.i64_rem_u,
    ];
    set(divisions, 20);
    let float = [
        &mut c.f32_add,
        &mut c.f32_sub,
        &mut c.f32_mul,
        &mut c.f32_min,
        &mut c.f32_max,
        &mut c.f64_add,
        &mut c.f64_sub,
        &mut c.f64_mul,
        &mut c.f64_min,
        &mut c.f64_max,
        &mut c.f32_convert_i32_s,
        &mut c.f32_convert_i32_u,
        &mut c.f64_convert_i32_s,
        &mut c.f64_convert_i32_u,
        &mut c.i32_trunc_f64_s,
        &mut c.i32_trunc_f64_u,
        &mut c.i32_trunc_sat_f64_s,
        &mut c.i32_trunc_sat_f64_u,
    ];
    set(float, 8);
    set([&mut c.f32_div, &mut c.f64_div], 24);
    set([&mut c.f32_sqrt, &mut c.f64_sqrt], 30);
    set([&mut c.call, &mut c.return_call], 10);
    set([&mut c.call_indirect, &mut c.return_call_indirect], 12);
    c
}

fn set<const N: usize>(fields: [&mut u8; N], cost: u8) {
    for field in fields {
        *field = cost;
    }
}
