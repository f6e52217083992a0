//! semantics.md §7: the Cache API is per data centre and not replicated — what London stores,
//! Singapore does not see, and London's delete clears only London.

use crate::common;

use edgesim_sim::scenario::run::run;

#[test]
fn cache_is_per_colo_and_not_replicated() {
    let worker = "export default { async fetch(request) {
        const url = new URL(request.url);
        const key = 'https://app.example.com/cached';
        if (url.pathname === '/put') {
          await caches.default.put(key, new Response('v', { headers: { 'cache-control': 'max-age=600' } }));
          return new Response('stored');
        }
        if (url.pathname === '/delete') return new Response(String(await caches.default.delete(key)));
        const hit = await caches.default.match(key);
        return new Response(hit ? 'hit' : 'miss');
      } };";
    let s = common::scenario_with_worker(
        "cache-per-colo",
        &[
            ("wrangler.toml", "name = \"c\"\nmain = \"w.js\"\n"),
            ("w.js", worker),
        ],
        "colos: [LHR, SIN]\ntraffic:\n\
         - { at: 0s, colo: LHR, worker: app, url: /put }\n\
         - { at: 0s, colo: SIN, worker: app, url: /put }\n\
         - { at: 1s, colo: LHR, worker: app, url: /delete }\n\
         - { at: 2s, colo: LHR, worker: app, url: /match }\n\
         - { at: 2s, colo: SIN, worker: app, url: /match }\n",
    );
    let out = run(&s, 1).unwrap();
    let bodies: Vec<(&str, &str)> = out
        .requests
        .iter()
        .map(|r| (&*r.colo, r.body.as_str()))
        .collect();
    assert_eq!(
        bodies,
        vec![
            ("LHR", "stored"),
            ("SIN", "stored"),
            ("LHR", "true"),
            ("LHR", "miss"),
            ("SIN", "hit"),
        ]
    );
}
