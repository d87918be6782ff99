#!/usr/bin/env python3
"""Regenerates the sample logs in testdata/ exactly (stdlib only, seeded).

    python3 scripts/gen_sample.py            # writes testdata/*.json
    python3 scripts/gen_sample.py --check    # fails if testdata/ differs

Outputs, both JSON Lines shaped like a Log Analytics export:

* testdata/ApiManagementGatewayLogs.json   -- API Management gateway requests
  over three days (2026-11-23..25): a dozen APIs, three of them Azure OpenAI
  front ends; mostly 2xx with two bursts of 429 (rate-limit policy), some
  401 (bad subscription key), 404, 400 and 5xx. Fields that do not apply are
  absent, as in real records: no Backend* when the backend was not called,
  no LastError*/Errors when nothing failed, no ProductId/UserId/
  ApimSubscriptionId when no subscription was identified.
* testdata/ApiManagementGatewayLlmLog.json -- one record per successful
  Azure OpenAI call above (same CorrelationId), with token counts.

The first gateway record is one that has every column (a backend call that
then failed in an outbound policy), so that a schema inferred in first-seen
order lists the columns in the table's documented order.
"""

import argparse
import datetime as dt
import json
import math
import sys
import uuid
from pathlib import Path

import random

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "testdata"

START = dt.datetime(2026, 11, 23, tzinfo=dt.timezone.utc)
DAYS = 3
TICKS = 10_000_000  # 100 ns ticks per second, as Kusto stores datetimes

TENANT = "6f1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d"
RESOURCE_ID = (
    "/subscriptions/0d3c6a52-7f4b-4c1e-9a2d-5b8e1f3c7a90/resourcegroups/rg-apim-prod"
    "/providers/microsoft.apimanagement/service/contoso-apim"
)
GATEWAY = "https://contoso-apim.azure-api.net"
AOAI_VERSION = "2024-10-21"

# (ApiId, url prefix, backend id, backend base url, operations)
# operation = (OperationId, method, path template, weight)
OPENAI_APIS = [
    ("azure-openai-service-api", "/openai", "aoai-eastus",
     "https://contoso-aoai-eastus.openai.azure.com/openai",
     [("ChatCompletions_Create", "POST", "/deployments/{d}/chat/completions", 6),
      ("embeddings_create", "POST", "/deployments/{d}/embeddings", 3),
      ("Completions_Create", "POST", "/deployments/{d}/completions", 1)]),
    ("aoai-eu-api", "/openai-eu", "aoai-swedencentral",
     "https://contoso-aoai-swc.openai.azure.com/openai",
     [("ChatCompletions_Create", "POST", "/deployments/{d}/chat/completions", 5),
      ("embeddings_create", "POST", "/deployments/{d}/embeddings", 2)]),
    ("azure-openai-dev-api", "/openai-dev", "aoai-eastus",
     "https://contoso-aoai-eastus.openai.azure.com/openai",
     [("ChatCompletions_Create", "POST", "/deployments/{d}/chat/completions", 3),
      ("Completions_Create", "POST", "/deployments/{d}/completions", 1)]),
]
REST_APIS = [
    ("echo-api", "/echo", None, "http://echoapi.cloudapp.net/api",
     [("retrieve-resource", "GET", "/resource", 3), ("create-resource", "POST", "/resource", 1)]),
    ("conference-api", "/conference", None, "https://conferenceapi.azurewebsites.net",
     [("GetSpeakers", "GET", "/speakers", 3), ("GetSessions", "GET", "/sessions", 3),
      ("GetSession", "GET", "/session/{n}", 2)]),
    ("petstore", "/petstore", "petstore-backend", "https://petstore3.swagger.io/api/v3",
     [("findPetsByStatus", "GET", "/pet/findByStatus?status=available", 3),
      ("getPetById", "GET", "/pet/{n}", 3), ("addPet", "POST", "/pet", 1)]),
    ("orders-api", "/orders", "orders-backend", "https://orders-svc.contoso.internal",
     [("list-orders", "GET", "/orders", 2), ("get-order", "GET", "/orders/{n}", 3),
      ("create-order", "POST", "/orders", 2)]),
    ("weather-api", "/weather", "weather-backend", "https://weather-svc.contoso.internal",
     [("get-forecast", "GET", "/forecast?city={c}", 1)]),
    ("users-api", "/users", "users-backend", "https://users-svc.contoso.internal",
     [("get-user", "GET", "/users/{n}", 3), ("update-user", "PATCH", "/users/{n}", 1)]),
    ("payments-api", "/payments", "payments-backend", "https://payments-svc.contoso.internal",
     [("create-payment", "POST", "/payments", 2), ("get-payment", "GET", "/payments/{n}", 2)]),
    ("inventory-api", "/inventory", "inventory-backend", "https://inventory-svc.contoso.internal",
     [("list-items", "GET", "/items", 2), ("get-item", "GET", "/items/{n}", 3)]),
    ("notifications-api", "/notify", "notify-backend", "https://notify-svc.contoso.internal",
     [("send-notification", "POST", "/send", 1)]),
]
# Relative traffic per API (same order as OPENAI_APIS + REST_APIS).
API_WEIGHTS = [26, 10, 6, 4, 6, 5, 7, 4, 4, 5, 4, 3]

CHAT_DEPLOYMENTS = [("gpt-4o", 3), ("gpt-4o-mini", 5)]
EMBED_DEPLOYMENT = "text-embedding-3-small"
COMPLETION_DEPLOYMENT = "gpt-4o-mini"

# (ApimSubscriptionId, ProductId or None, UserId, weight)
SUBSCRIPTIONS = [
    ("master", None, "1", 1),
    ("team-a-sub", "ai-standard", "team-a", 5),
    ("team-b-sub", "ai-standard", "team-b", 4),
    ("partner-x", "unlimited", "partner-x-owner", 3),
    ("starter-demo", "starter", "demo-user", 2),
]

# Caller pools (documentation address ranges) and the gateway region they reach.
CALLERS = [
    ("203.0.113.", "West Europe", 5),
    ("198.51.100.", "East US", 3),
    ("192.0.2.", "West Europe", 2),
]
BAD_KEY_CALLER = "198.51.100.77"
USER_AGENTS = {
    "openai": ["AzureOpenAI/Python 1.54.4", "OpenAI/JS 4.73.1", "Azure.AI.OpenAI/2.1.0"],
    "rest": ["Mozilla/5.0 (Windows NT 10.0; Win64; x64)", "curl/8.5.0", "python-requests/2.32.3",
             "okhttp/4.12.0"],
}
CITIES = ["amsterdam", "seattle", "paris", "tokyo", "lagos"]

# Columns in the order of the table reference; records are written in it.
GATEWAY_COLUMNS = [
    "TenantId", "TimeGenerated", "OperationName", "CorrelationId", "Region",
    "IsRequestSuccess", "Category", "TotalTime", "CallerIpAddress", "Method", "Url",
    "ClientProtocol", "ResponseCode", "BackendMethod", "BackendUrl", "BackendResponseCode",
    "BackendProtocol", "RequestSize", "ResponseSize", "Cache", "CacheTime", "BackendTime",
    "ClientTime", "ApiId", "OperationId", "ProductId", "UserId", "ApimSubscriptionId",
    "BackendId", "LastErrorElapsed", "LastErrorSource", "LastErrorScope", "LastErrorSection",
    "LastErrorReason", "LastErrorMessage", "ApiRevision", "ClientTlsVersion", "RequestHeaders",
    "ResponseHeaders", "BackendRequestHeaders", "BackendResponseHeaders", "Errors", "Type",
    "_ResourceId",
]

# Hourly traffic shape (UTC), business hours heavier.
HOUR_WEIGHTS = [2, 1, 1, 1, 1, 2, 3, 5, 8, 10, 11, 11, 10, 11, 12, 11, 10, 8, 6, 5, 4, 3, 3, 2]
NORMAL_REQUESTS = 530

# 429 bursts: (start, minutes, requests, ApiId, OperationId, subscription)
BURSTS = [
    (dt.datetime(2026, 11, 24, 14, 5, tzinfo=dt.timezone.utc), 18, 46,
     "azure-openai-service-api", "ChatCompletions_Create", "team-b-sub"),
    (dt.datetime(2026, 11, 25, 9, 40, tzinfo=dt.timezone.utc), 8, 24,
     "aoai-eu-api", "embeddings_create", "team-a-sub"),
]


def pick(rng, weighted):
    """Weighted choice over (…, weight) tuples; returns the tuple."""
    total = sum(w[-1] for w in weighted)
    x = rng.uniform(0, total)
    for item in weighted:
        x -= item[-1]
        if x <= 0:
            return item
    return weighted[-1]


def guid(rng):
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def lognormal_int(rng, median, sigma, lo, hi):
    return max(lo, min(hi, int(round(median * math.exp(rng.gauss(0, sigma))))))


def iso(ticks):
    """Ticks since START as ISO 8601 with 7 fractional digits and Z."""
    secs, frac = divmod(ticks, TICKS)
    t = START + dt.timedelta(seconds=secs)
    return f"{t:%Y-%m-%dT%H:%M:%S}.{frac:07d}Z"


def ticks_of(when):
    return int((when - START).total_seconds()) * TICKS


class Call:
    """One gateway request being assembled; becomes a record and maybe an LLM log row."""

    def __init__(self, rng, ticks, api, op, sub, caller_ip, region):
        self.rng = rng
        self.ticks = ticks
        self.api = api
        self.op = op
        self.sub = sub
        self.caller_ip = caller_ip
        self.region = region
        self.correlation = guid(rng)
        self.is_openai = api in OPENAI_APIS
        self.deployment = None
        if self.is_openai:
            if op[0] == "ChatCompletions_Create":
                self.deployment = pick(rng, CHAT_DEPLOYMENTS)[0]
            elif op[0] == "embeddings_create":
                self.deployment = EMBED_DEPLOYMENT
            else:
                self.deployment = COMPLETION_DEPLOYMENT
        path = op[2].format(d=self.deployment, n=rng.randint(1, 9999), c=rng.choice(CITIES))
        query = f"?api-version={AOAI_VERSION}" if self.is_openai else ""
        self.url = GATEWAY + api[1] + path + query
        self.backend_url = api[3] + path + query
        self.tokens = None

    def usage(self):
        """(prompt, completion, streamed) for an OpenAI call."""
        rng = self.rng
        if self.op[0] == "embeddings_create":
            return lognormal_int(rng, 180, 0.9, 5, 8000), 0, False
        if self.op[0] == "Completions_Create":
            return lognormal_int(rng, 220, 0.7, 10, 4000), lognormal_int(rng, 90, 0.7, 1, 1500), False
        prompt = lognormal_int(rng, 900, 0.9, 20, 60000)
        completion = lognormal_int(rng, 260, 0.8, 1, 4096)
        return prompt, completion, rng.random() < 0.3

    def record(self, outcome):
        """The gateway log record for `outcome` (see `outcome_for`)."""
        rng = self.rng
        kind = outcome["kind"]
        method = self.op[1]
        backend_called = kind in ("ok", "backend_error", "backend_down", "outbound_error")
        cache = "none"
        cache_time = 0
        if self.api[0] == "weather-api" and kind == "ok":
            cache = "hit" if rng.random() < 0.4 else "miss"
            cache_time = rng.randint(1, 4)
            backend_called = cache == "miss"

        code = outcome.get("code", 200)
        backend_code = outcome.get("backend_code", code)
        # Sizes and times follow the tokens even when the call failed; only
        # successful calls get an LLM log row.
        prompt, completion, streamed = self.usage() if self.is_openai else (0, 0, False)
        if self.is_openai and kind == "ok":
            self.tokens = (prompt, completion, streamed)
        if kind != "ok":
            completion = min(completion, 20)

        if self.is_openai:
            if self.op[0] == "embeddings_create":
                backend_time = lognormal_int(rng, 120, 0.5, 20, 5000)
            else:
                per_token = 22 if self.deployment == "gpt-4o" else 11
                backend_time = int((350 + completion * per_token) * math.exp(rng.gauss(0, 0.35)))
            request_size = 180 + prompt * 4
        else:
            backend_time = lognormal_int(rng, 70, 0.8, 3, 20000)
            request_size = rng.randint(150, 600) + (rng.randint(200, 2000) if method != "GET" else 0)
        if kind == "backend_down":
            backend_time = rng.choice([rng.randint(5, 40), 30000])
        if not backend_called:
            backend_time = 0

        if kind == "ok" and self.is_openai:
            if self.op[0] == "embeddings_create":
                response_size = 1200 + 33000 * rng.randint(1, 4)
            else:
                response_size = 450 + completion * 4
        elif kind == "ok":
            response_size = rng.randint(300, 4000) if method == "GET" else rng.randint(150, 600)
        else:
            response_size = rng.randint(180, 420)

        client_time = lognormal_int(rng, 3, 1.0, 0, 900)
        overhead = rng.randint(0, 3)
        total = backend_time + client_time + cache_time + overhead
        agent = rng.choice(USER_AGENTS["openai" if self.is_openai else "rest"])

        r = {
            "TenantId": TENANT,
            "TimeGenerated": iso(self.ticks),
            "OperationName": "Microsoft.ApiManagement/GatewayLogs",
            "CorrelationId": self.correlation,
            "Region": self.region,
            "IsRequestSuccess": 200 <= code < 400,
            "Category": "GatewayLogs",
            "TotalTime": total,
            "CallerIpAddress": self.caller_ip,
            "Method": method,
            "Url": self.url,
            "ClientProtocol": "HTTP/2" if rng.random() < 0.35 else "HTTP/1.1",
            "ResponseCode": code,
        }
        if backend_called:
            r["BackendMethod"] = method
            r["BackendUrl"] = self.backend_url
            if kind != "backend_down":
                r["BackendResponseCode"] = backend_code
            r["BackendProtocol"] = "HTTP/1.1"
        r["RequestSize"] = request_size
        r["ResponseSize"] = response_size
        r["Cache"] = cache
        r["CacheTime"] = cache_time
        if backend_called:
            r["BackendTime"] = backend_time
        r["ClientTime"] = client_time
        r["ApiId"] = self.api[0]
        if kind != "not_found":
            r["OperationId"] = self.op[0]
        if kind not in ("bad_key",):
            sub_id, product, user, _ = self.sub
            if product is not None:
                r["ProductId"] = product
            r["UserId"] = user
            r["ApimSubscriptionId"] = sub_id
        if backend_called and self.api[2] is not None:
            r["BackendId"] = self.api[2]
        error = outcome.get("error")
        if error is not None:
            source, scope, section, reason, message = error
            elapsed = (backend_time + rng.randint(0, 3)) if section != "inbound" else rng.randint(0, 2)
            r["LastErrorElapsed"] = elapsed
            r["LastErrorSource"] = source
            if scope:  # errors outside any policy document have no scope
                r["LastErrorScope"] = scope
            r["LastErrorSection"] = section
            r["LastErrorReason"] = reason
            r["LastErrorMessage"] = message
        r["ApiRevision"] = "2" if self.api[0] == "orders-api" and self.ticks > DAYS * 86400 * TICKS // 2 else "1"
        r["ClientTlsVersion"] = "1.3" if rng.random() < 0.6 else "1.2"
        request_headers = {"User-Agent": agent}
        if method != "GET":
            request_headers["Content-Type"] = "application/json"
        r["RequestHeaders"] = request_headers
        response_headers = {"Content-Type": "application/json; charset=utf-8"}
        if code == 429:
            response_headers["Retry-After"] = str(outcome.get("retry", 1))
        if kind == "ok" and self.is_openai:
            response_headers["x-ratelimit-remaining-tokens"] = str(rng.randint(5, 300) * 1000)
        r["ResponseHeaders"] = response_headers
        if backend_called:
            r["BackendRequestHeaders"] = {"Content-Type": "application/json"} if method != "GET" else {}
            backend_headers = {"Content-Type": "application/json"}
            if self.is_openai:
                backend_headers["x-ms-region"] = "Sweden Central" if self.api[0] == "aoai-eu-api" else "East US"
                backend_headers["apim-request-id"] = self.correlation
            r["BackendResponseHeaders"] = {} if kind == "backend_down" else backend_headers
        if error is not None:
            entry = {"elapsed": r["LastErrorElapsed"], "source": source, "scope": scope,
                     "section": section, "reason": reason, "message": message}
            r["Errors"] = [{k: v for k, v in entry.items() if v != ""}]
        r["Type"] = "ApiManagementGatewayLogs"
        r["_ResourceId"] = RESOURCE_ID
        assert list(r) == [c for c in GATEWAY_COLUMNS if c in r], "column order"
        return r

    def llm_record(self):
        prompt, completion, streamed = self.tokens
        return {
            "TenantId": TENANT,
            "TimeGenerated": iso(self.ticks),
            "CorrelationId": self.correlation,
            "OperationName": self.op[0],
            "Region": self.region,
            "ApiId": self.api[0],
            "DeploymentName": self.deployment,
            "ModelName": self.deployment,
            "IsStreamCompletion": streamed,
            "PromptTokens": prompt,
            "CompletionTokens": completion,
            "TotalTokens": prompt + completion,
            "SequenceNumber": 0,
            "Type": "ApiManagementGatewayLlmLog",
            "_ResourceId": RESOURCE_ID,
        }


def rate_limited(rng):
    retry = rng.randint(1, 30)
    return {"kind": "throttled", "code": 429, "retry": retry, "error": (
        "rate-limit", "product", "inbound", "RateLimitExceeded",
        f"Rate limit is exceeded. Try again in {retry} seconds.")}


def outcome_for(rng, call):
    """Picks what happened to an ordinary (non-burst) request."""
    if call.caller_ip == BAD_KEY_CALLER:
        return {"kind": "bad_key", "code": 401, "error": (
            "authorization", "", "inbound", "SubscriptionKeyInvalid",
            "Access denied due to invalid subscription key. Make sure to provide a valid key "
            "for an active subscription.")}
    x = rng.random()
    if x < 0.012:
        return {"kind": "not_found", "code": 404, "error": (
            "configuration", "", "inbound", "OperationNotFound",
            "Unable to match incoming request to an operation.")}
    if x < 0.027:
        return {"kind": "backend_error", "code": 500, "backend_code": 500}
    if x < 0.034:
        return {"kind": "backend_down", "code": 500, "error": (
            "forward-request", "api", "backend", "BackendConnectionFailure",
            "The underlying connection was closed: An unexpected error occurred on a send.")}
    if x < 0.044:
        return outbound_failure()
    if call.is_openai and x < 0.064:
        return {"kind": "backend_error", "code": 400, "backend_code": 400}
    if call.is_openai and x < 0.079:
        return {"kind": "backend_error", "code": 429, "backend_code": 429, "retry": rng.randint(1, 20)}
    if call.op[0].startswith("create-") and not call.is_openai:
        return {"kind": "ok", "code": 201}
    return {"kind": "ok", "code": 200}


def outbound_failure():
    return {"kind": "outbound_error", "code": 500, "backend_code": 200, "error": (
        "set-header", "api", "outbound", "ExpressionValueEvaluationFailure",
        "Expression evaluation failed. Object reference not set to an instance of an object.")}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify instead of writing")
    args = parser.parse_args()

    rng = random.Random(42)
    apis = OPENAI_APIS + REST_APIS
    api_choices = [(a, w) for a, w in zip(apis, API_WEIGHTS)]
    by_id = {a[0]: a for a in apis}
    subs = {s[0]: s for s in SUBSCRIPTIONS}

    # Request times: hourly counts follow HOUR_WEIGHTS, uniform within the hour.
    hours = [(d, h, HOUR_WEIGHTS[h]) for d in range(DAYS) for h in range(24)]
    times = []
    for _ in range(NORMAL_REQUESTS):
        d, h, _w = pick(rng, hours)
        times.append(((d * 24 + h) * 3600) * TICKS + rng.randrange(3600 * TICKS))
    times.sort()

    calls = []
    for i, ticks in enumerate(times):
        api = pick(rng, api_choices)[0]
        op = pick(rng, api[4])
        sub = pick(rng, SUBSCRIPTIONS)
        if rng.random() < 0.025:
            caller, region = BAD_KEY_CALLER, "East US"
        else:
            prefix, region, _w = pick(rng, CALLERS)
            caller = prefix + str(rng.randint(10, 60))
        if i == 0:
            # The first record must carry every column; see the module doc.
            call = Call(rng, ticks, OPENAI_APIS[0], OPENAI_APIS[0][4][0], subs["team-a-sub"],
                        "203.0.113.21", "West Europe")
            calls.append((call, outbound_failure()))
            continue
        call = Call(rng, ticks, api, op, sub, caller, region)
        calls.append((call, outcome_for(rng, call)))

    for start, minutes, count, api_id, op_id, sub_id in BURSTS:
        api = by_id[api_id]
        op = next(o for o in api[4] if o[0] == op_id)
        base = ticks_of(start)
        for _ in range(count):
            ticks = base + rng.randrange(minutes * 60 * TICKS)
            call = Call(rng, ticks, api, op, subs[sub_id], "192.0.2." + str(rng.randint(100, 104)),
                        "West Europe")
            outcome = rate_limited(rng) if rng.random() < 0.75 else {"kind": "ok", "code": 200}
            calls.append((call, outcome))

    calls.sort(key=lambda c: c[0].ticks)
    gateway, llm = [], []
    for call, outcome in calls:
        gateway.append(call.record(outcome))
        if call.tokens is not None:
            llm.append(call.llm_record())

    outputs = {
        OUT / "ApiManagementGatewayLogs.json": gateway,
        OUT / "ApiManagementGatewayLlmLog.json": llm,
    }
    stale = []
    for path, records in outputs.items():
        text = "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in records)
        if args.check:
            if not path.exists() or path.read_text() != text:
                stale.append(path)
        else:
            path.write_text(text)
            print(f"{path.relative_to(ROOT)}: {len(records)} records, {len(text)} bytes")
    if stale:
        sys.exit("stale: " + ", ".join(str(p.relative_to(ROOT)) for p in stale))


if __name__ == "__main__":
    main()
