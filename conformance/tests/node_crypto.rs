//! node:crypto where edgesim follows Node rather than the recorded workerd, which fails there
//! (differential_snippets.rs lists those snippets): ECDH keys generated and encoded in every
//! point form, and ECDH secrets derived from KeyObjects; and what a snippet's answer cannot show
//! (verifySpkac's warning in the log).

use edgesim_conformance::{Run, body_json, get, nodejs_compat_worker};
use serde_json::json;

fn answer(body: &str) -> serde_json::Value {
    let worker = nodejs_compat_worker("import crypto from 'node:crypto';", body);
    let exchange = Run::default()
        .fetch(&worker, get("https://app.test/"))
        .expect("served");
    body_json(&exchange.response)
}

#[test]
fn ecdh_generates_keys_on_each_nist_curve_and_both_sides_agree() {
    let answer = answer(
        "return ['secp224r1', 'prime256v1', 'secp384r1', 'secp521r1'].map((curve) => { \
           const a = crypto.createECDH(curve), b = crypto.createECDH(curve); \
           const pub = a.generateKeys(); b.generateKeys(); \
           const compressed = a.getPublicKey(null, 'compressed'); \
           const hybrid = a.getPublicKey(null, 'hybrid'); \
           return [pub.length, pub[0], compressed.length, [2, 3].includes(compressed[0]), hybrid[0] - compressed[0], \
             a.computeSecret(b.getPublicKey(null, 'compressed')).equals(b.computeSecret(pub)), \
             crypto.ECDH.convertKey(compressed, curve).equals(pub)]; });",
    );
    assert_eq!(
        answer,
        json!([
            [57, 4, 29, true, 4, true, true],
            [65, 4, 33, true, 4, true, true],
            [97, 4, 49, true, 4, true, true],
            [133, 4, 67, true, 4, true, true]
        ])
    );
}

#[test]
fn diffie_hellman_over_ec_and_x25519_key_objects_matches_the_ecdh_class() {
    let answer = answer(
        "const e = crypto.createECDH('prime256v1'); e.setPrivateKey(Buffer.alloc(32, 7)); \
         const f = crypto.createECDH('prime256v1'); f.setPrivateKey(Buffer.alloc(32, 8)); \
         const point = (pub) => ({ x: pub.subarray(1, 33).toString('base64url'), y: pub.subarray(33).toString('base64url') }); \
         const priv = crypto.createPrivateKey({ format: 'jwk', key: { kty: 'EC', crv: 'P-256', d: Buffer.alloc(32, 7).toString('base64url'), ...point(e.getPublicKey()) } }); \
         const pub = crypto.createPublicKey({ format: 'jwk', key: { kty: 'EC', crv: 'P-256', ...point(f.getPublicKey()) } }); \
         const x = crypto.generateKeyPairSync('x25519'), y = crypto.generateKeyPairSync('x25519'); \
         return [crypto.diffieHellman({ privateKey: priv, publicKey: pub }).equals(e.computeSecret(f.getPublicKey())), \
           crypto.diffieHellman({ privateKey: x.privateKey, publicKey: y.publicKey }).equals(crypto.diffieHellman({ privateKey: y.privateKey, publicKey: x.publicKey })), \
           x.publicKey.asymmetricKeyType];",
    );
    assert_eq!(answer, json!([true, true, "x25519"]));
}

const LEAF_PEM: &str = include_str!("../reference/workerd/x509/leaf.pem");
const LEAF_KEY: &str = include_str!("../reference/workerd/x509/leaf.key");
const CA_PEM: &str = include_str!("../reference/workerd/x509/ca.pem");

/// Where workerd 1.20260426 fails (differential_snippets.rs names the snippets), a certificate
/// answers as in Node: its extended key usages, its legacy object with the EC key's point and
/// curve, the private key that matches it, and its public key equal to the one read from it.
#[test]
fn x509_reports_key_usages_legacy_fields_and_matching_keys_as_node_does() {
    let body = format!(
        "const leaf = new crypto.X509Certificate({leaf}); const ca = new crypto.X509Certificate({ca}); \
         const legacy = leaf.toLegacyObject(); \
         return [leaf.keyUsage, legacy.bits, legacy.pubkey.length, legacy.asn1Curve, legacy.nistCurve, legacy.ext_key_usage, \
           legacy.infoAccess['OCSP - URI'], leaf.checkPrivateKey(crypto.createPrivateKey({key})), \
           ca.checkPrivateKey(crypto.createPrivateKey({key})), crypto.createPublicKey({leaf}).equals(leaf.publicKey), \
           leaf.verify(ca.publicKey), leaf.checkIssued(ca)];",
        leaf = serde_json::to_string(LEAF_PEM).unwrap_or_default(),
        ca = serde_json::to_string(CA_PEM).unwrap_or_default(),
        key = serde_json::to_string(LEAF_KEY).unwrap_or_default(),
    );
    let eku = json!(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]);
    assert_eq!(
        answer(&body),
        json!([
            eku,
            256,
            65,
            "prime256v1",
            "P-256",
            eku,
            ["http://ocsp.example.com"],
            true,
            false,
            true,
            true,
            true
        ])
    );
}

const SPKAC_SHA256: &str = include_str!("../reference/workerd/x509/spkac-sha256.txt");

/// workerd says once per isolate, in the log, that verifySpkac is of limited value in FIPS mode
/// (spkac.c++'s logWarningOnce): the first call that reaches the check logs it, later ones and
/// calls refused for their argument's type do not.
#[test]
fn verify_spkac_warns_once_that_fips_mode_limits_it() {
    let body = format!(
        "const spkac = {spkac}; const out = []; \
         try {{ crypto.Certificate.verifySpkac(42); }} catch (e) {{ out.push(e.code); }} \
         out.push(crypto.Certificate.verifySpkac(Buffer.from(spkac))); \
         out.push(new crypto.Certificate().verifySpkac(Buffer.from('not an spkac'))); \
         return out;",
        spkac = serde_json::to_string(SPKAC_SHA256.trim().trim_start_matches("SPKAC="))
            .unwrap_or_default(),
    );
    let worker = nodejs_compat_worker("import crypto from 'node:crypto';", &body);
    let exchange = Run::default()
        .fetch(&worker, get("https://app.test/"))
        .expect("served");
    assert_eq!(
        body_json(&exchange.response),
        json!(["ERR_INVALID_ARG_TYPE", true, false])
    );
    let warnings: Vec<&str> = (exchange.report.logs.iter())
        .filter(|l| l.level == "warn")
        .map(|l| l.message.as_str())
        .collect();
    assert_eq!(
        warnings,
        [
            "The verifySpkac function is currently of limited value in workers because the SPKAC \
          signature verification uses MD5, which is not supported in FIPS mode. All workers run in \
          FIPS mode. Accordingly, this method will currently always return false even if the \
          SPKAC signature is valid. This is a known limitation."
        ]
    );
}
