//! `crypto.subtle` (WebCrypto as workerd implements it, crypto.c++ and friends): published test
//! vectors for each algorithm family, round trips through every key format, and workerd's texts
//! for the errors a Worker most often meets.

use edgesim_conformance::eval_json;
use serde_json::json;

const HEX: &str = "const hex = (b) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('');
  const unhex = (s) => new Uint8Array(s.match(/../g).map((x) => parseInt(x, 16)));
  const enc = new TextEncoder();";

fn run(body: &str) -> serde_json::Value {
    eval_json(&format!("{HEX}\n{body}"))
}

#[test]
fn hmac_sha256_matches_rfc_4231_case_1_and_verifies() {
    let v = run("const key = await crypto.subtle.importKey('raw', new Uint8Array(20).fill(0x0b), { name: 'HMAC', hash: 'SHA-256' }, true, ['sign', 'verify']);
       const mac = await crypto.subtle.sign('HMAC', key, enc.encode('Hi There'));
       const ok = await crypto.subtle.verify('HMAC', key, mac, enc.encode('Hi There'));
       const bad = await crypto.subtle.verify('HMAC', key, mac, enc.encode('Hi there'));
       return [hex(mac), ok, bad, key.algorithm, key.type, key.usages, await crypto.subtle.exportKey('jwk', key)];");
    assert_eq!(
        v,
        json!(["b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7", true, false,
            { "name": "HMAC", "hash": { "name": "SHA-256" }, "length": 160 }, "secret", ["sign", "verify"],
            { "kty": "oct", "alg": "HS256", "k": "CwsLCwsLCwsLCwsLCwsLCwsLCws", "ext": true, "key_ops": ["sign", "verify"] }])
    );
}

#[test]
fn pbkdf2_and_hkdf_match_their_published_vectors() {
    let v = run("const p = await crypto.subtle.importKey('raw', enc.encode('password'), 'PBKDF2', false, ['deriveBits']);
       const pb = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: enc.encode('salt'), iterations: 1 }, p, 256);
       const h = await crypto.subtle.importKey('raw', new Uint8Array(22).fill(0x0b), 'HKDF', false, ['deriveBits']);
       const hk = await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: unhex('000102030405060708090a0b0c'), info: unhex('f0f1f2f3f4f5f6f7f8f9') }, h, 336);
       return [hex(pb), hex(hk)];");
    assert_eq!(
        v,
        json!([
            "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b",
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
        ])
    );
}

#[test]
fn aes_gcm_cbc_and_ctr_round_trip_and_gcm_detects_tampering() {
    let v = run("const out = {};
       for (const [name, extra] of [['AES-GCM', { iv: new Uint8Array(12) }], ['AES-CBC', { iv: new Uint8Array(16) }], ['AES-CTR', { counter: new Uint8Array(16), length: 64 }]]) {
         const key = await crypto.subtle.importKey('raw', new Uint8Array(32).fill(1), name, false, ['encrypt', 'decrypt']);
         const ct = new Uint8Array(await crypto.subtle.encrypt({ name, ...extra }, key, enc.encode('secret message')));
         const pt = new TextDecoder().decode(await crypto.subtle.decrypt({ name, ...extra }, key, ct));
         out[name] = [ct.length, pt];
         if (name === 'AES-GCM') {
           ct[0] ^= 1;
           try { await crypto.subtle.decrypt({ name, ...extra }, key, ct); } catch (e) { out.tampered = [e.name, e.message.startsWith('Decryption failed.')]; }
         }
       }
       return out;");
    assert_eq!(
        v,
        json!({ "AES-GCM": [30, "secret message"], "AES-CBC": [16, "secret message"],
                "AES-CTR": [14, "secret message"], "tampered": ["OperationError", true] })
    );
}

#[test]
fn ed25519_signs_rfc_8032_test_1() {
    let v = run("const d = 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A', x = '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo';
       const priv = await crypto.subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', d, x }, 'Ed25519', true, ['sign']);
       const pub = await crypto.subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x }, 'Ed25519', true, ['verify']);
       const sig = await crypto.subtle.sign('Ed25519', priv, new Uint8Array(0));
       return [hex(sig), await crypto.subtle.verify('Ed25519', pub, sig, new Uint8Array(0)), hex(await crypto.subtle.exportKey('raw', pub))];");
    assert_eq!(
        v,
        json!([
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
            true,
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
        ])
    );
}

#[test]
fn ecdsa_and_ecdh_keys_round_trip_through_every_format() {
    let v = run("const { privateKey, publicKey } = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
       const data = enc.encode('payload');
       const sig = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, data);
       const spki = await crypto.subtle.exportKey('spki', publicKey);
       const jwk = await crypto.subtle.exportKey('jwk', privateKey);
       const pub2 = await crypto.subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']);
       const pkcs8 = await crypto.subtle.exportKey('pkcs8', privateKey);
       const priv2 = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
       const sig2 = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, priv2, data);
       const a = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-384' }, false, ['deriveBits']);
       const b = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-384' }, false, ['deriveBits']);
       const ab = hex(await crypto.subtle.deriveBits({ name: 'ECDH', public: b.publicKey }, a.privateKey, 384));
       const ba = hex(await crypto.subtle.deriveBits({ name: 'ECDH', public: a.publicKey }, b.privateKey, 384));
       return { sigLen: sig.byteLength, verifies: await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, pub2, sig2, data),
                jwk: [jwk.kty, jwk.crv, typeof jwk.d, jwk.key_ops], alg: publicKey.algorithm, publicUsages: publicKey.usages,
                ecdhAgrees: ab === ba && ab.length === 96, rawLen: (await crypto.subtle.exportKey('raw', pub2)).byteLength };");
    assert_eq!(
        v,
        json!({ "sigLen": 64, "verifies": true, "jwk": ["EC", "P-256", "string", ["sign"]],
                "alg": { "name": "ECDSA", "namedCurve": "P-256" }, "publicUsages": ["verify"],
                "ecdhAgrees": true, "rawLen": 65 })
    );
}

#[test]
fn rsa_signatures_and_oaep_round_trip() {
    let v = run("const gen = (name) => crypto.subtle.generateKey({ name, modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true,
         name === 'RSA-OAEP' ? ['encrypt', 'decrypt'] : ['sign', 'verify']);
       const data = enc.encode('payload');
       const out = {};
       const k = await gen('RSASSA-PKCS1-v1_5');
       const s = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', k.privateKey, data);
       out.pkcs1 = [s.byteLength, await crypto.subtle.verify('RSASSA-PKCS1-v1_5', k.publicKey, s, data)];
       const p = await gen('RSA-PSS');
       const ps = await crypto.subtle.sign({ name: 'RSA-PSS', saltLength: 32 }, p.privateKey, data);
       out.pss = await crypto.subtle.verify({ name: 'RSA-PSS', saltLength: 32 }, p.publicKey, ps, data);
       const o = await gen('RSA-OAEP');
       const ct = await crypto.subtle.encrypt('RSA-OAEP', o.publicKey, data);
       out.oaep = new TextDecoder().decode(await crypto.subtle.decrypt('RSA-OAEP', o.privateKey, ct));
       const jwk = await crypto.subtle.exportKey('jwk', k.publicKey);
       out.jwk = [jwk.kty, jwk.alg, jwk.e];
       out.alg = [k.publicKey.algorithm.modulusLength, Array.from(k.publicKey.algorithm.publicExponent), k.publicKey.algorithm.hash];
       return out;");
    assert_eq!(
        v,
        json!({ "pkcs1": [128, true], "pss": true, "oaep": "payload", "jwk": ["RSA", "RS256", "AQAB"],
                "alg": [1024, [1, 0, 1], { "name": "SHA-256" }] })
    );
}

#[test]
fn derive_key_from_a_password_then_encrypt() {
    let v = run("const base = await crypto.subtle.importKey('raw', enc.encode('hunter2'), 'PBKDF2', false, ['deriveKey']);
       const key = await crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt: enc.encode('s'), iterations: 1000 }, base,
         { name: 'AES-GCM', length: 256 }, true, ['encrypt']);
       return [key.algorithm, (await crypto.subtle.exportKey('raw', key)).byteLength];");
    assert_eq!(v, json!([{ "name": "AES-GCM", "length": 256 }, 32]));
}

#[test]
fn subtle_errors_use_workerd_names_and_texts() {
    let v = run("const err = async (f) => { try { await f(); return 'ok'; } catch (e) { return `${e.name}: ${e.message}`; } };
       const hmac = await crypto.subtle.importKey('raw', new Uint8Array(16), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
       return [
         await err(() => crypto.subtle.importKey('raw', new Uint8Array(16), { name: 'HMAC', hash: 'SHA-256' }, false, ['encrypt'])),
         await err(() => crypto.subtle.exportKey('raw', hmac)),
         await err(() => crypto.subtle.verify('HMAC', hmac, new Uint8Array(32), new Uint8Array(1))),
         await err(() => crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, hmac, new Uint8Array(1))),
         await err(() => crypto.subtle.importKey('raw', new Uint8Array(16), 'FOO', false, ['sign'])),
         await err(() => crypto.subtle.importKey('raw', new Uint8Array(20), 'AES-GCM', false, ['encrypt'])),
         await err(() => crypto.subtle.importKey('raw', new Uint8Array(16), { name: 'HMAC', hash: 'SHA-256' }, false, [])),
         await err(() => crypto.subtle.digest('SHA-3', new Uint8Array(1))),
         await err(() => crypto.subtle.importKey('pem', new Uint8Array(1), 'AES-GCM', false, ['encrypt'])),
       ];");
    assert_eq!(
        v,
        json!([
            "SyntaxError: Attempt to import secret HMAC key with invalid usage \"encrypt\".",
            "InvalidAccessError: Attempt to export non-extractable HMAC key.",
            "InvalidAccessError: Requested key usage \"verify\" does not match any usage listed in this CryptoKey.",
            "InvalidAccessError: Requested algorithm \"ECDSA\" does not match this CryptoKey's algorithm \"HMAC\".",
            "NotSupportedError: Unrecognized key import algorithm \"FOO\" requested.",
            "DataError: Imported AES key length must be 128, 192, or 256 bits but provided 160.",
            "SyntaxError: Secret/private CryptoKeys must have at least one usage.",
            "NotSupportedError: Unrecognized or unimplemented digest algorithm requested.",
            "NotSupportedError: Unrecognized key import format \"pem\"."
        ])
    );
}

#[test]
fn generated_keys_follow_the_seed() {
    let a = run("const k = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 128 }, true, ['encrypt']);
       return hex(await crypto.subtle.exportKey('raw', k));");
    let b = run("const k = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 128 }, true, ['encrypt']);
       return hex(await crypto.subtle.exportKey('raw', k));");
    assert_eq!(a, b, "same seed, same key");
    assert_eq!(a.as_str().map(str::len), Some(32));
}

/// RFC 3394 §4.1: 128 bits of key data wrapped with a 128-bit KEK.
#[test]
fn aes_kw_wraps_rfc_3394_vector_and_refuses_bad_lengths_with_workerd_texts() {
    let v = run("const kek = await crypto.subtle.importKey('raw', unhex('000102030405060708090a0b0c0d0e0f'), 'AES-KW', true, ['wrapKey', 'unwrapKey']);
       const key = await crypto.subtle.importKey('raw', unhex('00112233445566778899aabbccddeeff'), 'AES-GCM', true, ['encrypt']);
       const wrapped = await crypto.subtle.wrapKey('raw', key, kek, 'AES-KW');
       const back = await crypto.subtle.unwrapKey('raw', wrapped, kek, 'AES-KW', 'AES-GCM', true, ['encrypt']);
       const fail = async (f) => { try { await f(); return 'ok'; } catch (e) { return `${e.name}: ${e.message}`; } };
       const hmac = await crypto.subtle.importKey('raw', new Uint8Array(20), { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']);
       const tampered = new Uint8Array(wrapped).slice(); tampered[0] ^= 1;
       return [hex(wrapped), hex(await crypto.subtle.exportKey('raw', back)), kek.algorithm, (await crypto.subtle.exportKey('jwk', kek)).alg,
         await fail(() => crypto.subtle.wrapKey('raw', hmac, kek, 'AES-KW')),
         await fail(() => crypto.subtle.unwrapKey('raw', tampered, kek, 'AES-KW', 'AES-GCM', true, ['encrypt'])),
         await fail(() => crypto.subtle.unwrapKey('raw', new Uint8Array(16), kek, 'AES-KW', 'AES-GCM', true, ['encrypt'])),
         await fail(() => crypto.subtle.importKey('raw', new Uint8Array(16), 'AES-KW', false, ['encrypt']))];");
    assert_eq!(
        v,
        json!([
            "1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5",
            "00112233445566778899aabbccddeeff",
            { "name": "AES-KW", "length": 128 },
            "A128KW",
            "OperationError: Unwrapped key bit length must be a multiple of 64 bits but unwrapped key has a length of 160 bits.",
            "OperationError: AES-KW key unwrapping failed",
            "OperationError: Provided a wrapped key to unwrap this is 128 bits that is less than the minimal length of 192 bits.",
            "SyntaxError: Attempt to import secret AES-KW key with invalid usage \"encrypt\".",
        ])
    );
}

/// RFC 7748 §6.1: Alice's and Bob's keys agree on one shared secret.
#[test]
fn x25519_derives_the_rfc_7748_shared_secret_and_generates_agreeing_pairs() {
    let v = run("const pkcs8 = unhex('302e020100300506032b656e04220420' + '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
       const alice = await crypto.subtle.importKey('pkcs8', pkcs8, 'X25519', true, ['deriveBits']);
       const bob = await crypto.subtle.importKey('raw', unhex('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f'), 'X25519', true, []);
       const shared = await crypto.subtle.deriveBits({ name: 'X25519', public: bob }, alice, 256);
       const jwk = await crypto.subtle.exportKey('jwk', alice);
       const a = await crypto.subtle.generateKey('X25519', false, ['deriveBits']);
       const b = await crypto.subtle.generateKey({ name: 'X25519' }, false, ['deriveBits']);
       const ab = hex(await crypto.subtle.deriveBits({ name: 'X25519', public: b.publicKey }, a.privateKey, 256));
       const ba = hex(await crypto.subtle.deriveBits({ name: 'X25519', public: a.publicKey }, b.privateKey, 256));
       const fail = async (f) => { try { await f(); return 'ok'; } catch (e) { return `${e.name}: ${e.message}`; } };
       return [hex(shared), jwk.kty, jwk.crv, hex(Uint8Array.from(atob(jwk.x.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))),
         alice.algorithm, a.publicKey.algorithm, ab === ba && ab.length === 64,
         await fail(() => crypto.subtle.deriveBits({ name: 'X25519', public: bob }, alice, 264)),
         await fail(() => crypto.subtle.importKey('raw', new Uint8Array(31), 'X25519', true, []))];");
    assert_eq!(
        v,
        json!([
            "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742",
            "OKP", "X25519",
            "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
            { "name": "X25519" }, { "name": "X25519" }, true,
            "OperationError: Derived key length (264 bits) is too long (should be at most 256 bits).",
            "DataError: X25519 raw keys must be exactly 32-bytes (provided 31).",
        ])
    );
}

/// The GCM specification's test case 2 (zero key, zero 96-bit IV, one zero block), with the
/// full tag and a 64-bit one; IVs of other lengths and the shortest tag round trip.
#[test]
fn aes_gcm_takes_any_iv_length_and_tags_of_32_to_128_bits() {
    let v = run("const key = await crypto.subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', false, ['encrypt', 'decrypt']);
       const gcm = (iv, tagLength, data) => crypto.subtle.encrypt({ name: 'AES-GCM', iv, tagLength }, key, data);
       const fail = async (f) => { try { await f(); return 'ok'; } catch (e) { return `${e.name}: ${e.message}`; } };
       const full = hex(await gcm(new Uint8Array(12), 128, new Uint8Array(16)));
       const short = hex(await gcm(new Uint8Array(12), 64, new Uint8Array(16)));
       const trips = [];
       for (const [ivBytes, tagLength] of [[1, 32], [8, 96], [60, 104], [16, 120]]) {
         const iv = new Uint8Array(ivBytes).fill(3);
         const sealed = await gcm(iv, tagLength, enc.encode('hello'));
         const opened = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, tagLength }, key, sealed);
         trips.push([sealed.byteLength, new TextDecoder().decode(opened)]);
       }
       return [full, short, trips,
         await fail(() => gcm(new Uint8Array(12), 100, new Uint8Array(1))),
         await fail(() => crypto.subtle.decrypt({ name: 'AES-GCM', iv: new Uint8Array(12), tagLength: 96 }, key, new Uint8Array(11)))];");
    assert_eq!(
        v,
        json!([
            "0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf",
            "0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bd",
            [[9, "hello"], [17, "hello"], [18, "hello"], [20, "hello"]],
            "OperationError: Invalid AES-GCM tag length 100.",
            "OperationError: Ciphertext length of 88 bits must be greater than or equal to the size of the AES-GCM tag length of 96 bits."
        ])
    );
}

#[test]
fn p521_ecdsa_and_ecdh_round_trip_through_every_format() {
    let v = run("const alg = { name: 'ECDSA', namedCurve: 'P-521' };
       const { privateKey, publicKey } = await crypto.subtle.generateKey(alg, true, ['sign', 'verify']);
       const data = enc.encode('payload');
       const jwk = await crypto.subtle.exportKey('jwk', privateKey);
       const priv2 = await crypto.subtle.importKey('jwk', jwk, alg, false, ['sign']);
       const pub2 = await crypto.subtle.importKey('spki', await crypto.subtle.exportKey('spki', publicKey), alg, true, ['verify']);
       const pub3 = await crypto.subtle.importKey('raw', await crypto.subtle.exportKey('raw', publicKey), alg, true, ['verify']);
       const sig = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-512' }, priv2, data);
       const verify = (key, bytes) => crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-512' }, key, sig, bytes);
       const a = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-521' }, false, ['deriveBits']);
       const b = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-521' }, false, ['deriveBits']);
       const ab = hex(await crypto.subtle.deriveBits({ name: 'ECDH', public: b.publicKey }, a.privateKey, 528));
       const ba = hex(await crypto.subtle.deriveBits({ name: 'ECDH', public: a.publicKey }, b.privateKey, 528));
       return [sig.byteLength, await verify(pub2, data), await verify(pub3, data), await verify(pub2, enc.encode('other')),
               jwk.crv, jwk.x.length, jwk.d.length, (await crypto.subtle.exportKey('raw', pub3)).byteLength,
               ab === ba, ab.length];");
    assert_eq!(
        v,
        json!([132, true, true, false, "P-521", 88, 88, 133, true, 132])
    );
}

/// A key, signature and shared secret made by another implementation (pyca/cryptography 48 on
/// OpenSSL: P-521 with SHA-512, IEEE P1363 signature; ECDH with a second key).
#[test]
fn p521_verifies_and_agrees_with_an_independent_implementation() {
    let v = run("const ec = (name) => ({ name, namedCurve: 'P-521' });
       const pub = await crypto.subtle.importKey('spki', unhex('30819b301006072a8648ce3d020106052b810400230381860004005f2348ed9c333aaa631cb0f191e12a9dcdec540bae343957b1cd4bbda1d125f671eb43980f2f61417bf847c87d05103a105a525532cc0d246342e94a621b6ab4fa01df577468a8c8658e0d99e11d3e11b30b02af1c0359e4e5db3686073b5ef1ee8ca621d27eff088cde8e61fd1eb5c7e3e33636f4eea60f10525ee105ab7f85f2b6ba'), ec('ECDSA'), false, ['verify']);
       const sig = unhex('00712a7d2561035e253e0e2abfeaef1626f10b71a716a4b91ccec8bb977dcd3bda9fbde2a3770a28c831cdd8f3bd3bcdc7cab9086d3b2d3a6d6b37be2600d376e59101559400fcfb0ab3b3bac84bf1e5e2926c74054c07cbe10af43e40343c7097231fcb2f96f159930c10e3b1eb2505480b2dbc18bbe8e4cf7ae7a11b391cd2421140b0');
       const ok = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-512' }, pub, sig, enc.encode('interop'));
       const mine = await crypto.subtle.importKey('pkcs8', unhex('3081ee020100301006072a8648ce3d020106052b810400230481d63081d3020101044200000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001234567890abcdef1234567890abcdefa181890381860004005f2348ed9c333aaa631cb0f191e12a9dcdec540bae343957b1cd4bbda1d125f671eb43980f2f61417bf847c87d05103a105a525532cc0d246342e94a621b6ab4fa01df577468a8c8658e0d99e11d3e11b30b02af1c0359e4e5db3686073b5ef1ee8ca621d27eff088cde8e61fd1eb5c7e3e33636f4eea60f10525ee105ab7f85f2b6ba'), ec('ECDH'), false, ['deriveBits']);
       const peer = await crypto.subtle.importKey('raw', unhex('0401a51f00506181dd4d7ab2d68863eba6e11b82a6a7308627453e013d862e87dc29fc94cc9bb36f12335c62fc645d8049c7d9023f979cf890ad0bb7c280714e91379b01d0830a270c770d0850347108b0fa7a9777a4fa71f4dad769501e813e00073641e95f7e758331a40bcd0ef1cd72e41e72be13fb109554b3ee52303be8f28f7ae48e'), ec('ECDH'), false, []);
       return [ok, hex(await crypto.subtle.deriveBits({ name: 'ECDH', public: peer }, mine, 528))];");
    assert_eq!(
        v,
        json!([
            true,
            "01869b2dd11e594e1a30533bcaf7754b2dee8659833dbf87fcca399d1a37c3e2339b5c754e154c17d97e7e5922ea3c6e4e21c6d2f50742cec587b52861e80b17c0d3"
        ])
    );
}
