//! More string functions: `replace_regex`, `extract_all`, `strcmp`, URL and
//! base64 encodings, `parse_url`, `parse_path`, `format_bytes`, and the IPv4
//! helpers that gateway logs need (`ipv4_is_private`, `ipv4_is_in_range`,
//! `parse_ipv4`).

use crate::KustoType;
use crate::catalog::{Arg, CallContext};
use crate::udf::ret;
use crate::value::{KValue, map_rows};
use datafusion::arrow::array::ArrayRef;
use datafusion::common::Result;
use datafusion::logical_expr::{Expr, ScalarUDF};
use serde_json::{Map, Value as Json};
use std::sync::Arc;

kusto_udf!(
    REPLACE_REGEX,
    "kql_replace_regex",
    ret::utf8,
    eval_replace_regex
);
kusto_udf!(
    EXTRACT_ALL,
    "kql_extract_all",
    ret::dynamic,
    eval_extract_all
);
kusto_udf!(STRCMP, "kql_strcmp", ret::int64, eval_strcmp);
kusto_udf!(URL_ENCODE, "kql_url_encode", ret::utf8, eval_url_encode);
kusto_udf!(URL_DECODE, "kql_url_decode", ret::utf8, eval_url_decode);
kusto_udf!(B64_ENCODE, "kql_base64_encode", ret::utf8, eval_b64_encode);
kusto_udf!(B64_DECODE, "kql_base64_decode", ret::utf8, eval_b64_decode);
kusto_udf!(PARSE_URL, "kql_parse_url", ret::dynamic, eval_parse_url);
kusto_udf!(PARSE_PATH, "kql_parse_path", ret::dynamic, eval_parse_path);
kusto_udf!(
    FORMAT_BYTES,
    "kql_format_bytes",
    ret::utf8,
    eval_format_bytes
);
kusto_udf!(
    IPV4_PRIVATE,
    "kql_ipv4_is_private",
    ret::boolean,
    eval_ipv4_private
);
kusto_udf!(
    IPV4_IN_RANGE,
    "kql_ipv4_is_in_range",
    ret::boolean,
    eval_ipv4_in_range
);
kusto_udf!(PARSE_IPV4, "kql_parse_ipv4", ret::int64, eval_parse_ipv4);
kusto_udf!(SHA256, "kql_hash_sha256", ret::utf8, eval_sha256);

pub fn udfs() -> Vec<Arc<ScalarUDF>> {
    [
        &REPLACE_REGEX,
        &EXTRACT_ALL,
        &STRCMP,
        &URL_ENCODE,
        &URL_DECODE,
        &B64_ENCODE,
        &B64_DECODE,
        &PARSE_URL,
        &PARSE_PATH,
        &FORMAT_BYTES,
        &IPV4_PRIVATE,
        &IPV4_IN_RANGE,
        &PARSE_IPV4,
    ]
    .into_iter()
    .map(|u| Arc::clone(u))
    .collect()
}

fn s(v: &KValue) -> String {
    v.to_kusto_string()
}

fn eval_replace_regex(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::String, |v| {
        let text = s(&v[0]);
        match regex::Regex::new(&s(&v[1])) {
            // Kusto writes groups as \1; the regex crate as ${1}.
            Ok(re) => {
                let rewrite = regex::Regex::new(r"\\(\d)").map_or(s(&v[2]), |g| {
                    g.replace_all(&s(&v[2]), "$${${1}}").into_owned()
                });
                KValue::String(re.replace_all(&text, rewrite.as_str()).into_owned())
            }
            Err(_) => KValue::Null,
        }
    })
}

fn eval_extract_all(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Dynamic, |v| {
        let Ok(re) = regex::Regex::new(&s(&v[0])) else {
            return KValue::Null;
        };
        let text = s(&v[v.len() - 1]);
        let groups = re.captures_len();
        let out: Vec<Json> = re
            .captures_iter(&text)
            .map(|c| {
                if groups <= 2 {
                    let m = c.get(if groups == 2 { 1 } else { 0 });
                    Json::String(m.map_or("", |m| m.as_str()).to_string())
                } else {
                    Json::Array(
                        (1..groups)
                            .map(|i| Json::String(c.get(i).map_or("", |m| m.as_str()).to_string()))
                            .collect(),
                    )
                }
            })
            .collect();
        if out.is_empty() {
            KValue::Null
        } else {
            KValue::Dynamic(Json::Array(out))
        }
    })
}

fn eval_strcmp(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Long, |v| {
        KValue::Long(match s(&v[0]).cmp(&s(&v[1])) {
            std::cmp::Ordering::Less => -1,
            std::cmp::Ordering::Equal => 0,
            std::cmp::Ordering::Greater => 1,
        })
    })
}

fn eval_url_encode(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::String, |v| {
        let mut out = String::new();
        for b in s(&v[0]).bytes() {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                out.push(b as char);
            } else if b == b' ' {
                out.push('+');
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        KValue::String(out)
    })
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

fn eval_url_decode(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::String, |v| {
        percent_decode(&s(&v[0])).map_or(KValue::Null, KValue::String)
    })
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn eval_b64_encode(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::String, |v| {
        let data = s(&v[0]).into_bytes();
        let mut out = String::new();
        for chunk in data.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        KValue::String(out)
    })
}

fn b64_decode(text: &str) -> Option<Vec<u8>> {
    let clean: Vec<u8> = text
        .bytes()
        .filter(|b| !b.is_ascii_whitespace() && *b != b'=')
        .collect();
    let mut out = Vec::new();
    for chunk in clean.chunks(4) {
        let mut n = 0u32;
        for (i, b) in chunk.iter().enumerate() {
            let d = B64.iter().position(|x| x == b)? as u32;
            n |= d << (18 - 6 * i);
        }
        for i in 0..chunk.len().saturating_sub(1) {
            out.push(((n >> (16 - 8 * i)) & 255) as u8);
        }
    }
    Some(out)
}

fn eval_b64_decode(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::String, |v| {
        b64_decode(&s(&v[0]))
            .and_then(|b| String::from_utf8(b).ok())
            .map_or(KValue::Null, KValue::String)
    })
}

fn eval_parse_url(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Dynamic, |v| {
        let url = s(&v[0]);
        let Some((scheme, rest)) = url.split_once("://") else {
            return KValue::Dynamic(Json::Object(Map::new()));
        };
        let (rest, fragment) = rest.split_once('#').unwrap_or((rest, ""));
        let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let (userinfo, hostport) = authority.rsplit_once('@').unwrap_or(("", authority));
        let (user, pass) = userinfo.split_once(':').unwrap_or((userinfo, ""));
        let (host, port) = hostport
            .rsplit_once(':')
            .filter(|(_, p)| p.chars().all(|c| c.is_ascii_digit()))
            .unwrap_or((hostport, ""));
        let mut params = Map::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, val) = pair.split_once('=').unwrap_or((pair, ""));
            params.insert(
                k.to_string(),
                Json::String(percent_decode(val).unwrap_or_else(|| val.to_string())),
            );
        }
        let mut m = Map::new();
        m.insert("Scheme".into(), Json::String(scheme.into()));
        m.insert("Host".into(), Json::String(host.into()));
        m.insert("Port".into(), Json::String(port.into()));
        m.insert("Path".into(), Json::String(path.into()));
        m.insert("Username".into(), Json::String(user.into()));
        m.insert("Password".into(), Json::String(pass.into()));
        m.insert("Query Parameters".into(), Json::Object(params));
        m.insert("Fragment".into(), Json::String(fragment.into()));
        KValue::Dynamic(Json::Object(m))
    })
}

fn eval_parse_path(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Dynamic, |v| {
        let path = s(&v[0]);
        let cut = path.rfind(['/', '\\']).map_or(0, |i| i + 1);
        let (dir, file) = path.split_at(cut);
        let ext = file.rsplit_once('.').map_or("", |(_, e)| e);
        let mut m = Map::new();
        m.insert("Scheme".into(), Json::String(String::new()));
        m.insert("RootPath".into(), Json::String(String::new()));
        m.insert(
            "DirectoryPath".into(),
            Json::String(dir.trim_end_matches(['/', '\\']).into()),
        );
        m.insert(
            "DirectoryName".into(),
            Json::String(
                dir.trim_end_matches(['/', '\\'])
                    .rsplit(['/', '\\'])
                    .next()
                    .unwrap_or("")
                    .into(),
            ),
        );
        m.insert("Filename".into(), Json::String(file.into()));
        m.insert("Extension".into(), Json::String(ext.into()));
        m.insert(
            "AlternateDataStreamName".into(),
            Json::String(String::new()),
        );
        KValue::Dynamic(Json::Object(m))
    })
}

fn eval_format_bytes(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::String, |v| {
        let Some(n) = v[0].as_f64() else {
            return KValue::String(String::new());
        };
        let precision = v.get(1).and_then(KValue::as_i64).unwrap_or(0).clamp(0, 10) as usize;
        const UNITS: [&str; 6] = ["Bytes", "KB", "MB", "GB", "TB", "PB"];
        let mut value = n;
        let mut unit = 0;
        while value.abs() >= 1024.0 && unit + 1 < UNITS.len() {
            value /= 1024.0;
            unit += 1;
        }
        KValue::String(format!("{value:.precision$} {}", UNITS[unit]))
    })
}

fn ipv4(text: &str) -> Option<u32> {
    let parts: Vec<&str> = text.trim().split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    parts.iter().try_fold(0u32, |acc, p| {
        p.parse::<u8>().ok().map(|b| (acc << 8) | u32::from(b))
    })
}

/// `a.b.c.d[/prefix]` as (address, prefix length).
fn ipv4_net(text: &str) -> Option<(u32, u32)> {
    match text.split_once('/') {
        Some((a, p)) => Some((ipv4(a)?, p.trim().parse::<u32>().ok().filter(|p| *p <= 32)?)),
        None => Some((ipv4(text)?, 32)),
    }
}

fn in_net(addr: u32, (net, len): (u32, u32)) -> bool {
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    addr & mask == net & mask
}

fn eval_ipv4_private(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Bool, |v| match ipv4_net(&s(&v[0])) {
        Some((a, _)) => KValue::Bool(
            [(0x0A00_0000, 8), (0xAC10_0000, 12), (0xC0A8_0000, 16)]
                .iter()
                .any(|n| in_net(a, *n)),
        ),
        None => KValue::Null,
    })
}

fn eval_ipv4_in_range(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Bool, |v| {
        match (ipv4_net(&s(&v[0])), ipv4_net(&s(&v[1]))) {
            (Some((a, _)), Some(net)) => KValue::Bool(in_net(a, net)),
            _ => KValue::Null,
        }
    })
}

fn eval_parse_ipv4(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Long, |v| match ipv4_net(&s(&v[0])) {
        Some((a, len)) => {
            let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
            KValue::Long(i64::from(a & mask))
        }
        None => KValue::Null,
    })
}

/// SHA-256 (FIPS 180-4) of the UTF-8 text, as lower-case hex.
fn sha256_hex(data: &[u8]) -> String {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut msg = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_be_bytes());
    for chunk in msg.chunks(64) {
        let mut w = [0u32; 64];
        for (i, word) in chunk.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let mut v = h;
        for i in 0..64 {
            let s1 = v[4].rotate_right(6) ^ v[4].rotate_right(11) ^ v[4].rotate_right(25);
            let ch = (v[4] & v[5]) ^ (!v[4] & v[6]);
            let t1 = v[7]
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = v[0].rotate_right(2) ^ v[0].rotate_right(13) ^ v[0].rotate_right(22);
            let maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
            let t2 = s0.wrapping_add(maj);
            v = [
                t1.wrapping_add(t2),
                v[0],
                v[1],
                v[2],
                v[3].wrapping_add(t1),
                v[4],
                v[5],
                v[6],
            ];
        }
        for (a, b) in h.iter_mut().zip(v) {
            *a = a.wrapping_add(b);
        }
    }
    h.iter().map(|x| format!("{x:08x}")).collect()
}

fn eval_sha256(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::String, |v| {
        KValue::String(sha256_hex(s(&v[0]).as_bytes()))
    })
}

pub fn hash_sha256(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    call(&SHA256, a)
}

fn call(udf: &Arc<ScalarUDF>, a: Vec<Arg>) -> Result<Expr, String> {
    Ok(udf.call(a.into_iter().map(super::conversion::as_string).collect()))
}

pub fn replace_regex(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    call(&REPLACE_REGEX, a)
}
pub fn extract_all(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    if a.len() == 3 {
        return Err("extract_all() with capture-group selection is not supported yet".into());
    }
    call(&EXTRACT_ALL, a)
}
pub fn strcmp(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    call(&STRCMP, a)
}
pub fn url_encode(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    call(&URL_ENCODE, a)
}
pub fn url_decode(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    call(&URL_DECODE, a)
}
pub fn base64_encode_tostring(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    call(&B64_ENCODE, a)
}
pub fn base64_decode_tostring(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    call(&B64_DECODE, a)
}
pub fn parse_url(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    call(&PARSE_URL, a)
}
pub fn parse_path(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    call(&PARSE_PATH, a)
}
pub fn format_bytes(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&FORMAT_BYTES, a)
}
pub fn ipv4_is_private(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    call(&IPV4_PRIVATE, a)
}
pub fn ipv4_is_in_range(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    call(&IPV4_IN_RANGE, a)
}
pub fn parse_ipv4(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    call(&PARSE_IPV4, a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_ranges() {
        let a = ipv4("10.1.2.3").unwrap_or_default();
        assert!(in_net(a, (0x0A00_0000, 8)));
        assert_eq!(ipv4_net("192.168.1.0/24"), Some((0xC0A8_0100, 24)));
        assert_eq!(ipv4("300.1.1.1"), None);
    }

    #[test]
    fn sha256_known_vectors() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn base64_round_trips() {
        assert_eq!(b64_decode("aGVsbG8="), Some(b"hello".to_vec()));
    }
}
