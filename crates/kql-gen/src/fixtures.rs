//! The small sample logs committed under `testdata/`, one folder per place
//! Azure writes logs, plus a folder of bad input. `kql-gen --fixtures --out
//! testdata` rewrites them byte for byte; the tests pin what they contain.
//!
//! * `storage/` — a diagnostic-setting archive: three hours of
//!   `insights-logs-gatewaylogs` with a rate-limit burst, a backend outage
//!   and a revoked key, their `gatewayllmlogs` and Azure OpenAI
//!   `requestresponse` siblings, an OpenAI `audit` blob, exported metrics,
//!   and one pre-November-2018 blob in the `{"records":[…]}` format.
//! * `eventhubs/` — Event Hubs payloads: `{"records":[…]}` batches one per
//!   line, and a gzipped array of batches carrying consumer fields.
//! * `la-export/` — Log Analytics exports: a data-export blob per table, a
//!   query result as the Azure CLI prints it (every value a string), and a
//!   portal CSV (`TimeGenerated [UTC]`, locale datetimes).
//! * `openai/` — Azure OpenAI records as the service writes them
//!   (`properties` as JSON text, `resultSignature` as a string).
//! * `bad/` — a truncated file and gzip, records that are not objects, a
//!   field whose type changes, timestamps in other formats, non-UTF-8
//!   bytes, an empty file. (A 10 MB line is made by the tests.)

use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use flate2::Compression;
use flate2::write::GzEncoder;

use crate::layout::{self, Shape};
use crate::model::{Burst, TENANT, World};
use crate::records::{
    aoai_raw, aoai_resource_id, apim_resource_id, escape, gateway_raw, gateway_row, llm_rows,
};
use crate::rng::{Rng, TICKS, civil_from_days, days_from_civil, iso};

const SEED: u64 = 20_261_125;

fn at(hour: i64, min: i64) -> i64 {
    (days_from_civil(2026, 11, 25) * 86_400 + hour * 3600 + min * 60) * TICKS
}

fn put(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}

pub fn write(out: &Path) -> Result<()> {
    let world = World::with_bursts(vec![
        (at(13, 20), at(13, 45), Burst::RateLimit),
        (at(14, 10), at(14, 40), Burst::Outage("aoai-eastus")),
        (at(15, 0), at(15, 30), Burst::BadKey(4)),
    ]);
    let storage = out.join("storage");
    for (i, hour) in [13, 14, 15].into_iter().enumerate() {
        let mut rng = Rng::new(SEED, i as u64);
        layout::calls(
            &storage,
            Shape::Storage,
            &world,
            &mut rng,
            (at(hour, 0), 3600),
            40,
        )?;
    }
    legacy_blob(&storage)?;
    audit_blob(&storage)?;
    metrics_blob(&storage)?;

    let mut rng = Rng::new(SEED, 10);
    layout::calls(
        out,
        Shape::Eventhubs,
        &world,
        &mut rng,
        (at(16, 0), 3600),
        16,
    )?;
    capture(&out.join("eventhubs/capture-2026-11-25-17.json.gz"), &world)?;

    let export = out.join("la-export");
    let mut rng = Rng::new(SEED, 11);
    layout::calls(
        &export,
        Shape::LaExport,
        &world,
        &mut rng,
        (at(18, 0), 300),
        10,
    )?;
    cli_result(&export.join("query-result.json"), &world)?;
    portal_csv(&export.join("query_data.csv"))?;

    openai(&out.join("openai/RequestResponse.json"))?;
    bad(&out.join("bad"), &world)?;
    Ok(())
}

/// Calls of one stretch of time, for files written here rather than by
/// `layout`.
fn some_calls(world: &World, stream: u64, start: i64, n: i64) -> (Rng, Vec<crate::model::Call>) {
    let mut rng = Rng::new(SEED, stream);
    let calls = (0..n)
        .map(|k| world.call(&mut rng, start + k * 3600 / n * TICKS))
        .collect();
    (rng, calls)
}

/// Before 2018-11-01 a blob held one `{"records":[…]}` object; this one is
/// pretty-printed, as the documentation shows it.
fn legacy_blob(storage: &Path) -> Result<()> {
    let start = (days_from_civil(2018, 10, 31) * 86_400 + 23 * 3600) * TICKS;
    let (_, calls) = some_calls(&World::with_bursts(Vec::new()), 20, start, 3);
    let mut text = String::from("{\n  \"records\": [\n");
    for (i, c) in calls.iter().enumerate() {
        text.push_str("    ");
        gateway_raw(c, &mut text);
        text.push_str(if i + 1 < calls.len() { ",\n" } else { "\n" });
    }
    text.push_str("  ]\n}\n");
    let path = format!(
        "insights-logs-gatewaylogs/resourceId={}/y=2018/m=10/d=31/h=23/m=00/PT1H.json",
        apim_resource_id()
    );
    put(&storage.join(path), text.as_bytes())
}

fn audit_blob(storage: &Path) -> Result<()> {
    let id = aoai_resource_id("CONTOSO-AOAI-EASTUS");
    let mut text = String::new();
    for (min, object) in [
        (7, "b610ab05-7b1a-4c9e-a5d2-1f3e5c7a9b21"),
        (52, "e3a1c9d4-2f6b-4d8e-9a1c-5b7d3e9f1a2c"),
    ] {
        let mut t = String::new();
        iso(at(14, min), &mut t);
        let _ = writeln!(
            text,
            "{{\"AssetIdentity\":\"07628fea-1c2d-4e5f-8a9b-0c1d2e3f4a5b\",\"Tenant\":\"eastus\",\"category\":\"Audit\",\"operationName\":\"ListKey\",\"properties\":{{\"objectId\":\"{object}\"}},\"resourceId\":\"{id}\",\"time\":\"{t}\"}}"
        );
    }
    let path = format!("insights-logs-audit/resourceId={id}/y=2026/m=11/d=25/h=14/m=00/PT1H.json");
    put(&storage.join(path), text.as_bytes())
}

/// Metrics a diagnostic setting exports: one record per metric and minute.
fn metrics_blob(storage: &Path) -> Result<()> {
    let id = aoai_resource_id("CONTOSO-AOAI-EASTUS");
    let mut text = String::new();
    for min in 0..3 {
        let mut t = String::new();
        iso(at(13, min), &mut t);
        for (metric, count, total) in [
            ("AzureOpenAIRequests", 14, 14.0),
            ("ProcessedPromptTokens", 14, 9120.0),
            ("GeneratedTokens", 14, 3301.0),
        ] {
            let _ = writeln!(
                text,
                "{{\"count\":{count},\"total\":{total:.1},\"minimum\":1.0,\"maximum\":{:.1},\"average\":{:.4},\"resourceId\":\"{id}\",\"time\":\"{t}\",\"metricName\":\"{metric}\",\"timeGrain\":\"PT1M\"}}",
                total / 4.0,
                total / f64::from(count)
            );
        }
    }
    let path =
        format!("insights-metrics-pt1m/resourceId={id}/y=2026/m=11/d=25/h=13/m=00/PT1H.json");
    put(&storage.join(path), text.as_bytes())
}

/// What a Stream Analytics-style consumer saves: a JSON array of Event Hubs
/// events, each a `{"records":[…]}` body with the consumer's system fields.
fn capture(path: &Path, world: &World) -> Result<()> {
    let (mut rng, calls) = some_calls(world, 12, at(17, 0), 6);
    let mut text = String::from("[\n");
    for (i, pair) in calls.chunks(2).enumerate() {
        let mut records = Vec::new();
        for c in pair {
            let mut s = String::new();
            gateway_raw(c, &mut s);
            records.push(s);
            if c.has_llm_log() {
                llm_rows(c, true, &mut rng, |r| records.push(r.to_owned()));
            }
            let mut s = String::new();
            aoai_raw(c, &mut rng, true, &mut s);
            if !s.is_empty() {
                records.push(s);
            }
        }
        let mut enqueued = String::new();
        iso(pair[pair.len() - 1].ticks + 2 * TICKS, &mut enqueued);
        let mut processed = String::new();
        iso(pair[pair.len() - 1].ticks + 3 * TICKS, &mut processed);
        let _ = writeln!(
            text,
            "  {{\"records\":[{}],\"EventProcessedUtcTime\":\"{processed}\",\"PartitionId\":{i},\"EventEnqueuedUtcTime\":\"{enqueued}\"}}{}",
            records.join(","),
            if i + 1 < calls.len().div_ceil(2) {
                ","
            } else {
                ""
            }
        );
    }
    text.push_str("]\n");
    let mut gz = GzEncoder::new(Vec::new(), Compression::new(6));
    gz.write_all(text.as_bytes())?;
    put(path, &gz.finish()?)
}

/// `az monitor log-analytics query -o json`: an array of rows whose values
/// are all strings, with the result table's name.
fn cli_result(path: &Path, world: &World) -> Result<()> {
    let (_, calls) = some_calls(world, 13, at(19, 0), 8);
    let rows: Vec<String> = calls
        .iter()
        .map(|c| {
            let mut s = String::from("  ");
            gateway_row(c, true, &mut s);
            s
        })
        .collect();
    put(path, format!("[\n{}\n]\n", rows.join(",\n")).as_bytes())
}

/// A datetime as the portal's grid shows it in an en-US browser.
fn en_us(ticks: i64) -> String {
    let secs = ticks.div_euclid(TICKS);
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    let (h, pm) = (s / 3600, s / 3600 >= 12);
    let h12 = if h % 12 == 0 { 12 } else { h % 12 };
    format!(
        "{m}/{d}/{y}, {h12}:{:02}:{:02}.{:03} {}",
        s / 60 % 60,
        s % 60,
        ticks.rem_euclid(TICKS) / 10_000,
        if pm { "PM" } else { "AM" }
    )
}

fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// The portal's "Export to CSV (all columns)" of a query over the gateway
/// log: the datetime column's header names its zone.
fn portal_csv(path: &Path) -> Result<()> {
    // Throttled calls show empty cells for columns with no value.
    let world = World::with_bursts(vec![(at(20, 0), at(21, 0), Burst::RateLimit)]);
    let (_, calls) = some_calls(&world, 16, at(20, 0), 8);
    let mut text = String::from(
        "TenantId,TimeGenerated [UTC],OperationName,CorrelationId,Region,IsRequestSuccess,Category,TotalTime,CallerIpAddress,Method,Url,ResponseCode,BackendResponseCode,ApiId,OperationId,ApimSubscriptionId,LastErrorReason,RequestHeaders,Type,_ResourceId\n",
    );
    for c in &calls {
        let mut headers = String::new();
        headers.push_str("{\"User-Agent\":");
        escape(c.client.agent, &mut headers);
        headers.push('}');
        let cells = [
            TENANT.to_owned(),
            en_us(c.ticks),
            "Microsoft.ApiManagement/GatewayLogs".to_owned(),
            c.correlation.clone(),
            c.region.to_owned(),
            c.succeeded().to_string(),
            "GatewayLogs".to_owned(),
            c.total_ms.to_string(),
            c.client.ip.to_owned(),
            c.op.method.to_owned(),
            c.url.clone(),
            c.response_code.to_string(),
            c.backend_code.map_or_else(String::new, |b| b.to_string()),
            c.api.id.to_owned(),
            c.op.id.to_owned(),
            c.client.subscription.to_owned(),
            c.last_error.as_ref().map_or("", |e| e.reason).to_owned(),
            headers,
            "ApiManagementGatewayLogs".to_owned(),
            apim_resource_id().to_ascii_lowercase(),
        ];
        let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        text.push_str(&line.join(","));
        text.push_str("\r\n");
    }
    put(path, text.as_bytes())
}

/// Azure OpenAI records as the service writes them: `properties` is JSON
/// text (or, in one record, an object), `resultSignature` a string (or, in
/// one record, a number), and one `durationMs` arrives as a string.
fn openai(path: &Path) -> Result<()> {
    let id = aoai_resource_id("CONTOSO-AOAI-EASTUS");
    let ticks = |min: i64, ms: i64| crate::rng::dotnet_ticks(at(21, min) + ms * TICKS / 1000);
    let t = |min: i64| {
        let mut s = String::new();
        iso(at(21, min), &mut s);
        s
    };
    let props = |min: i64, dur: i64, model: &str| {
        let mut p = format!(
            "{{\"apiName\":\"Azure OpenAI API version 2024-10-21\",\"requestTime\":{},\"responseTime\":{},\"requestLength\":128,\"responseLength\":1411,\"objectId\":\"\",\"streamType\":\"Non-Streaming\"",
            ticks(min, 0),
            ticks(min, dur)
        );
        if !model.is_empty() {
            let _ = write!(
                p,
                ",\"modelDeploymentName\":\"{model}\",\"modelName\":\"{model}\",\"modelVersion\":\"2024-08-06\""
            );
        }
        p.push('}');
        let mut quoted = String::new();
        escape(&p, &mut quoted);
        quoted
    };
    let line = |time: String, op: &str, dur: &str, sig: &str, props: &str| {
        format!(
            "{{\"time\":\"{time}\",\"resourceId\":\"{id}\",\"category\":\"RequestResponse\",\"operationName\":\"{op}\",\"event\":\"ShoeboxCallResult\",\"durationMs\":{dur},\"resultSignature\":{sig},\"callerIpAddress\":\"20.81.111.***\",\"correlationId\":\"d427a391-5d3c-4b8e-9f21-6c0a7e4b3d19\",\"location\":\"eastus\",\"Tenant\":\"eastus\",\"properties\":{props}}}\n"
        )
    };
    let mut text = String::new();
    text.push_str(&line(
        t(1),
        "Create_Thread",
        "98",
        "\"200\"",
        &props(1, 98, ""),
    ));
    text.push_str(&line(
        t(2),
        "ChatCompletions_Create",
        "1021",
        "\"200\"",
        &props(2, 1021, "gpt-4o"),
    ));
    text.push_str(&line(
        t(3),
        "ChatCompletions_Create",
        "35",
        "\"429\"",
        "{\"apiName\":\"Azure OpenAI API version 2024-10-21\",\"modelDeploymentName\":\"gpt-4o\",\"modelName\":\"gpt-4o\",\"streamType\":\"Streaming\"}",
    ));
    text.push_str(&line(
        t(4),
        "Embeddings_Create",
        "\"78\"",
        "200",
        &props(4, 78, "text-embedding-3-large"),
    ));
    put(path, text.as_bytes())
}

/// Input that cannot be read as it is. Each file is also routed: the raw
/// gateway records to `ApiManagementGatewayLogs`, the rest by file name.
fn bad(dir: &Path, world: &World) -> Result<()> {
    let (_, calls) = some_calls(world, 15, at(22, 0), 12);
    let record = |i: usize| {
        let mut s = String::new();
        gateway_raw(&calls[i], &mut s);
        s
    };
    // Cut off mid-record, as a blob still being appended to.
    let mut text = format!("{}\n{}\n", record(0), record(1));
    let third = record(2);
    text.push_str(&third[..third.len() / 2]);
    put(&dir.join("truncated.json"), text.as_bytes())?;
    let mut gz = GzEncoder::new(Vec::new(), Compression::new(6));
    gz.write_all(format!("{}\n{}\n", record(3), record(4)).as_bytes())?;
    let gz = gz.finish()?;
    put(&dir.join("truncated.json.gz"), &gz[..gz.len() - 12])?;

    let text = format!(
        "{}\n42\n\"text\"\n[\"a\", \"b\"]\nnull\n{}\n",
        record(5),
        record(6)
    );
    put(&dir.join("not-object.json"), text.as_bytes())?;

    // A generic log whose `status` is a number, then a word; and a gateway
    // record whose `responseCode` cannot be an int.
    let mut text = String::new();
    for (i, status) in ["200", "204", "\"OK\"", "500"].iter().enumerate() {
        let _ = writeln!(
            text,
            "{{\"id\":{i},\"status\":{status},\"at\":\"2026-11-25T22:0{i}:00Z\"}}"
        );
    }
    text.push_str(&record(7).replacen("\"responseCode\":", "\"responseCode\":\"OK\",\"was\":", 1));
    text.push('\n');
    put(&dir.join("type-change.json"), text.as_bytes())?;

    // `time` in other formats: two that parse, two that do not.
    let mut text = String::new();
    for (i, time) in [
        "\"2026-11-25 22:06:00\"",
        "\"Wed, 25 Nov 2026 22:07:00 GMT\"",
        "\"25/11/2026 22:08\"",
        "1795644480",
    ]
    .iter()
    .enumerate()
    {
        let r = record(8 + i);
        let start = r.find("\"time\":").map_or(0, |p| p + 7);
        let end = r[start..].find(',').map_or(start, |p| start + p);
        let _ = writeln!(text, "{}{time}{}", &r[..start], &r[end..]);
    }
    put(&dir.join("timestamps.json"), text.as_bytes())?;

    // A URL written in Latin-1 by some proxy: `café` with a lone 0xE9.
    let mut bytes = record(0)
        .replacen("azure-api.net/", "azure-api.net/caf\u{1}/", 1)
        .into_bytes();
    if let Some(p) = bytes.iter().position(|&b| b == 1) {
        bytes[p] = 0xE9;
    }
    bytes.push(b'\n');
    put(&dir.join("latin1.json"), &bytes)?;

    put(&dir.join("empty.json"), b"")?;
    Ok(())
}
