//! ARCHITECTURE.md "Determinism": randomness comes from the seed, so a run replays byte for
//! byte; a different seed gives different draws.

use edgesim_conformance::{Run, get, js};

const RANDOM: &str = "export default { async fetch() {
    await scheduler.wait(3);
    return Response.json({ m: [Math.random(), Math.random()], u: crypto.randomUUID(), v: Array.from(crypto.getRandomValues(new Uint8Array(8))), t: Date.now() });
} };";

fn body(seed: u64) -> Vec<u8> {
    Run {
        seed,
        ..Default::default()
    }
    .fetch(&js(RANDOM), get("https://example.com/"))
    .unwrap()
    .response
    .body
}

#[test]
fn the_same_seed_gives_the_same_bytes() {
    assert_eq!(body(1), body(1));
}

#[test]
fn different_seeds_give_different_random_values() {
    assert_ne!(body(1), body(2));
}

#[test]
fn math_random_is_uniform_in_zero_to_one() {
    let v = edgesim_conformance::eval_json(
        "let lo = 1, hi = 0, sum = 0; const n = 20000;
         for (let i = 0; i < n; i++) { const r = Math.random(); lo = Math.min(lo, r); hi = Math.max(hi, r); sum += r; }
         return [lo, hi, sum / n];",
    );
    let lo = v[0].as_f64().unwrap();
    let hi = v[1].as_f64().unwrap();
    let mean = v[2].as_f64().unwrap();
    assert!((0.0..0.001).contains(&lo), "{lo}");
    assert!((0.999..1.0).contains(&hi), "{hi}");
    assert!((mean - 0.5).abs() < 0.01, "{mean}");
}
