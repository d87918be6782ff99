//! `hash(x [, mod])`: Kusto's hash is XXH64 (seed 0) of the value's UTF-8
//! text. Only strings are accepted: Kusto hashes other types through their
//! binary form, which is not reproduced here, and a different number would
//! be a wrong answer.

use crate::KustoType;
use crate::catalog::{Arg, CallContext};
use crate::udf::ret;
use crate::value::{KValue, map_rows};
use datafusion::arrow::array::ArrayRef;
use datafusion::common::Result;
use datafusion::logical_expr::{Expr, ScalarUDF};
use std::sync::Arc;

kusto_udf!(HASH, "kql_hash", ret::int64, eval_hash);

pub fn udfs() -> Vec<Arc<ScalarUDF>> {
    vec![Arc::clone(&HASH)]
}

const P1: u64 = 0x9E37_79B1_85EB_CA87;
const P2: u64 = 0xC2B2_AE3D_27D4_EB4F;
const P3: u64 = 0x1656_67B1_9E37_79F9;
const P4: u64 = 0x85EB_CA77_C2B2_AE63;
const P5: u64 = 0x27D4_EB2F_1656_67C5;

fn read_u64(b: &[u8]) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[..8]);
    u64::from_le_bytes(a)
}

fn read_u32(b: &[u8]) -> u64 {
    let mut a = [0u8; 4];
    a.copy_from_slice(&b[..4]);
    u64::from(u32::from_le_bytes(a))
}

fn round(acc: u64, lane: u64) -> u64 {
    acc.wrapping_add(lane.wrapping_mul(P2))
        .rotate_left(31)
        .wrapping_mul(P1)
}

fn merge(acc: u64, v: u64) -> u64 {
    (acc ^ round(0, v)).wrapping_mul(P1).wrapping_add(P4)
}

/// XXH64 with seed 0, following the published algorithm.
pub fn xxh64(data: &[u8]) -> u64 {
    let len = data.len() as u64;
    let mut rest = data;
    let mut h = if data.len() >= 32 {
        let mut v = [P1.wrapping_add(P2), P2, 0, 0u64.wrapping_sub(P1)];
        while rest.len() >= 32 {
            for (i, lane) in v.iter_mut().enumerate() {
                *lane = round(*lane, read_u64(&rest[i * 8..]));
            }
            rest = &rest[32..];
        }
        let mut h = v[0]
            .rotate_left(1)
            .wrapping_add(v[1].rotate_left(7))
            .wrapping_add(v[2].rotate_left(12))
            .wrapping_add(v[3].rotate_left(18));
        for lane in v {
            h = merge(h, lane);
        }
        h
    } else {
        P5
    };
    h = h.wrapping_add(len);
    while rest.len() >= 8 {
        h ^= round(0, read_u64(rest));
        h = h.rotate_left(27).wrapping_mul(P1).wrapping_add(P4);
        rest = &rest[8..];
    }
    if rest.len() >= 4 {
        h ^= read_u32(rest).wrapping_mul(P1);
        h = h.rotate_left(23).wrapping_mul(P2).wrapping_add(P3);
        rest = &rest[4..];
    }
    for &b in rest {
        h ^= u64::from(b).wrapping_mul(P5);
        h = h.rotate_left(11).wrapping_mul(P1);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(P2);
    h ^= h >> 29;
    h = h.wrapping_mul(P3);
    h ^ (h >> 32)
}

fn eval_hash(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Long, |v| {
        let text = match &v[0] {
            KValue::String(s) => s.clone(),
            KValue::Dynamic(serde_json::Value::String(s)) => s.clone(),
            _ => return KValue::Null,
        };
        let h = xxh64(text.as_bytes());
        match v.get(1).map(|m| m.as_i64()) {
            None => KValue::Long(h as i64),
            Some(Some(m)) if m > 0 => KValue::Long((h % m as u64) as i64),
            Some(_) => KValue::Null,
        }
    })
}

pub fn hash(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    if let Some(x) = a.first()
        && x.ty != KustoType::String
    {
        return Err(format!(
            "hash() of a {} is not supported yet (only strings hash as Kusto does)",
            x.ty
        ));
    }
    if let Some(m) = a.get(1)
        && !m.ty.is_integer()
    {
        return Err(super::type_error("hash", "a whole-number modulo", m.ty));
    }
    super::call_udf(&HASH, a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xxh64_matches_reference_values() {
        assert_eq!(xxh64(b""), 0xEF46_DB37_51D8_E999);
        assert_eq!(xxh64(b"a"), 0xD24E_C4F1_A98C_6E5B);
        // Kusto's documented example: hash("World") == 1846988464401551951.
        assert_eq!(xxh64(b"World"), 1_846_988_464_401_551_951);
        // Over 32 bytes, the striped path (python-xxhash's README example).
        assert_eq!(
            xxh64(b"Nobody inspects the spammish repetition"),
            0xFBCE_A83C_8A37_8BF1
        );
    }
}
