//! Calls written as the records Azure emits: raw diagnostic records
//! (storage archives, Event Hubs) and Log Analytics rows (exports).

use std::fmt::Write as _;

use crate::model::{AI_RG, AOAI_VERSION, APIM, APIM_RG, Call, Kind, SUBSCRIPTION, TENANT};
use crate::rng::{Rng, TICKS, dotnet_ticks, iso};

/// Appends a JSON object field by field; values are escaped as needed.
pub struct Obj<'a> {
    out: &'a mut String,
    first: bool,
    /// Write keys with an upper-case first letter (Log Analytics columns).
    pascal: bool,
    /// Write every value as a string, as `az monitor log-analytics query`
    /// prints query results.
    pub stringly: bool,
}

impl<'a> Obj<'a> {
    pub fn new(out: &'a mut String) -> Obj<'a> {
        out.push('{');
        Obj {
            out,
            first: true,
            pascal: false,
            stringly: false,
        }
    }

    fn key(&mut self, k: &str) -> &mut String {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        self.out.push('"');
        let mut chars = k.chars();
        if let (true, Some(c)) = (self.pascal, chars.next()) {
            self.out.extend(c.to_uppercase());
            self.out.push_str(chars.as_str());
        } else {
            self.out.push_str(k);
        }
        self.out.push_str("\":");
        self.out
    }

    pub fn str(&mut self, k: &str, v: &str) -> &mut Self {
        let out = self.key(k);
        escape(v, out);
        self
    }

    pub fn num(&mut self, k: &str, v: impl std::fmt::Display) -> &mut Self {
        let quote = if self.stringly { "\"" } else { "" };
        let out = self.key(k);
        let _ = write!(out, "{quote}{v}{quote}");
        self
    }

    pub fn bool(&mut self, k: &str, v: bool) -> &mut Self {
        let quote = if self.stringly { "\"" } else { "" };
        let out = self.key(k);
        let _ = write!(out, "{quote}{v}{quote}");
        self
    }

    pub fn time(&mut self, k: &str, ticks: i64) -> &mut Self {
        let out = self.key(k);
        out.push('"');
        iso(ticks, out);
        out.push('"');
        self
    }

    /// A value that already is JSON text.
    pub fn raw(&mut self, k: &str, json: &str) -> &mut Self {
        self.key(k).push_str(json);
        self
    }

    pub fn obj(&mut self, k: &str, f: impl FnOnce(&mut Obj<'_>)) -> &mut Self {
        let stringly = self.stringly;
        let out = self.key(k);
        if stringly {
            // A dynamic value printed as its JSON text.
            let mut text = String::new();
            let mut inner = Obj::new(&mut text);
            f(&mut inner);
            inner.close();
            escape(&text, out);
        } else {
            let mut inner = Obj::new(out);
            f(&mut inner);
            inner.close();
        }
        self
    }

    pub fn close(&mut self) {
        self.out.push('}');
    }
}

pub fn escape(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

pub fn apim_resource_id() -> String {
    format!(
        "/SUBSCRIPTIONS/{SUBSCRIPTION}/RESOURCEGROUPS/{APIM_RG}/PROVIDERS/MICROSOFT.APIMANAGEMENT/SERVICE/{APIM}"
    )
}

pub fn aoai_resource_id(account: &str) -> String {
    format!(
        "/SUBSCRIPTIONS/{SUBSCRIPTION}/RESOURCEGROUPS/{AI_RG}/PROVIDERS/MICROSOFT.COGNITIVESERVICES/ACCOUNTS/{account}"
    )
}

/// A raw `GatewayLogs` record, as in a `PT1H.json` blob.
pub fn gateway_raw(c: &Call, out: &mut String) {
    let mut o = Obj::new(out);
    o.num("Level", 4)
        .bool("isRequestSuccess", c.succeeded())
        .time("time", c.ticks)
        .str("operationName", "Microsoft.ApiManagement/GatewayLogs")
        .str("category", "GatewayLogs")
        .num("durationMs", c.total_ms)
        .str("callerIpAddress", c.client.ip)
        .str("correlationId", &c.correlation)
        .str("location", c.region)
        .obj("properties", |p| gateway_properties(c, p))
        .str("resourceId", &apim_resource_id())
        .str("DeploymentVersion", "0.44.18652.0")
        .str("Sku", "Standard")
        .str(
            "resultType",
            if c.succeeded() { "Succeeded" } else { "Failed" },
        )
        .num("truncated", 0);
    o.close();
}

fn gateway_properties(c: &Call, p: &mut Obj<'_>) {
    p.str("method", c.op.method).str("url", &c.url);
    if let Some(code) = c.backend_code {
        p.num("backendResponseCode", code);
    }
    p.num("responseCode", c.response_code)
        .num("responseSize", c.response_size)
        .str("cache", c.cache);
    if c.cache == "hit" {
        p.num("cacheTime", 1);
    }
    if c.backend_code.is_some() {
        p.num("backendTime", c.backend_ms);
    }
    p.num("requestSize", c.request_size)
        .str("apiId", c.api.id)
        .str("operationId", c.op.id);
    if c.response_code != 401 {
        p.str("productId", c.client.product)
            .str("userId", c.client.user)
            .str("apimSubscriptionId", c.client.subscription);
    }
    p.num("clientTime", c.client_ms)
        .str("clientProtocol", "HTTP/1.1")
        .str("apiRevision", "1")
        .str("clientTlsVersion", c.tls);
    if c.backend_code.is_some() {
        p.str("backendMethod", c.op.method)
            .str("backendUrl", &c.backend_url)
            .str("backendProtocol", "HTTP/1.1");
        if let Some(id) = c.api.backend_id {
            p.str("backendId", id);
        }
    }
    p.obj("requestHeaders", |h| {
        h.str("User-Agent", c.client.agent);
    });
    if let Some(e) = &c.last_error {
        p.obj("lastError", |l| {
            l.num("elapsed", e.elapsed)
                .str("source", e.source)
                .str("scope", e.scope)
                .str("section", e.section)
                .str("reason", e.reason)
                .str("message", e.message);
        });
    }
}

fn la_resource_id() -> String {
    apim_resource_id().to_ascii_lowercase()
}

/// The same call as a row of `ApiManagementGatewayLogs` (data export).
pub fn gateway_la(c: &Call, out: &mut String) {
    gateway_row(c, false, out);
}

/// A row of `ApiManagementGatewayLogs`; `stringly` writes every value as a
/// string, as the Azure CLI prints query results.
pub fn gateway_row(c: &Call, stringly: bool, out: &mut String) {
    let mut o = Obj::new(out);
    o.stringly = stringly;
    if stringly {
        o.str("TableName", "PrimaryResult");
    }
    o.str("TenantId", TENANT)
        .str("SourceSystem", "Azure")
        .time("TimeGenerated", c.ticks)
        .str("OperationName", "Microsoft.ApiManagement/GatewayLogs")
        .str("CorrelationId", &c.correlation)
        .str("Region", c.region)
        .bool("IsRequestSuccess", c.succeeded())
        .str("Category", "GatewayLogs")
        .num("TotalTime", c.total_ms)
        .str("CallerIpAddress", c.client.ip)
        .str("Method", c.op.method)
        .str("Url", &c.url)
        .str("ClientProtocol", "HTTP/1.1")
        .num("ResponseCode", c.response_code);
    if let Some(code) = c.backend_code {
        o.str("BackendMethod", c.op.method)
            .str("BackendUrl", &c.backend_url)
            .num("BackendResponseCode", code)
            .str("BackendProtocol", "HTTP/1.1");
    }
    o.num("RequestSize", c.request_size)
        .num("ResponseSize", c.response_size)
        .str("Cache", c.cache);
    if c.backend_code.is_some() {
        o.num("BackendTime", c.backend_ms);
    }
    o.num("ClientTime", c.client_ms)
        .str("ApiId", c.api.id)
        .str("OperationId", c.op.id);
    if c.response_code != 401 {
        o.str("ProductId", c.client.product)
            .str("UserId", c.client.user)
            .str("ApimSubscriptionId", c.client.subscription);
    }
    if let (Some(id), Some(_)) = (c.api.backend_id, c.backend_code) {
        o.str("BackendId", id);
    }
    if let Some(e) = &c.last_error {
        o.num("LastErrorElapsed", e.elapsed)
            .str("LastErrorSource", e.source)
            .str("LastErrorScope", e.scope)
            .str("LastErrorSection", e.section)
            .str("LastErrorReason", e.reason)
            .str("LastErrorMessage", e.message);
    }
    o.str("ApiRevision", "1")
        .str("ClientTlsVersion", c.tls)
        .obj("RequestHeaders", |h| {
            h.str("User-Agent", c.client.agent);
        })
        .str("Type", "ApiManagementGatewayLogs")
        .str("_ResourceId", &la_resource_id())
        .str("_SubscriptionId", &SUBSCRIPTION.to_ascii_lowercase());
    o.close();
}

const PROMPTS: [&str; 5] = [
    "Summarize the incident report for ticket 4711 in three bullet points.",
    "Translate the release notes into French.",
    "Which of our APIs had the most 5xx errors last week?",
    "Write a polite reply declining the meeting on Friday.",
    "Extract the invoice number and total from this email.",
];

/// Rows of the generative-AI gateway log for a call: the token row, and
/// for APIs that log messages a second row carrying them.
pub fn llm_rows(c: &Call, raw: bool, rng: &mut Rng, mut emit: impl FnMut(&str)) {
    let Some(d) = c.deployment else {
        return;
    };
    let mut buf = String::new();
    let header = |o: &mut Obj<'_>| {
        o.str("apiVersion", AOAI_VERSION)
            .str("deploymentName", d.name)
            .str("modelName", d.model)
            .str("requestId", &c.request_id)
            .bool("isStreamCompletion", c.stream)
            .num("promptTokens", c.prompt_tokens)
            .num("completionTokens", c.completion_tokens)
            .num("totalTokens", c.prompt_tokens + c.completion_tokens)
            .num("sequenceNumber", 0);
    };
    llm_record(c, raw, 0, &mut buf, header);
    emit(&buf);
    if c.api.log_messages && c.op.kind == Kind::Chat {
        let mut messages = String::new();
        let mut req = Obj::new(&mut messages);
        let prompt: &&str = rng.pick(&PROMPTS);
        req.str("role", "user").str("content", prompt);
        req.close();
        let request = format!("[{messages}]");
        let mut answer = String::new();
        let mut resp = Obj::new(&mut answer);
        resp.str("role", "assistant").str(
            "content",
            "Here is a short answer based on the information you provided.",
        );
        resp.close();
        let response = format!("[{answer}]");
        buf.clear();
        llm_record(c, raw, 1, &mut buf, |o| {
            o.raw("requestMessages", &request)
                .raw("responseMessages", &response)
                .num("sequenceNumber", 1);
        });
        emit(&buf);
    }
}

fn llm_record(c: &Call, raw: bool, seq: i64, out: &mut String, fields: impl FnOnce(&mut Obj<'_>)) {
    // A message row is written a moment after the token row.
    let t = c.ticks + seq * TICKS / 1000;
    let mut o = Obj::new(out);
    if raw {
        o.time("time", t)
            .str("resourceId", &apim_resource_id())
            .str("operationName", c.op.id)
            .str("category", "GatewayLlmLogs")
            .str("correlationId", &c.correlation)
            .str("location", c.region)
            .obj("properties", |p| {
                p.str("apiId", c.api.id);
                fields(p);
            });
    } else {
        // Export rows carry column names: the same fields, PascalCase.
        o.pascal = true;
        o.str("TenantId", TENANT)
            .time("TimeGenerated", t)
            .str("CorrelationId", &c.correlation)
            .str("OperationName", c.op.id)
            .str("Region", c.region);
        fields(&mut o);
        o.str("SourceSystem", "Azure")
            .str("Type", "ApiManagementGatewayLlmLog")
            .str("_ResourceId", &la_resource_id());
    }
    o.close();
}

/// The Azure OpenAI `RequestResponse` record of a call that reached the
/// backend, with `properties` as a JSON-encoded string as the service
/// writes it.
pub fn aoai_raw(c: &Call, rng: &mut Rng, raw: bool, out: &mut String) {
    let (Some(account), Some(d), Some(code)) = (c.api.account, c.deployment, c.backend_code) else {
        return;
    };
    let start = c.ticks + rng.range(2, 8) as i64 * TICKS / 1000;
    let duration = c.backend_ms.saturating_sub(rng.range(1, 3));
    let mut props = String::new();
    let mut p = Obj::new(&mut props);
    p.str(
        "apiName",
        &format!("Azure OpenAI API version {AOAI_VERSION}"),
    )
    .num("requestTime", dotnet_ticks(start))
    .num(
        "responseTime",
        dotnet_ticks(start + duration as i64 * TICKS / 1000),
    )
    .num("requestLength", c.request_size.saturating_sub(200))
    .num("responseLength", c.response_size.saturating_sub(150))
    .str("objectId", "")
    .str(
        "streamType",
        if c.stream {
            "Streaming"
        } else {
            "Non-Streaming"
        },
    )
    .str("modelDeploymentName", d.name)
    .str("modelName", d.model)
    .str("modelVersion", d.version);
    p.close();
    let id = aoai_resource_id(account.name);
    let correlation = rng.guid();
    let mut o = Obj::new(out);
    if raw {
        o.time("time", start)
            .str("resourceId", &id)
            .str("category", "RequestResponse")
            .str("operationName", c.op.id)
            .str("event", "ShoeboxCallResult")
            .num("durationMs", duration)
            .str("resultSignature", &code.to_string())
            .str("callerIpAddress", "20.81.111.***")
            .str("correlationId", &correlation)
            .str("location", account.location)
            .str("Tenant", account.location)
            .str("properties", &props);
    } else {
        o.str("TenantId", TENANT)
            .str("SourceSystem", "Azure")
            .time("TimeGenerated", start)
            .str("ResourceId", &id)
            .str("Category", "RequestResponse")
            .str("ResourceGroup", AI_RG)
            .str("SubscriptionId", SUBSCRIPTION)
            .str("ResourceProvider", "MICROSOFT.COGNITIVESERVICES")
            .str("Resource", account.name)
            .str("ResourceType", "ACCOUNTS")
            .str("OperationName", c.op.id)
            .str("ResultSignature", &code.to_string())
            .num("DurationMs", duration)
            .str("CallerIPAddress", "20.81.111.***")
            .str("CorrelationId", &correlation)
            .str("properties_s", &props)
            .str("location_s", account.location)
            .str("event_s", "ShoeboxCallResult")
            .str("Tenant_s", account.location)
            .str("Type", "AzureDiagnostics")
            .str("_ResourceId", &id.to_ascii_lowercase());
    }
    o.close();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::World;

    #[test]
    fn records_are_valid_json() {
        let world = World::new(3, 0, 1);
        let mut rng = Rng::new(3, 1);
        for i in 0..300 {
            let c = world.call(&mut rng, i * 1_000 * TICKS);
            let mut s = String::new();
            gateway_raw(&c, &mut s);
            let v: serde_json::Value = serde_json::from_str(&s).unwrap();
            assert_eq!(v["properties"]["responseCode"], c.response_code);
            s.clear();
            gateway_la(&c, &mut s);
            serde_json::from_str::<serde_json::Value>(&s).unwrap();
            s.clear();
            aoai_raw(&c, &mut rng, true, &mut s);
            if !s.is_empty() {
                let v: serde_json::Value = serde_json::from_str(&s).unwrap();
                let props: serde_json::Value =
                    serde_json::from_str(v["properties"].as_str().unwrap()).unwrap();
                assert!(props["modelName"].is_string());
            }
            if c.has_llm_log() {
                llm_rows(&c, true, &mut rng, |r| {
                    serde_json::from_str::<serde_json::Value>(r).unwrap();
                });
            }
        }
    }
}
