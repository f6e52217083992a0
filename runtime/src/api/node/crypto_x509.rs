//! node:crypto's X509Certificate, over the `x509-cert` crate: a certificate (PEM or DER) read
//! once into what the JavaScript side reports — names printed as OpenSSL prints them for Node
//! (one RDN per line, RFC 2253 escapes), subject alternative names and access information in
//! OpenSSL's text, dates, fingerprints, the serial number — and its signature checked against a
//! public key.

use base64::Engine;
use rquickjs::{Array, Ctx, TypedArray, Value};
use sha2::Digest;
use x509_cert::Certificate;
use x509_cert::der::asn1::{Any, ObjectIdentifier};
use x509_cert::der::{Decode, Encode, Tag, Tagged};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage,
    KeyUsage, KeyUsages, SubjectAltName, SubjectKeyIdentifier,
};
use x509_cert::name::Name;
use x509_cert::time::Time;

use crate::engine::catalog::OpSet;
use crate::engine::ops::{charge_or_stop, copy_bytes};

/// What JavaScript is told of a certificate (serialised as JSON; bytes as hex).
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Described {
    subject: String,
    issuer: String,
    /// `[short name, value]` per attribute, for toLegacyObject.
    subject_fields: Vec<(String, String)>,
    issuer_fields: Vec<(String, String)>,
    subject_alt_name: Option<String>,
    info_access: Option<String>,
    valid_from: String,
    valid_to: String,
    fingerprint: String,
    fingerprint256: String,
    fingerprint512: String,
    ext_key_usage: Option<Vec<String>>,
    serial_number: String,
    ca: bool,
    dns_names: Vec<String>,
    emails: Vec<String>,
    ip_addresses: Vec<String>,
    /// The subject's common names, checked for a host only when there are no DNS names.
    common_names: Vec<String>,
    /// Whether a key usage extension allows signing certificates (None: there is none).
    key_cert_sign: Option<bool>,
    subject_key_id: Option<String>,
    authority_key_id: Option<String>,
    subject_der: String,
    issuer_der: String,
    /// What the issuer signed, the signature, and the hash it signed with (`null`: Ed25519; the
    /// field absent: an algorithm node:crypto cannot check).
    tbs: String,
    signature: String,
    signature_hash: Option<Option<&'static str>>,
}

/// The hash a certificate's signature algorithm signs with, by Node's name (None inside: none,
/// as for Ed25519); None for an algorithm node:crypto does not verify.
fn signature_hash(oid: &str) -> Option<Option<&'static str>> {
    Some(Some(match oid {
        "1.2.840.113549.1.1.5" | "1.2.840.10045.4.1" => "sha1",
        "1.2.840.113549.1.1.14" | "1.2.840.10045.4.3.1" => "sha224",
        "1.2.840.113549.1.1.11" | "1.2.840.10045.4.3.2" => "sha256",
        "1.2.840.113549.1.1.12" | "1.2.840.10045.4.3.3" => "sha384",
        "1.2.840.113549.1.1.13" | "1.2.840.10045.4.3.4" => "sha512",
        "1.3.101.112" => return Some(None),
        _ => return None,
    }))
}

/// A DER element's header length and content length.
fn tlv_lengths(der: &[u8]) -> Option<(usize, usize)> {
    let first = *der.get(1)?;
    if first < 0x80 {
        return Some((2, usize::from(first)));
    }
    let count = usize::from(first & 0x7f);
    let len = der
        .get(2..2 + count)?
        .iter()
        .fold(0usize, |n, b| n << 8 | usize::from(*b));
    Some((2 + count, len))
}

const OCSP: &str = "1.3.6.1.5.5.7.48.1";
const CA_ISSUERS: &str = "1.3.6.1.5.5.7.48.2";

/// OpenSSL's short names of the attributes certificates name their subjects with.
fn short_name(oid: &ObjectIdentifier) -> String {
    let name = match oid.to_string().as_str() {
        "2.5.4.3" => "CN",
        "2.5.4.4" => "SN",
        "2.5.4.5" => "serialNumber",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.9" => "street",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.12" => "title",
        "2.5.4.15" => "businessCategory",
        "2.5.4.17" => "postalCode",
        "2.5.4.42" => "GN",
        "2.5.4.43" => "initials",
        "2.5.4.44" => "generationQualifier",
        "2.5.4.46" => "dnQualifier",
        "2.5.4.65" => "pseudonym",
        "0.9.2342.19200300.100.1.1" => "UID",
        "0.9.2342.19200300.100.1.25" => "DC",
        "1.2.840.113549.1.9.1" => "emailAddress",
        "1.3.6.1.4.1.311.60.2.1.1" => "jurisdictionL",
        "1.3.6.1.4.1.311.60.2.1.2" => "jurisdictionST",
        "1.3.6.1.4.1.311.60.2.1.3" => "jurisdictionC",
        other => return other.to_string(),
    };
    name.to_string()
}

/// An attribute's value as text: the string types decoded to UTF-8, anything else as `#` and
/// its DER in hex (as OpenSSL shows what it cannot print).
fn value_text(value: &Any) -> String {
    let bytes = value.value();
    match value.tag() {
        Tag::Utf8String | Tag::PrintableString | Tag::Ia5String | Tag::VisibleString => {
            String::from_utf8_lossy(bytes).into_owned()
        }
        Tag::TeletexString => bytes.iter().map(|b| char::from(*b)).collect(),
        Tag::BmpString => {
            let units: Vec<u16> = bytes
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        _ => format!("#{}", hex_upper(&value.to_der().unwrap_or_default(), "")),
    }
}

/// RFC 2253's escapes as OpenSSL applies them for Node: the special characters, a leading `#`
/// or space and a trailing space with a backslash; control characters as `\XX`.
fn escape_2253(text: &str) -> String {
    let last = text.chars().count().saturating_sub(1);
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        match c {
            ',' | '+' | '"' | '\\' | '<' | '>' | ';' => out.extend(['\\', c]),
            '#' if i == 0 => out.push_str("\\#"),
            ' ' if i == 0 || i == last => out.push_str("\\ "),
            c if (c as u32) < 0x20 || c == '\x7f' => out.push_str(&format!("\\{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// The name as Node shows it (one RDN per line, `+`-joined values within one) and its fields.
fn describe_name(name: &Name) -> (String, Vec<(String, String)>) {
    let mut fields = Vec::new();
    let lines: Vec<String> = name
        .0
        .iter()
        .map(|rdn| {
            let parts: Vec<String> = rdn
                .0
                .iter()
                .map(|atv| {
                    let (key, value) = (short_name(&atv.oid), value_text(&atv.value));
                    let shown = format!("{key}={}", escape_2253(&value));
                    fields.push((key, value));
                    shown
                })
                .collect();
            parts.join(" + ")
        })
        .collect();
    (lines.join("\n"), fields)
}

/// OpenSSL's one-line form (`/C=US/CN=x`), for a directory name inside an alternative name.
fn oneline(name: &Name) -> String {
    name.0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .map(|atv| format!("/{}={}", short_name(&atv.oid), value_text(&atv.value)))
        .collect()
}

/// Node's rule for alternative names: one holding a quote, backslash, comma, apostrophe or a
/// control character is printed as a JSON string, so that the list splits unambiguously.
fn alt_name_value(value: &str) -> String {
    let unsafe_char = value
        .chars()
        .any(|c| matches!(c, '"' | '\\' | ',' | '\'') || (c as u32) < 0x20 || c == '\x7f');
    if unsafe_char {
        serde_json::to_string(value).unwrap_or_default()
    } else {
        value.to_string()
    }
}

fn ip_text(bytes: &[u8]) -> Option<String> {
    match bytes.len() {
        4 => Some(
            bytes
                .iter()
                .map(u8::to_string)
                .collect::<Vec<_>>()
                .join("."),
        ),
        16 => Some(
            bytes
                .chunks(2)
                .map(|g| format!("{:X}", u16::from_be_bytes([g[0], g[1]])))
                .collect::<Vec<_>>()
                .join(":"),
        ),
        _ => None,
    }
}

/// One general name as OpenSSL's `X509V3_EXT_print` writes it.
fn general_name(name: &GeneralName) -> String {
    match name {
        GeneralName::DnsName(s) => format!("DNS:{}", alt_name_value(s.as_str())),
        GeneralName::Rfc822Name(s) => format!("email:{}", alt_name_value(s.as_str())),
        GeneralName::UniformResourceIdentifier(s) => format!("URI:{}", alt_name_value(s.as_str())),
        GeneralName::IpAddress(o) => format!(
            "IP Address:{}",
            ip_text(o.as_bytes()).unwrap_or_else(|| "<invalid>".into())
        ),
        GeneralName::DirectoryName(n) => format!("DirName:{}", oneline(n)),
        GeneralName::RegisteredId(oid) => format!("Registered ID:{oid}"),
        GeneralName::OtherName(_) => "othername:<unsupported>".into(),
        GeneralName::EdiPartyName(_) => "EdiPartyName:<unsupported>".into(),
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `ASN1_TIME_print`'s form: `Dec  7 02:51:00 2026 GMT`.
fn time_text(time: &Time) -> String {
    let t = time.to_date_time();
    let month = MONTHS
        .get(usize::from(t.month()).saturating_sub(1))
        .unwrap_or(&"???");
    format!(
        "{month} {:2} {:02}:{:02}:{:02} {} GMT",
        t.day(),
        t.hour(),
        t.minutes(),
        t.seconds(),
        t.year()
    )
}

fn hex_upper(bytes: &[u8], separator: &str) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(separator)
}

/// The DER certificate in `input`: DER as it is, or the first `CERTIFICATE` block of a PEM text.
pub fn certificate_der(input: &[u8]) -> Option<Vec<u8>> {
    if input.first() == Some(&0x30) && Certificate::from_der(input).is_ok() {
        return Some(input.to_vec());
    }
    let text = std::str::from_utf8(input).ok()?;
    let begin = "-----BEGIN CERTIFICATE-----";
    let start = text.find(begin)? + begin.len();
    let end = start + text[start..].find("-----END CERTIFICATE-----")?;
    let body: String = text[start..end]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD.decode(body).ok()
}

/// The certificate described, with its DER and its public key's SPKI.
pub fn describe(der: &[u8]) -> Option<(Described, Vec<u8>)> {
    let cert = Certificate::from_der(der).ok()?;
    let tbs = &cert.tbs_certificate;
    let spki = tbs.subject_public_key_info.to_der().ok()?;
    let (subject, subject_fields) = describe_name(&tbs.subject);
    let (issuer, issuer_fields) = describe_name(&tbs.issuer);
    let san = tbs.get::<SubjectAltName>().ok().flatten().map(|(_, s)| s.0);
    let mut described = Described {
        subject,
        issuer,
        subject_fields,
        issuer_fields,
        subject_alt_name: san.as_ref().map(|names| {
            names
                .iter()
                .map(general_name)
                .collect::<Vec<_>>()
                .join(", ")
        }),
        info_access: tbs
            .get::<AuthorityInfoAccessSyntax>()
            .ok()
            .flatten()
            .map(|(_, aia)| {
                aia.0
                    .iter()
                    .map(|access| {
                        let method = match access.access_method.to_string().as_str() {
                            OCSP => "OCSP".to_string(),
                            CA_ISSUERS => "CA Issuers".to_string(),
                            other => other.to_string(),
                        };
                        format!("{method} - {}\n", general_name(&access.access_location))
                    })
                    .collect()
            }),
        valid_from: time_text(&tbs.validity.not_before),
        valid_to: time_text(&tbs.validity.not_after),
        fingerprint: hex_upper(&sha1::Sha1::digest(der), ":"),
        fingerprint256: hex_upper(&sha2::Sha256::digest(der), ":"),
        fingerprint512: hex_upper(&sha2::Sha512::digest(der), ":"),
        ext_key_usage: tbs
            .get::<ExtendedKeyUsage>()
            .ok()
            .flatten()
            .map(|(_, eku)| eku.0.iter().map(ToString::to_string).collect()),
        serial_number: hex_upper(
            tbs.serial_number
                .as_bytes()
                .iter()
                .as_slice()
                .strip_prefix(&[0])
                .unwrap_or(tbs.serial_number.as_bytes()),
            "",
        ),
        ca: tbs
            .get::<BasicConstraints>()
            .ok()
            .flatten()
            .is_some_and(|(_, bc)| bc.ca),
        dns_names: Vec::new(),
        emails: Vec::new(),
        ip_addresses: Vec::new(),
        common_names: Vec::new(),
        key_cert_sign: tbs
            .get::<KeyUsage>()
            .ok()
            .flatten()
            .map(|(_, ku)| ku.0.contains(KeyUsages::KeyCertSign)),
        subject_key_id: tbs
            .get::<SubjectKeyIdentifier>()
            .ok()
            .flatten()
            .map(|(_, ski)| hex_upper(ski.0.as_bytes(), "")),
        authority_key_id: tbs
            .get::<AuthorityKeyIdentifier>()
            .ok()
            .flatten()
            .and_then(|(_, aki)| aki.key_identifier)
            .map(|k| hex_upper(k.as_bytes(), "")),
        subject_der: hex_upper(&tbs.subject.to_der().ok()?, ""),
        issuer_der: hex_upper(&tbs.issuer.to_der().ok()?, ""),
        // What the issuer signed: the certificate's first element, as its DER was read.
        tbs: hex_upper(elements(der)?.first()?, ""),
        signature: hex_upper(cert.signature.raw_bytes(), ""),
        signature_hash: signature_hash(&cert.signature_algorithm.oid.to_string()),
    };
    for name in san.iter().flatten() {
        match name {
            GeneralName::DnsName(s) => described.dns_names.push(s.to_string()),
            GeneralName::Rfc822Name(s) => described.emails.push(s.to_string()),
            GeneralName::IpAddress(o) => described.ip_addresses.push(hex_upper(o.as_bytes(), "")),
            _ => {}
        }
    }
    described.common_names = described
        .subject_fields
        .iter()
        .filter(|(k, _)| k == "CN")
        .map(|(_, v)| v.clone())
        .collect();
    Some((described, spki))
}

/// A Netscape SPKAC (`SignedPublicKeyAndChallenge`, DER): the public key's SPKI, the
/// challenge, the signed part, the signature's hash (as [`signature_hash`] names it; `md5` for
/// MD5, which FIPS mode refuses) and the signature.
pub struct Spkac<'a> {
    pub spki: &'a [u8],
    pub challenge: &'a [u8],
    pub signed: &'a [u8],
    pub hash: Option<Option<&'static str>>,
    pub signature: &'a [u8],
}

const MD5_WITH_RSA: &str = "1.2.840.113549.1.1.4";

/// The elements of the SEQUENCE `der`, each as its whole DER.
fn elements(der: &[u8]) -> Option<Vec<&[u8]>> {
    let (header, len) = tlv_lengths(der)?;
    let mut rest = der.get(header..header + len)?;
    let mut out = Vec::new();
    while !rest.is_empty() {
        let (h, l) = tlv_lengths(rest)?;
        out.push(rest.get(..h + l)?);
        rest = &rest[h + l..];
    }
    Some(out)
}

fn content(der: &[u8]) -> Option<&[u8]> {
    let (header, len) = tlv_lengths(der)?;
    der.get(header..header + len)
}

pub fn spkac(der: &[u8]) -> Option<Spkac<'_>> {
    let [signed, algorithm, signature] = elements(der)?[..] else {
        return None;
    };
    let [spki, challenge] = elements(signed)?[..] else {
        return None;
    };
    // Read as strictly as BoringSSL reads it: a key whose inner lengths disagree is no key.
    x509_cert::spki::SubjectPublicKeyInfoRef::try_from(spki).ok()?;
    if challenge.first() != Some(&0x16) {
        return None;
    }
    let oid = ObjectIdentifier::from_der(elements(algorithm)?.first()?)
        .ok()?
        .to_string();
    let hash = if oid == MD5_WITH_RSA {
        Some(Some("md5"))
    } else {
        signature_hash(&oid)
    };
    let bits = content(signature)?;
    Some(Spkac {
        spki,
        challenge: content(challenge)?,
        signed,
        hash,
        signature: bits.get(1..)?,
    })
}

pub fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    ops.add(
        "nodeSpkacParse",
        |ctx: Ctx<'js>, input: TypedArray<'js, u8>| -> rquickjs::Result<Value<'js>> {
            let input = copy_bytes(&input);
            let Some(parsed) = spkac(&input) else {
                return Ok(Value::new_null(ctx));
            };
            let out = Array::new(ctx.clone())?;
            out.set(0, TypedArray::<u8>::new(ctx.clone(), parsed.spki)?)?;
            out.set(1, TypedArray::<u8>::new(ctx.clone(), parsed.challenge)?)?;
            out.set(2, TypedArray::<u8>::new(ctx.clone(), parsed.signed)?)?;
            match parsed.hash {
                Some(hash) => out.set(3, hash)?,
                None => out.set(3, false)?,
            }
            out.set(4, TypedArray::<u8>::new(ctx.clone(), parsed.signature)?)?;
            Ok(out.into_value())
        },
    )?;
    let m = ops.meter.clone();
    ops.add(
        "nodeX509Parse",
        move |ctx: Ctx<'js>, input: TypedArray<'js, u8>| -> rquickjs::Result<Value<'js>> {
            let input = copy_bytes(&input);
            charge_or_stop(&ctx, &m, input.len() * 8)?;
            let Some((described, der, spki)) = certificate_der(&input)
                .and_then(|der| describe(&der).map(|(d, spki)| (d, der, spki)))
            else {
                return Ok(Value::new_null(ctx));
            };
            let out = Array::new(ctx.clone())?;
            out.set(0, serde_json::to_string(&described).unwrap_or_default())?;
            out.set(1, TypedArray::<u8>::new(ctx.clone(), der)?)?;
            out.set(2, TypedArray::<u8>::new(ctx.clone(), spki)?)?;
            Ok(out.into_value())
        },
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_escape_as_rfc_2253_asks() {
        assert_eq!(escape_2253("Example, Inc."), "Example\\, Inc.");
        assert_eq!(escape_2253("#x "), "\\#x\\ ");
        assert_eq!(escape_2253("a\u{1}b"), "a\\01b");
        assert_eq!(alt_name_value("a, b"), "\"a, b\"");
        assert_eq!(alt_name_value("www.example.com"), "www.example.com");
        assert_eq!(
            ip_text(&[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]).as_deref(),
            Some("2001:DB8:0:0:0:0:0:1")
        );
    }
}
