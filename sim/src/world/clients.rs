//! Who sends a request, as Cloudflare's edge describes them to a Worker: `request.cf` and the
//! headers the edge adds (`CF-Connecting-IP`, `CF-IPCountry`, `CF-Ray`, …). A client lives in
//! the city of the colo it reaches, on one of that country's large networks; its address and
//! TLS fingerprint are drawn from the run's seed, so a client keeps them for the whole run and a
//! replay gives the same bytes. The places and networks are plausible, not measured: a city
//! near each colo, with its postal code, time zone and an incumbent network's ASN.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use base64::Engine;
use edgesim_runtime::digest::hex;
use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Map, Value, json};

/// (IATA, city, region, regionCode, postalCode, metroCode, country, continent, timezone, asn,
/// asOrganization)
type Place = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    u32,
    &'static str,
);

#[rustfmt::skip]
const PLACES: &[Place] = &[
    ("SJC", "San Jose", "California", "CA", "95110", "807", "US", "NA", "America/Los_Angeles", 7922, "Comcast Cable Communications, LLC"),
    ("SFO", "San Francisco", "California", "CA", "94107", "807", "US", "NA", "America/Los_Angeles", 7018, "AT&T Services, Inc."),
    ("LAX", "Los Angeles", "California", "CA", "90012", "803", "US", "NA", "America/Los_Angeles", 20115, "Charter Communications Inc"),
    ("SEA", "Seattle", "Washington", "WA", "98101", "819", "US", "NA", "America/Los_Angeles", 7922, "Comcast Cable Communications, LLC"),
    ("PDX", "Portland", "Oregon", "OR", "97201", "820", "US", "NA", "America/Los_Angeles", 7922, "Comcast Cable Communications, LLC"),
    ("DEN", "Denver", "Colorado", "CO", "80202", "751", "US", "NA", "America/Denver", 7922, "Comcast Cable Communications, LLC"),
    ("PHX", "Phoenix", "Arizona", "AZ", "85004", "753", "US", "NA", "America/Phoenix", 22773, "Cox Communications Inc."),
    ("DFW", "Dallas", "Texas", "TX", "75201", "623", "US", "NA", "America/Chicago", 7018, "AT&T Services, Inc."),
    ("ORD", "Chicago", "Illinois", "IL", "60601", "602", "US", "NA", "America/Chicago", 7922, "Comcast Cable Communications, LLC"),
    ("ATL", "Atlanta", "Georgia", "GA", "30303", "524", "US", "NA", "America/New_York", 7018, "AT&T Services, Inc."),
    ("MIA", "Miami", "Florida", "FL", "33131", "528", "US", "NA", "America/New_York", 7922, "Comcast Cable Communications, LLC"),
    ("IAD", "Ashburn", "Virginia", "VA", "20147", "511", "US", "NA", "America/New_York", 701, "Verizon Business"),
    ("EWR", "Newark", "New Jersey", "NJ", "07102", "501", "US", "NA", "America/New_York", 701, "Verizon Business"),
    ("BOS", "Boston", "Massachusetts", "MA", "02108", "506", "US", "NA", "America/New_York", 7922, "Comcast Cable Communications, LLC"),
    ("YYZ", "Toronto", "Ontario", "ON", "M5H", "", "CA", "NA", "America/Toronto", 812, "Rogers Communications Canada Inc."),
    ("YVR", "Vancouver", "British Columbia", "BC", "V6B", "", "CA", "NA", "America/Vancouver", 852, "TELUS Communications Inc."),
    ("MEX", "Mexico City", "Mexico City", "CMX", "06000", "", "MX", "NA", "America/Mexico_City", 8151, "UNINET"),
    ("GRU", "São Paulo", "Sao Paulo", "SP", "01000-000", "", "BR", "SA", "America/Sao_Paulo", 28573, "Claro NXT Telecomunicacoes Ltda"),
    ("EZE", "Buenos Aires", "Buenos Aires F.D.", "C", "C1000", "", "AR", "SA", "America/Argentina/Buenos_Aires", 7303, "Telecom Argentina S.A."),
    ("SCL", "Santiago", "Santiago Metropolitan", "RM", "8320000", "", "CL", "SA", "America/Santiago", 7418, "TELEFONICA CHILE S.A."),
    ("BOG", "Bogotá", "Bogota D.C.", "DC", "110111", "", "CO", "SA", "America/Bogota", 3816, "COLOMBIA TELECOMUNICACIONES S.A. ESP"),
    ("LIM", "Lima", "Lima Province", "LMA", "15001", "", "PE", "SA", "America/Lima", 6147, "Telefonica del Peru S.A.A."),
    ("LHR", "London", "England", "ENG", "EC1A", "", "GB", "EU", "Europe/London", 2856, "British Telecommunications PLC"),
    ("CDG", "Paris", "Île-de-France", "IDF", "75001", "", "FR", "EU", "Europe/Paris", 3215, "Orange"),
    ("AMS", "Amsterdam", "North Holland", "NH", "1012", "", "NL", "EU", "Europe/Amsterdam", 1136, "KPN B.V."),
    ("FRA", "Frankfurt am Main", "Hesse", "HE", "60311", "", "DE", "EU", "Europe/Berlin", 3320, "Deutsche Telekom AG"),
    ("MAD", "Madrid", "Madrid", "MD", "28001", "", "ES", "EU", "Europe/Madrid", 3352, "TELEFONICA DE ESPANA S.A.U."),
    ("MXP", "Milan", "Lombardy", "25", "20121", "", "IT", "EU", "Europe/Rome", 3269, "Telecom Italia S.p.A."),
    ("ZRH", "Zurich", "Zurich", "ZH", "8001", "", "CH", "EU", "Europe/Zurich", 3303, "Swisscom (Schweiz) AG"),
    ("DUB", "Dublin", "Leinster", "L", "D01", "", "IE", "EU", "Europe/Dublin", 5466, "Eircom Limited"),
    ("CPH", "Copenhagen", "Capital Region", "84", "1050", "", "DK", "EU", "Europe/Copenhagen", 3292, "TDC Holding A/S"),
    ("ARN", "Stockholm", "Stockholm County", "AB", "111 20", "", "SE", "EU", "Europe/Stockholm", 3301, "Telia Company AB"),
    ("WAW", "Warsaw", "Mazovia", "14", "00-001", "", "PL", "EU", "Europe/Warsaw", 5617, "Orange Polska Spolka Akcyjna"),
    ("VIE", "Vienna", "Vienna", "9", "1010", "", "AT", "EU", "Europe/Vienna", 8447, "A1 Telekom Austria AG"),
    ("PRG", "Prague", "Prague", "10", "110 00", "", "CZ", "EU", "Europe/Prague", 5610, "O2 Czech Republic, a.s."),
    ("HEL", "Helsinki", "Uusimaa", "18", "00100", "", "FI", "EU", "Europe/Helsinki", 719, "Elisa Oyj"),
    ("IST", "Istanbul", "Istanbul", "34", "34000", "", "TR", "AS", "Europe/Istanbul", 9121, "Turk Telekomunikasyon Anonim Sirketi"),
    ("ATH", "Athens", "Attica", "I", "105 51", "", "GR", "EU", "Europe/Athens", 6799, "Hellenic Telecommunications Organization S.A."),
    ("DXB", "Dubai", "Dubai", "DU", "", "", "AE", "AS", "Asia/Dubai", 5384, "Emirates Telecommunications Group Company PJSC"),
    ("TLV", "Tel Aviv", "Tel Aviv", "TA", "61000", "", "IL", "AS", "Asia/Jerusalem", 8551, "Bezeq International Ltd."),
    ("DOH", "Doha", "Baladiyat ad Dawhah", "DA", "", "", "QA", "AS", "Asia/Qatar", 8781, "Ooredoo Q.S.C."),
    ("JNB", "Johannesburg", "Gauteng", "GP", "2000", "", "ZA", "AF", "Africa/Johannesburg", 37457, "Telkom SA Ltd."),
    ("CPT", "Cape Town", "Western Cape", "WC", "8001", "", "ZA", "AF", "Africa/Johannesburg", 36994, "Vodacom"),
    ("LOS", "Lagos", "Lagos", "LA", "100001", "", "NG", "AF", "Africa/Lagos", 29465, "MTN NIGERIA Communication limited"),
    ("NBO", "Nairobi", "Nairobi County", "30", "00100", "", "KE", "AF", "Africa/Nairobi", 33771, "Safaricom Limited"),
    ("CAI", "Cairo", "Cairo Governorate", "C", "11511", "", "EG", "AF", "Africa/Cairo", 8452, "TE Data"),
    ("BOM", "Mumbai", "Maharashtra", "MH", "400001", "", "IN", "AS", "Asia/Kolkata", 55836, "Reliance Jio Infocomm Limited"),
    ("DEL", "New Delhi", "National Capital Territory of Delhi", "DL", "110001", "", "IN", "AS", "Asia/Kolkata", 24560, "Bharti Airtel Ltd."),
    ("MAA", "Chennai", "Tamil Nadu", "TN", "600001", "", "IN", "AS", "Asia/Kolkata", 55836, "Reliance Jio Infocomm Limited"),
    ("SIN", "Singapore", "", "", "018956", "", "SG", "AS", "Asia/Singapore", 9506, "Singtel Fibre Broadband"),
    ("HKG", "Hong Kong", "", "", "", "", "HK", "AS", "Asia/Hong_Kong", 4760, "HKT Limited"),
    ("NRT", "Tokyo", "Tokyo", "13", "100-0001", "", "JP", "AS", "Asia/Tokyo", 2516, "KDDI CORPORATION"),
    ("KIX", "Osaka", "Osaka", "27", "530-0001", "", "JP", "AS", "Asia/Tokyo", 17676, "SoftBank Corp."),
    ("ICN", "Seoul", "Seoul", "11", "04524", "", "KR", "AS", "Asia/Seoul", 4766, "Korea Telecom"),
    ("TPE", "Taipei", "Taipei City", "TPE", "100", "", "TW", "AS", "Asia/Taipei", 3462, "Data Communication Business Group"),
    ("BKK", "Bangkok", "Bangkok", "10", "10200", "", "TH", "AS", "Asia/Bangkok", 7470, "TRUE INTERNET Co.,Ltd."),
    ("KUL", "Kuala Lumpur", "Kuala Lumpur", "14", "50000", "", "MY", "AS", "Asia/Kuala_Lumpur", 4788, "TM Technology Services Sdn Bhd"),
    ("CGK", "Jakarta", "Jakarta", "JK", "10110", "", "ID", "AS", "Asia/Jakarta", 7713, "PT Telekomunikasi Indonesia"),
    ("MNL", "Manila", "Metro Manila", "00", "1000", "", "PH", "AS", "Asia/Manila", 9299, "Philippine Long Distance Telephone Company"),
    ("SYD", "Sydney", "New South Wales", "NSW", "2000", "", "AU", "OC", "Australia/Sydney", 1221, "Telstra Limited"),
    ("MEL", "Melbourne", "Victoria", "VIC", "3000", "", "AU", "OC", "Australia/Melbourne", 4764, "Aussie Broadband"),
    ("BNE", "Brisbane", "Queensland", "QLD", "4000", "", "AU", "OC", "Australia/Brisbane", 1221, "Telstra Limited"),
    ("PER", "Perth", "Western Australia", "WA", "6000", "", "AU", "OC", "Australia/Perth", 7545, "TPG Telecom Limited"),
    ("AKL", "Auckland", "Auckland", "AUK", "1010", "", "NZ", "OC", "Pacific/Auckland", 4771, "Spark New Zealand Trading Ltd."),
];

/// The member states whose visitors production marks `isEUCountry: "1"`.
const EU_COUNTRIES: &[&str] = &[
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];

/// One client: where it is, its address, its TLS fingerprint.
#[derive(Debug, Clone, PartialEq)]
pub struct Client {
    id: ClientId,
    pub ip: String,
    /// The client's colo (its city); a colo edgesim has no city for gets no geography.
    home: Option<&'static Place>,
    lat: f64,
    lon: f64,
    tcp_rtt_ms: u32,
    tls_random: [u8; 32],
    tls_hello_length: u32,
    tls_extensions_sha1: [u8; 20],
    tls_authenticator: [[u8; 32]; 4],
}

impl Client {
    /// The client called `key` (a traffic item, a session) of a run seeded `seed`, in the city
    /// of `home_colo`; `ip` when the user set one, else drawn from the seed.
    pub fn new(seed: u64, key: &str, home_colo: &str, ip: Option<&str>) -> Client {
        let mut rng =
            ChaCha8Rng::seed_from_u64(crate::seed::derive(seed, &format!("client/{key}")));
        let home = PLACES.iter().find(|p| p.0.eq_ignore_ascii_case(home_colo));
        let (lat, lon) = super::colos::built_in(home_colo).map_or((0.0, 0.0), |c| (c.lat, c.lon));
        let drawn_ip = public_ipv4(&mut rng);
        let mut client = Client {
            id: (
                key.to_string(),
                home_colo.to_string(),
                ip.map(str::to_string),
            ),
            ip: ip.map_or(drawn_ip, str::to_string),
            home,
            lat,
            lon,
            tcp_rtt_ms: rng.random_range(4..40),
            tls_random: [0; 32],
            tls_hello_length: rng.random_range(380..1800),
            tls_extensions_sha1: [0; 20],
            tls_authenticator: [[0; 32]; 4],
        };
        rng.fill_bytes(&mut client.tls_random);
        rng.fill_bytes(&mut client.tls_extensions_sha1);
        for part in &mut client.tls_authenticator {
            rng.fill_bytes(part);
        }
        client
    }

    pub fn country(&self) -> &'static str {
        self.home.map_or("XX", |p| p.6)
    }

    /// `request.cf` for this client's `request` reaching `colo`, with the fields production
    /// fills in the order it fills them; `accept_encoding` is what the client sent.
    pub fn cf(&self, colo: &str, https: bool, accept_encoding: Option<&str>) -> Map<String, Value> {
        let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
        let tls = |value: &str| {
            if https {
                value.to_string()
            } else {
                String::new()
            }
        };
        let mut cf = Map::new();
        cf.insert("clientTcpRtt".into(), json!(self.tcp_rtt_ms));
        cf.insert("longitude".into(), json!(format!("{:.5}", self.lon)));
        cf.insert("latitude".into(), json!(format!("{:.5}", self.lat)));
        cf.insert("tlsCipher".into(), json!(tls("AEAD-AES128-GCM-SHA256")));
        if let Some(p) = self.home {
            cf.insert("continent".into(), json!(p.7));
            cf.insert("asn".into(), json!(p.9));
        }
        if let Some(encoding) = accept_encoding {
            cf.insert("clientAcceptEncoding".into(), json!(encoding));
        }
        if let Some(p) = self.home {
            cf.insert("country".into(), json!(p.6));
            if EU_COUNTRIES.contains(&p.6) {
                cf.insert("isEUCountry".into(), json!("1"));
            }
        }
        cf.insert("verifiedBotCategory".into(), json!(""));
        if https {
            cf.insert("tlsClientAuth".into(), no_client_certificate());
            let [cf_, ch, sh, sf] = &self.tls_authenticator;
            cf.insert(
                "tlsExportedAuthenticator".into(),
                json!({ "clientFinished": hex(cf_), "clientHandshake": hex(ch),
                        "serverHandshake": hex(sh), "serverFinished": hex(sf) }),
            );
        }
        cf.insert("tlsVersion".into(), json!(tls("TLSv1.3")));
        cf.insert("colo".into(), json!(colo));
        if let Some(p) = self.home {
            cf.insert("timezone".into(), json!(p.8));
            cf.insert("city".into(), json!(p.1));
        }
        if https {
            cf.insert(
                "tlsClientHelloLength".into(),
                json!(self.tls_hello_length.to_string()),
            );
        }
        cf.insert("edgeRequestKeepAliveStatus".into(), json!(1));
        cf.insert("requestPriority".into(), json!(""));
        if https {
            cf.insert("tlsClientRandom".into(), json!(b64(&self.tls_random)));
        }
        cf.insert("httpProtocol".into(), json!("HTTP/2"));
        if let Some(p) = self.home {
            cf.insert("region".into(), json!(p.2));
            cf.insert("regionCode".into(), json!(p.3));
            cf.insert("asOrganization".into(), json!(p.10));
            if !p.5.is_empty() {
                cf.insert("metroCode".into(), json!(p.5));
            }
            cf.insert("postalCode".into(), json!(p.4));
        }
        if https {
            let mut le = self.tls_extensions_sha1;
            le.reverse();
            cf.insert(
                "tlsClientExtensionsSha1".into(),
                json!(b64(&self.tls_extensions_sha1)),
            );
            cf.insert("tlsClientExtensionsSha1Le".into(), json!(b64(&le)));
        }
        cf
    }
}

fn no_client_certificate() -> Value {
    let empty = [
        "certIssuerDNLegacy",
        "certIssuerSKI",
        "certSubjectDNRFC2253",
        "certSubjectDNLegacy",
        "certFingerprintSHA256",
        "certNotBefore",
        "certSKI",
        "certSerial",
        "certIssuerDN",
    ];
    let mut auth = Map::new();
    for name in empty {
        auth.insert(name.into(), json!(""));
    }
    auth.insert("certVerified".into(), json!("NONE"));
    for name in ["certNotAfter", "certSubjectDN"] {
        auth.insert(name.into(), json!(""));
    }
    auth.insert("certPresented".into(), json!("0"));
    auth.insert("certRevoked".into(), json!("0"));
    for name in [
        "certIssuerSerial",
        "certIssuerDNRFC2253",
        "certFingerprintSHA1",
    ] {
        auth.insert(name.into(), json!(""));
    }
    Value::Object(auth)
}

/// Who a client is, as a run names it: its key (a session, a traffic item), where it lives and
/// the address it was given.
type ClientId = (String, String, Option<String>);

/// A client's `request.cf` as seen at a colo, over HTTPS or not, given its `Accept-Encoding`.
type CfView = (ClientId, String, bool, Option<String>);

/// The clients of a run, each made once, and each one's `request.cf` text per colo it reaches:
/// the same for every request, so serialised once.
#[derive(Default)]
pub struct Clients {
    clients: RefCell<BTreeMap<ClientId, Rc<Client>>>,
    cf_texts: RefCell<BTreeMap<CfView, Rc<str>>>,
}

impl Clients {
    /// The client `key` of a run seeded `seed`, living at `home_colo` (see [`Client::new`]).
    pub fn client(&self, seed: u64, key: &str, home_colo: &str, ip: Option<&str>) -> Rc<Client> {
        let id = (
            key.to_string(),
            home_colo.to_string(),
            ip.map(str::to_string),
        );
        self.clients
            .borrow_mut()
            .entry(id)
            .or_insert_with(|| Rc::new(Client::new(seed, key, home_colo, ip)))
            .clone()
    }

    /// [`Client::cf`] as JSON text.
    pub fn cf_text(
        &self,
        client: &Client,
        colo: &str,
        https: bool,
        accept_encoding: Option<&str>,
    ) -> Rc<str> {
        let key = (
            client.id.clone(),
            colo.to_string(),
            https,
            accept_encoding.map(str::to_string),
        );
        self.cf_texts
            .borrow_mut()
            .entry(key)
            .or_insert_with(|| {
                let cf = client.cf(colo, https, accept_encoding);
                Rc::from(Value::Object(cf).to_string())
            })
            .clone()
    }
}

/// An address of the public IPv4 Internet: not private, loopback, link-local, shared,
/// documentation, multicast or reserved.
fn public_ipv4(rng: &mut ChaCha8Rng) -> String {
    loop {
        let [a, b, c, d] = rng.next_u32().to_be_bytes();
        let special = matches!(a, 0 | 10 | 127 | 224..=255)
            || (a == 100 && (64..128).contains(&b))
            || (a == 169 && b == 254)
            || (a == 172 && (16..32).contains(&b))
            || (a == 192 && (b == 168 || (b == 0 && c == 2) || (b == 0 && c == 0)))
            || (a == 198 && (b == 18 || b == 19 || (b == 51 && c == 100)))
            || (a == 203 && b == 0 && c == 113);
        if !special && d != 0 && d != 255 {
            return format!("{a}.{b}.{c}.{d}");
        }
    }
}

/// Adds the headers Cloudflare's edge adds before a request reaches the Worker, replacing any
/// the client sent under those names (a client cannot spoof its address), and normalises
/// `Accept-Encoding` as the edge does.
pub fn add_edge_headers(
    headers: &mut Vec<(String, String)>,
    client: &Client,
    url: &url::Url,
    colo: &str,
    ray: u64,
) {
    let scheme = url.scheme().to_string();
    let names = [
        "cf-connecting-ip",
        "cf-ipcountry",
        "cf-ray",
        "cf-visitor",
        "x-forwarded-proto",
        "x-real-ip",
        "cdn-loop",
    ];
    let forwarded_for = headers
        .iter()
        .find(|(k, _)| k == "x-forwarded-for")
        .map(|(_, v)| format!("{v}, {}", client.ip));
    headers.retain(|(k, _)| !names.contains(&k.as_str()) && k != "x-forwarded-for");
    if headers.iter().any(|(k, _)| k == "accept-encoding") {
        headers.retain(|(k, _)| k != "accept-encoding");
        headers.push(("accept-encoding".into(), "gzip, br".into()));
    }
    if !headers.iter().any(|(k, _)| k == "host")
        && let Some(host) = url.host_str()
    {
        let host = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_string(),
        };
        headers.push(("host".into(), host));
    }
    headers.extend([
        ("cf-connecting-ip".into(), client.ip.clone()),
        ("cf-ipcountry".into(), client.country().to_string()),
        ("cf-ray".into(), format!("{ray:016x}-{colo}")),
        ("cf-visitor".into(), format!("{{\"scheme\":\"{scheme}\"}}")),
        ("x-forwarded-proto".into(), scheme),
        ("x-real-ip".into(), client.ip.clone()),
        (
            "x-forwarded-for".into(),
            forwarded_for.unwrap_or_else(|| client.ip.clone()),
        ),
        ("cdn-loop".into(), "cloudflare; loops=1".into()),
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_colo_has_a_place() {
        for colo in crate::world::colos::built_in_names() {
            assert!(
                PLACES.iter().any(|p| p.0 == colo),
                "{colo} has no client place"
            );
        }
    }
}
