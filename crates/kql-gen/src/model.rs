//! What happens at the gateway: a dozen APIs (three of them Azure OpenAI
//! front ends), clients with products and subscriptions, and calls with
//! realistic outcomes — mostly 200s, bursts of 429 (a rate-limit policy),
//! 500 (a backend outage) and 401 (a client with a revoked key), a trickle
//! of other errors, long-tailed latencies and token counts.

use crate::rng::{Rng, TICKS};

pub use crate::catalog::*;
use Kind::*;

/// A processing error as API Management logs it in `lastError`.
pub struct LastError {
    pub elapsed: u64,
    pub source: &'static str,
    pub scope: &'static str,
    pub section: &'static str,
    pub reason: &'static str,
    pub message: &'static str,
}

/// One request through the gateway.
pub struct Call {
    pub ticks: i64,
    pub correlation: String,
    pub api: &'static Api,
    pub op: &'static Op,
    pub deployment: Option<&'static Deployment>,
    pub client: &'static Client,
    pub region: &'static str,
    pub url: String,
    pub backend_url: String,
    pub response_code: u16,
    /// `None` when the backend was never called (policy, cache, outage).
    pub backend_code: Option<u16>,
    pub total_ms: u64,
    pub backend_ms: u64,
    pub client_ms: u64,
    pub request_size: u64,
    pub response_size: u64,
    pub cache: &'static str,
    pub last_error: Option<LastError>,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub stream: bool,
    pub tls: &'static str,
    pub request_id: String,
}

impl Call {
    pub fn succeeded(&self) -> bool {
        self.response_code < 400
    }

    /// Whether the gateway writes an LLM log row for this call.
    pub fn has_llm_log(&self) -> bool {
        self.deployment.is_some() && self.response_code == 200
    }
}

/// Error bursts: (start tick, end tick, what goes wrong).
#[derive(Clone, Copy, Debug)]
pub enum Burst {
    /// A rate-limit policy on the main OpenAI API throttles everyone.
    RateLimit,
    /// A backend is down: the gateway answers 500.
    Outage(&'static str),
    /// One client's key was revoked.
    BadKey(usize),
}

pub struct World {
    pub bursts: Vec<(i64, i64, Burst)>,
    api_weights: Vec<u32>,
    op_weights: Vec<Vec<u32>>,
}

impl World {
    /// The bursts of `days` days from `start` (ticks), drawn from `seed`
    /// alone so that every hour of logs agrees on them.
    pub fn new(seed: u64, start: i64, days: i64) -> World {
        let mut rng = Rng::new(seed, u64::MAX);
        let mut bursts = Vec::new();
        let minute = 60 * TICKS;
        for day in 0..days {
            let base = start + day * 86_400 * TICKS;
            let at = |rng: &mut Rng, lo: u64, hi: u64| {
                base + rng.range(lo * 60, hi * 60) as i64 * minute
            };
            let t = at(&mut rng, 9, 16);
            bursts.push((t, t + rng.range(10, 25) as i64 * minute, Burst::RateLimit));
            let t = at(&mut rng, 0, 23);
            let backend = *rng.pick(&["orders-backend", "aoai-swedencentral", "payments-backend"]);
            bursts.push((
                t,
                t + rng.range(3, 10) as i64 * minute,
                Burst::Outage(backend),
            ));
            let t = at(&mut rng, 6, 20);
            let who = rng.range(0, CLIENTS.len() as u64 - 1) as usize;
            bursts.push((t, t + rng.range(5, 15) as i64 * minute, Burst::BadKey(who)));
        }
        World {
            bursts,
            api_weights: APIS.iter().map(|a| a.weight).collect(),
            op_weights: APIS
                .iter()
                .map(|a| a.ops.iter().map(|o| o.weight).collect())
                .collect(),
        }
    }

    /// A world with the given bursts only.
    pub fn with_bursts(bursts: Vec<(i64, i64, Burst)>) -> World {
        let mut w = World::new(0, 0, 0);
        w.bursts = bursts;
        w
    }

    fn active(&self, ticks: i64) -> impl Iterator<Item = Burst> + '_ {
        self.bursts
            .iter()
            .filter(move |(s, e, _)| (*s..*e).contains(&ticks))
            .map(|&(_, _, b)| b)
    }

    /// The call made at `ticks`.
    pub fn call(&self, rng: &mut Rng, ticks: i64) -> Call {
        let a = rng.weighted(&self.api_weights);
        let api = &APIS[a];
        let op = &api.ops[rng.weighted(&self.op_weights[a])];
        let ai = api.account.is_some();
        let client = loop {
            let c = rng.pick(&CLIENTS);
            if c.ai == ai || rng.chance(0.05) {
                break c;
            }
        };
        let deployment = match op.kind {
            Chat if api.id == "azure-openai-dev-api" => Some(&CHAT[1]),
            Chat => Some(&CHAT[rng.weighted(&[3, 5])]),
            Embeddings => Some(&EMBED[rng.weighted(&[1, 2])]),
            Completions => Some(&COMPLETE[0]),
            Rest => None,
        };
        let fill = |rng: &mut Rng, path: &str| {
            // Drawn in this order: the committed fixtures depend on it.
            let n = rng.range(1, 99_999).to_string();
            let city: &&str = rng.pick(&CITIES);
            path.replace("{d}", deployment.map_or("", |d| d.name))
                .replace("{n}", &n)
                .replace("{c}", city)
        };
        let path = fill(rng, op.path);
        let query = if ai {
            format!("?api-version={AOAI_VERSION}")
        } else {
            String::new()
        };
        let (prompt_tokens, completion_tokens) = match op.kind {
            Chat => (
                rng.lognormal(600.0, 0.8).clamp(5.0, 60_000.0) as u64,
                rng.lognormal(220.0, 0.7).clamp(1.0, 4096.0) as u64,
            ),
            Embeddings => (rng.lognormal(300.0, 0.9).clamp(1.0, 8191.0) as u64, 0),
            Completions => (
                rng.lognormal(400.0, 0.6).clamp(5.0, 4000.0) as u64,
                rng.lognormal(150.0, 0.6).clamp(1.0, 2048.0) as u64,
            ),
            Rest => (0, 0),
        };
        let mut call = Call {
            ticks,
            correlation: rng.guid(),
            api,
            op,
            deployment,
            client,
            region: REGIONS[rng.weighted(&[7, 3])],
            url: format!("{GATEWAY}{}{path}{query}", api.path),
            backend_url: format!("{}{path}{query}", api.backend),
            response_code: 200,
            backend_code: Some(200),
            total_ms: 0,
            backend_ms: 0,
            client_ms: rng.lognormal(6.0, 1.0).clamp(0.0, 20_000.0) as u64,
            request_size: 0,
            response_size: 0,
            cache: "none",
            last_error: None,
            prompt_tokens,
            completion_tokens,
            stream: op.kind == Chat && rng.chance(0.35),
            tls: if rng.chance(0.8) { "1.3" } else { "1.2" },
            request_id: String::new(),
        };
        call.backend_ms = match op.kind {
            Chat => 250 + (completion_tokens as f64 * rng.lognormal(11.0, 0.35)) as u64,
            Embeddings => rng.lognormal(110.0, 0.45) as u64,
            Completions => 150 + (completion_tokens as f64 * rng.lognormal(7.0, 0.3)) as u64,
            Rest => rng.lognormal(45.0, 0.7).clamp(2.0, 30_000.0) as u64,
        };
        call.request_size = match (op.kind, op.method) {
            (Rest, "GET") => rng.range(350, 700),
            (Rest, _) => rng.range(800, 3200),
            _ => prompt_tokens * 4 + rng.range(250, 450),
        };
        call.response_size = match op.kind {
            Chat | Completions => completion_tokens * 4 + rng.range(350, 600),
            Embeddings if deployment.is_some_and(|d| d.name.ends_with("large")) => {
                rng.range(33_000, 36_000)
            }
            Embeddings => rng.range(16_500, 18_500),
            Rest => rng.lognormal(1500.0, 1.0).clamp(60.0, 2_000_000.0) as u64,
        };
        if op.kind == Rest && op.method == "GET" && api.id == "conference-api" {
            call.cache = if rng.chance(0.3) { "hit" } else { "miss" };
        }
        self.outcome(rng, &mut call);
        if call.backend_code.is_none() {
            call.backend_ms = 0;
        }
        let overhead = rng.lognormal(3.0, 0.5) as u64;
        call.total_ms = call.backend_ms + call.client_ms + overhead;
        if let Some(e) = &mut call.last_error {
            e.elapsed = e.elapsed.min(call.total_ms);
        }
        if call.has_llm_log() {
            let prefix = if op.kind == Embeddings {
                "emb-"
            } else {
                "chatcmpl-"
            };
            call.request_id = format!(
                "{prefix}{:016x}{:013x}",
                rng.next_u64(),
                rng.next_u64() >> 12
            );
        }
        call
    }

    fn outcome(&self, rng: &mut Rng, call: &mut Call) {
        let cache_hit = call.cache == "hit";
        for burst in self.active(call.ticks) {
            match burst {
                Burst::RateLimit
                    if call.api.id == "azure-openai-service-api" && rng.chance(0.75) =>
                {
                    return policy_error(
                        call,
                        429,
                        "rate-limit",
                        "RateLimitExceeded",
                        "Rate limit is exceeded. Try again in 12 seconds.",
                    );
                }
                Burst::Outage(backend)
                    if call.api.backend_id == Some(backend) && rng.chance(0.85) =>
                {
                    call.response_code = 500;
                    call.backend_code = None;
                    call.backend_ms = 0;
                    call.response_size = rng.range(200, 320);
                    call.last_error = Some(LastError {
                        elapsed: rng.range(20_000, 30_000),
                        source: "forward-request",
                        scope: "backend",
                        section: "backend",
                        reason: "BackendConnectionFailure",
                        message: "The underlying connection was closed: Could not establish trust relationship.",
                    });
                    return;
                }
                Burst::BadKey(who)
                    if std::ptr::eq(call.client, &CLIENTS[who]) && rng.chance(0.9) =>
                {
                    return policy_error(
                        call,
                        401,
                        "authorization",
                        "SubscriptionKeyInvalid",
                        "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.",
                    );
                }
                _ => {}
            }
        }
        if cache_hit {
            call.backend_code = None;
            return;
        }
        let x = rng.f64();
        let ai = call.api.account.is_some();
        if x < 0.004 {
            policy_error(
                call,
                401,
                "authorization",
                "SubscriptionKeyNotFound",
                "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.",
            );
        } else if x < 0.009 && !ai {
            policy_error(
                call,
                404,
                "configuration",
                "OperationNotFound",
                "Unable to match incoming request to an operation.",
            );
        } else if x < 0.012 && ai {
            // Throttled by Azure OpenAI itself (tokens per minute): passed
            // through, no gateway error.
            call.response_code = 429;
            call.backend_code = Some(429);
            call.backend_ms = rng.range(15, 60);
            call.response_size = rng.range(300, 420);
        } else if x < 0.016 && call.op.kind == Kind::Chat {
            // Content filter.
            call.response_code = 400;
            call.backend_code = Some(400);
            call.backend_ms = rng.range(80, 400);
            call.response_size = rng.range(900, 1300);
        } else if x < 0.018 {
            call.response_code = 500;
            call.response_size = rng.range(200, 320);
            call.last_error = Some(LastError {
                elapsed: call.backend_ms + rng.range(1, 5),
                source: "set-header",
                scope: "api",
                section: "outbound",
                reason: "ExpressionValueEvaluationFailure",
                message: "Expression evaluation failed. Object reference not set to an instance of an object.",
            });
        } else if x < 0.020 && !ai {
            call.response_code = 503;
            call.backend_code = Some(503);
            call.response_size = rng.range(150, 250);
        }
    }
}

fn policy_error(
    call: &mut Call,
    code: u16,
    source: &'static str,
    reason: &'static str,
    message: &'static str,
) {
    call.response_code = code;
    call.backend_code = None;
    call.backend_ms = 0;
    call.response_size = 250 + message.len() as u64;
    call.last_error = Some(LastError {
        elapsed: 1,
        source,
        scope: if source == "rate-limit" {
            "api"
        } else {
            "global"
        },
        section: "inbound",
        reason,
        message,
    });
}

/// Relative traffic at hour `h` (0–23, UTC) of weekday `dow` (0 = Monday):
/// busy afternoons, quiet nights and weekends.
pub fn intensity(h: i64, dow: i64) -> f64 {
    let day = (std::f64::consts::PI * (h as f64 - 8.0) / 12.0)
        .sin()
        .max(0.0);
    let weekend = if dow >= 5 { 0.5 } else { 1.0 };
    (0.25 + day) * weekend
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mostly_successful_calls_with_bursts() {
        let start = crate::rng::days_from_civil(2026, 11, 23) * 86_400 * TICKS;
        let world = World::new(1, start, 3);
        assert_eq!(world.bursts.len(), 9);
        let mut rng = Rng::new(1, 0);
        let calls: Vec<Call> = (0..5000)
            .map(|i| world.call(&mut rng, start + i * 17 * TICKS))
            .collect();
        let ok = calls.iter().filter(|c| c.response_code == 200).count();
        assert!(ok > 4000, "{ok}");
        assert!(
            calls
                .iter()
                .any(|c| c.response_code == 429 && c.last_error.is_some())
        );
        assert!(calls.iter().any(|c| c.response_code == 401));
        assert!(calls.iter().any(|c| c.has_llm_log()));
        assert!(
            calls
                .iter()
                .all(|c| c.backend_code.is_some() || c.backend_ms == 0)
        );
    }
}
