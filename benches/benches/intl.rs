//! Intl on ICU4X, each as one warm fetch to a started Worker (so each figure includes a warm
//! request's own cost, see `warm_request_hello_world`): a NumberFormat and a DateTimeFormat
//! made and used once, as a Worker that makes one per request does, and
//! `Number.prototype.toLocaleString`, whose formatter is made once and kept.

use criterion::{Criterion, criterion_group, criterion_main};
use edgesim_benches::{get, serve, start_worker};

const WORKER: &str = r#"export default {
  fetch(request) {
    const path = new URL(request.url).pathname;
    if (path === "/number") {
      return new Response(new Intl.NumberFormat("de-DE", { style: "currency", currency: "EUR" }).format(1234.5));
    }
    if (path === "/date") {
      const f = new Intl.DateTimeFormat("ja-JP", { dateStyle: "full", timeStyle: "short", timeZone: "Asia/Tokyo" });
      return new Response(f.format(Date.UTC(2024, 2, 5, 14, 7)));
    }
    return new Response((1234567.891).toLocaleString());
  },
};
"#;

fn intl(c: &mut Criterion) {
    let mut isolate = start_worker(WORKER, vec![]);
    let mut serve =
        |path: &str| String::from_utf8_lossy(&serve(&mut isolate, get(path)).body).into_owned();
    assert_eq!(serve("/number"), "1.234,50\u{a0}€");
    assert_eq!(serve("/date"), "2024年3月5日火曜日 23:07");
    assert_eq!(serve("/to-locale-string"), "1,234,567.891");
    c.bench_function("intl_number_format_construct_and_format", |b| {
        b.iter(|| serve("/number"))
    });
    c.bench_function("intl_date_time_format_construct_and_format", |b| {
        b.iter(|| serve("/date"))
    });
    c.bench_function("intl_number_to_locale_string", |b| {
        b.iter(|| serve("/to-locale-string"))
    });
}

criterion_group!(benches, intl);
criterion_main!(benches);
