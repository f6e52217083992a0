//! Traffic generators: Poisson arrivals at a `rate`, drawn from the run's seed.

use std::path::{Path, PathBuf};

use edgesim_sim::scenario::LoadedScenario;
use edgesim_sim::scenario::run::run;

fn poisson(rate: &str) -> LoadedScenario {
    let worker =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/workers/hello/wrangler.toml");
    let text = format!(
        "name: p\nduration: 1m\nworkers:\n  app: {}\ntraffic:\n  - {{ rate: {rate}, colo: LHR, worker: app, url: / }}\n",
        worker.display()
    );
    LoadedScenario::parse("p.yaml", &text, PathBuf::from(".")).unwrap()
}

#[test]
fn a_rate_sends_about_rate_times_window_requests_at_seeded_times() {
    let s = poisson("10/s");
    let counts: Vec<usize> = (0..5)
        .map(|seed| run(&s, seed).unwrap().requests.len())
        .collect();
    for n in &counts {
        assert!((480..=720).contains(n), "{counts:?}");
    }
    let mean = counts.iter().sum::<usize>() as f64 / counts.len() as f64;
    assert!((570.0..=630.0).contains(&mean), "{mean}");
    let times = |seed| {
        run(&s, seed)
            .unwrap()
            .requests
            .iter()
            .map(|r| r.at_ms)
            .collect::<Vec<_>>()
    };
    assert_eq!(times(3), times(3));
    assert_ne!(times(3), times(4));
    assert!(times(3).windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn rates_are_written_per_second_minute_or_hour() {
    assert!(run(&poisson("0.5/m"), 1).unwrap().requests.len() <= 5);
    let e = LoadedScenario::parse("p.yaml", "name: p\nduration: 1m\nworkers: { app: w }\ntraffic:\n  - { rate: 5 per second, colo: LHR, worker: app, url: / }\n", ".".into())
        .unwrap_err()
        .to_string();
    assert!(e.contains("invalid rate \"5 per second\": expected a positive number per s, m or h, like 5/s or 120/m"), "{e}");
    let e = LoadedScenario::parse("p.yaml", "name: p\nduration: 1m\nworkers: { app: w }\ntraffic:\n  - { rate: 5/s, at: 1s, colo: LHR, worker: app, url: / }\n", ".".into())
        .unwrap_err()
        .to_string();
    assert!(
        e.ends_with("traffic item 1: give one of `at`, `every` or `rate`"),
        "{e}"
    );
}

#[test]
fn a_ramp_grows_the_rate_linearly_across_its_window() {
    let s = poisson("1/s, ramp_to: 19/s");
    let out = run(&s, 5).unwrap();
    let first_half = out.requests.iter().filter(|r| r.at_ms < 30_000).count();
    let second_half = out.requests.len() - first_half;
    // Expected: 30 s at a mean 5.5/s, then 30 s at a mean 14.5/s (600 in all).
    assert!(
        (480..=720).contains(&out.requests.len()),
        "{}",
        out.requests.len()
    );
    assert!(
        second_half > 2 * first_half,
        "first half {first_half}, second half {second_half}"
    );
    let e = LoadedScenario::parse(
        "p.yaml",
        "name: p\nduration: 1m\nworkers: { app: w }\ntraffic:\n  - { every: 1s, ramp_to: 5/s, colo: LHR, worker: app, url: / }\n",
        ".".into(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("traffic item 1: `ramp_to` needs `rate` (the rate the ramp starts from)"),
        "{e}"
    );
}

fn repeating(duration: &str, item: &str) -> Result<LoadedScenario, String> {
    let worker =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/workers/hello/wrangler.toml");
    let text = format!(
        "name: r\n{duration}workers:\n  app: {}\ntraffic:\n  - {{ {item}, colo: LHR, worker: app, url: / }}\n",
        worker.display()
    );
    LoadedScenario::parse("r.yaml", &text, PathBuf::from(".")).map_err(|e| e.to_string())
}

/// An `until` far past the run's end plans nothing past `duration`: nothing after it is sent.
#[test]
fn a_repeating_item_stops_when_the_run_ends_whatever_its_until() {
    let s = repeating("duration: 10s\n", "every: 1s, until: 1000000h").unwrap();
    let out = run(&s, 1).unwrap();
    let times: Vec<u64> = out.requests.iter().map(|r| r.at_ms).collect();
    // The one planned at exactly 10 s races the end of the run (which wins depends on the seed).
    assert_eq!(times[..10], (0..10).map(|s| s * 1000).collect::<Vec<_>>());
    assert!(
        times.len() <= 11 && times.iter().all(|at| *at <= 10_000),
        "{times:?}"
    );
}

#[test]
fn an_item_that_would_send_more_than_ten_million_requests_is_refused() {
    let e = repeating("", "every: 1ms, until: 18446744073709551615ms").unwrap_err();
    assert!(
        e.ends_with(
            "traffic item 1: would send about 18446744073709551616 requests; at most 10000000 \
             per item (shorten `until` or `duration`, or send less often)"
        ),
        "{e}"
    );
    let e = repeating("duration: 1000h\n", "rate: 1000/s").unwrap_err();
    assert!(e.contains("would send about 3600000000 requests"), "{e}");
    assert!(repeating("duration: 1h\n", "every: 1ms").is_ok());
}
