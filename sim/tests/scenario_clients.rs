//! Incoming requests look like production's: `request.cf` describes a client in the city of the
//! colo it reached, the edge adds Cloudflare's headers, and each client keeps one address for
//! the run (drawn from the seed, or set with `ip:`).

use crate::common;

use edgesim_sim::scenario::run::run;

const ECHO: &str = "export default { fetch(request) {
    const cf = request.cf;
    const h = (name) => request.headers.get(name);
    return Response.json({
      cf: [cf.colo, cf.country, cf.city, cf.continent, cf.region, cf.regionCode, cf.postalCode,
           cf.timezone, cf.latitude, cf.longitude, cf.asn, cf.asOrganization, cf.isEUCountry,
           cf.httpProtocol, cf.tlsVersion, cf.tlsCipher, typeof cf.clientTcpRtt, cf.metroCode],
      ip: h('cf-connecting-ip'), real: h('x-real-ip'), xff: h('x-forwarded-for'),
      country: h('cf-ipcountry'), ray: h('cf-ray'), visitor: h('cf-visitor'),
      proto: h('x-forwarded-proto'), host: h('host'), encoding: h('accept-encoding'),
      clientEncoding: cf.clientAcceptEncoding ?? null,
    });
  } };";

fn scenario(tag: &str, traffic: &str) -> edgesim_sim::scenario::LoadedScenario {
    common::scenario_with_worker(
        tag,
        &[
            ("wrangler.toml", "name = \"echo\"\nmain = \"echo.js\"\n"),
            ("echo.js", ECHO),
        ],
        &format!("colos: [LHR, IAD, SIN, FRA]\ntraffic:\n{traffic}"),
    )
}

fn answers(tag: &str, traffic: &str, seed: u64) -> Vec<serde_json::Value> {
    let out = run(&scenario(tag, traffic), seed).unwrap();
    out.requests
        .iter()
        .map(|r| serde_json::from_str(&r.body).unwrap())
        .collect()
}

#[test]
fn request_cf_describes_a_client_in_the_city_of_its_colo() {
    let got = answers(
        "cf-places",
        "  - { at: 0s, colo: LHR, worker: app, url: /a }\n\
         \x20 - { at: 0s, colo: IAD, worker: app, url: /a }\n\
         \x20 - { at: 0s, colo: SIN, worker: app, url: /a }\n",
        1,
    );
    let cf: Vec<&serde_json::Value> = got.iter().map(|a| &a["cf"]).collect();
    assert_eq!(
        cf,
        [
            &serde_json::json!([
                "LHR",
                "GB",
                "London",
                "EU",
                "England",
                "ENG",
                "EC1A",
                "Europe/London",
                "51.50000",
                "-0.50000",
                2856,
                "British Telecommunications PLC",
                null,
                "HTTP/2",
                "TLSv1.3",
                "AEAD-AES128-GCM-SHA256",
                "number",
                null
            ]),
            &serde_json::json!([
                "IAD",
                "US",
                "Ashburn",
                "NA",
                "Virginia",
                "VA",
                "20147",
                "America/New_York",
                "38.90000",
                "-77.50000",
                701,
                "Verizon Business",
                null,
                "HTTP/2",
                "TLSv1.3",
                "AEAD-AES128-GCM-SHA256",
                "number",
                "511"
            ]),
            &serde_json::json!([
                "SIN",
                "SG",
                "Singapore",
                "AS",
                "",
                "",
                "018956",
                "Asia/Singapore",
                "1.40000",
                "104.00000",
                9506,
                "Singtel Fibre Broadband",
                null,
                "HTTP/2",
                "TLSv1.3",
                "AEAD-AES128-GCM-SHA256",
                "number",
                null
            ]),
        ]
    );
    let eu = answers(
        "cf-eu",
        "  - { at: 0s, colo: FRA, worker: app, url: /a }\n",
        1,
    );
    assert_eq!(eu[0]["cf"][12], "1", "a visitor from an EU member state");
}

#[test]
fn the_edge_adds_cloudflares_headers_and_a_client_keeps_its_address() {
    let traffic = "  - { at: 0s, colo: LHR, worker: app, url: /a, session: alice, headers: { accept-encoding: 'gzip, deflate', cf-connecting-ip: 1.2.3.4, x-forwarded-for: 10.0.0.1 } }\n\
                   \x20 - { at: 1s, colo: LHR, worker: app, url: /b, session: alice }\n\
                   \x20 - { at: 0s, colo: SIN, worker: app, url: /c, ip: 2001:db8::7 }\n\
                   \x20 - { every: 1s, from: 0s, until: 1s, colo: IAD, worker: app, url: /d }\n";
    let got = answers("cf-headers", traffic, 3);
    let lhr_a = &got[0];
    let ip = lhr_a["ip"].as_str().unwrap().to_string();
    assert_ne!(
        ip, "1.2.3.4",
        "a client cannot set its own CF-Connecting-IP"
    );
    assert_eq!(lhr_a["real"], ip.as_str());
    assert_eq!(lhr_a["xff"], format!("10.0.0.1, {ip}").as_str());
    assert_eq!(lhr_a["country"], "GB");
    assert_eq!(lhr_a["visitor"], r#"{"scheme":"https"}"#);
    assert_eq!(lhr_a["proto"], "https");
    assert_eq!(lhr_a["host"], "app.example.com");
    assert_eq!(lhr_a["encoding"], "gzip, br");
    assert_eq!(lhr_a["clientEncoding"], "gzip, deflate");
    let ray = lhr_a["ray"].as_str().unwrap();
    assert!(
        ray.len() == 20
            && ray.ends_with("-LHR")
            && ray[..16].chars().all(|c| c.is_ascii_hexdigit()),
        "{ray}"
    );
    // A session, and each traffic item outside one, is one client: its requests share an
    // address, other clients' differ.
    let ips: Vec<&str> = got.iter().map(|a| a["ip"].as_str().unwrap()).collect();
    assert_eq!(ips.len(), 5);
    let iad: Vec<&str> = ips
        .iter()
        .copied()
        .filter(|i| *i != ip && *i != "2001:db8::7")
        .collect();
    assert_eq!(iad.len(), 2);
    assert_eq!(iad[0], iad[1], "one traffic item, one client");
    assert_eq!(got[3]["ip"], ip.as_str(), "one session, one client");
    assert!(ips.contains(&"2001:db8::7"), "ip: sets the address");
    // The same seed draws the same addresses; another seed other ones.
    assert_eq!(answers("cf-headers", traffic, 3), got);
    assert_ne!(answers("cf-headers", traffic, 4)[0]["ip"], got[0]["ip"]);
}
