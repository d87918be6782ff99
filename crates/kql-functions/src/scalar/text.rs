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

fn call(udf: &Arc<ScalarUDF>, a: Vec<Arg>) -> Result<Expr, String> {
    Ok(udf.call(a.into_iter().map(super::conversion::as_string).collect()))
}

fn call_raw(udf: &Arc<ScalarUDF>, a: Vec<Arg>) -> Result<Expr, String> {
    Ok(udf.call(a.into_iter().map(|x| x.expr).collect()))
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
    call_raw(&FORMAT_BYTES, a)
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
    fn base64_round_trips() {
        assert_eq!(b64_decode("aGVsbG8="), Some(b"hello".to_vec()));
    }
}
