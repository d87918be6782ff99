//! Where generated logs go, per shape, and how the work is split: one task
//! per hour of logs, each with its own random stream, writing its files
//! as it goes — so gigabytes stream to disk on every core, and a seed gives
//! the same bytes however the tasks are scheduled.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rayon::prelude::*;

use crate::model::{APIM_RG, Call, SUBSCRIPTION, WORKSPACE, World, intensity};
use crate::records::{
    aoai_raw, aoai_resource_id, apim_resource_id, gateway_la, gateway_raw, llm_rows,
};
use crate::rng::{Rng, TICKS, civil_from_days};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shape {
    /// Diagnostic-setting archive: `insights-logs-*/resourceId=/…/PT1H.json`.
    Storage,
    /// Event Hubs payloads: `{"records":[…]}` batches, one per line.
    Eventhubs,
    /// Log Analytics data export: `am-<table>/WorkspaceResourceId=/…/PT05M.json`.
    LaExport,
    /// Raw records as JSON Lines, one file per category and hour.
    Jsonl,
}

pub struct Plan {
    pub shape: Shape,
    pub seed: u64,
    pub size: u64,
    /// Ticks of the first hour.
    pub start: i64,
    pub days: i64,
    pub out: PathBuf,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Summary {
    pub calls: u64,
    pub records: u64,
    pub bytes: u64,
    pub files: u64,
}

impl Summary {
    fn add(self, o: Summary) -> Summary {
        Summary {
            calls: self.calls + o.calls,
            records: self.records + o.records,
            bytes: self.bytes + o.bytes,
            files: self.files + o.files,
        }
    }
}

/// Hours of logs written per task below this size would leave most hours
/// with a handful of calls; small outputs cover fewer hours instead.
const MIN_HOUR_BYTES: u64 = 48 * 1024;

pub fn run(plan: &Plan) -> Result<Summary> {
    let world = World::new(plan.seed, plan.start, plan.days);
    let total_hours = (plan.days * 24).max(1) as u64;
    let units = (plan.size / MIN_HOUR_BYTES).clamp(1, total_hours);
    let hours: Vec<i64> = (0..units)
        .map(|i| (i * total_hours / units) as i64)
        .collect();
    let weights: Vec<f64> = hours
        .iter()
        .map(|&h| {
            let t = plan.start / TICKS + h * 3600;
            // 1970-01-01 was a Thursday (3 with Monday = 0).
            intensity(t / 3600 % 24, (t / 86_400 + 3) % 7)
        })
        .collect();
    let sum: f64 = weights.iter().sum();
    let per_call = calibrate(plan, &world);
    hours
        .par_iter()
        .zip(weights.par_iter())
        .enumerate()
        .map(|(i, (&h, &w))| {
            let budget = (plan.size as f64 * w / sum) as u64;
            hour(
                plan,
                &world,
                i as u64,
                plan.start + h * 3600 * TICKS,
                budget,
                per_call,
            )
        })
        .try_reduce(Summary::default, |a, b| Ok(a.add(b)))
}

/// Average bytes per call of this shape, from a sample, to spread each
/// hour's calls evenly over the hour.
fn calibrate(plan: &Plan, world: &World) -> f64 {
    let mut rng = Rng::new(plan.seed, u64::MAX - 1);
    let mut sink = Files::new(PathBuf::new(), plan.shape, true);
    let n = 400;
    for i in 0..n {
        let call = world.call(&mut rng, plan.start + i * 9 * TICKS);
        let _ = sink.call(&call, &mut rng);
    }
    (sink.summary.bytes as f64 / n as f64).max(100.0)
}

fn hour(
    plan: &Plan,
    world: &World,
    unit: u64,
    start: i64,
    budget: u64,
    per_call: f64,
) -> Result<Summary> {
    let mut rng = Rng::new(plan.seed, unit);
    let mut files = Files::new(plan.out.clone(), plan.shape, false);
    let expected = (budget as f64 / per_call).max(1.0);
    let mut k = 0u64;
    while files.summary.bytes < budget.max(1) {
        // Calls spread over the hour in order, as a blob receives them.
        let frac = ((k as f64 + rng.f64()) / expected).min(0.999_999);
        let call = world.call(&mut rng, start + (frac * 3600.0 * TICKS as f64) as i64);
        files.call(&call, &mut rng)?;
        k += 1;
    }
    files.finish()?;
    Ok(files.summary)
}

/// Writes exactly `n` calls spread over `span` seconds from `start`, in
/// `shape` under `root` (for fixtures, where counts matter more than size).
pub fn calls(
    root: &Path,
    shape: Shape,
    world: &World,
    rng: &mut Rng,
    (start, span): (i64, i64),
    n: u64,
) -> Result<Summary> {
    let mut files = Files::new(root.to_path_buf(), shape, false);
    for k in 0..n {
        let frac = (k as f64 + rng.f64()) / n as f64;
        let call = world.call(rng, start + (frac * span as f64 * TICKS as f64) as i64);
        files.call(&call, rng)?;
    }
    files.finish()?;
    Ok(files.summary)
}

/// The files of one task, opened as records arrive.
struct Files {
    root: PathBuf,
    shape: Shape,
    /// Count bytes only (calibration).
    dry: bool,
    open: Vec<(PathBuf, BufWriter<File>)>,
    buf: String,
    batch: Vec<String>,
    batch_size: usize,
    /// Time of the latest call, for the hour file of a last Event Hubs batch.
    last: i64,
    summary: Summary,
}

/// Open files per task: a data-export task rotates every five minutes per
/// table, so only the newest few are ever written to.
const MAX_OPEN: usize = 8;

impl Files {
    fn new(root: PathBuf, shape: Shape, dry: bool) -> Files {
        Files {
            root,
            shape,
            dry,
            open: Vec::new(),
            buf: String::with_capacity(4096),
            batch: Vec::new(),
            batch_size: 25,
            last: 0,
            summary: Summary::default(),
        }
    }

    fn call(&mut self, c: &Call, rng: &mut Rng) -> Result<()> {
        self.summary.calls += 1;
        self.last = c.ticks;
        let raw = self.shape != Shape::LaExport;
        let mut records: Vec<(Target, String)> = Vec::with_capacity(4);
        let mut s = String::new();
        if raw {
            gateway_raw(c, &mut s);
        } else {
            gateway_la(c, &mut s);
        }
        records.push((Target::Gateway, s));
        if c.has_llm_log() {
            llm_rows(c, raw, rng, |r| records.push((Target::Llm, r.to_owned())));
        }
        let mut s = String::new();
        aoai_raw(c, rng, raw, &mut s);
        if !s.is_empty() {
            records.push((Target::OpenAi(c.api.account.map_or("", |a| a.name)), s));
        }
        for (target, record) in records {
            self.summary.records += 1;
            if self.shape == Shape::Eventhubs {
                // Counted now so that the size budget sees pending records.
                self.summary.bytes += record.len() as u64 + 1;
                self.batch.push(record);
                if self.batch.len() >= self.batch_size {
                    self.flush_batch()?;
                    self.batch_size = rng.range(10, 60) as usize;
                }
            } else {
                let path = self.path(target, c.ticks);
                self.write(path, &record)?;
            }
        }
        Ok(())
    }

    fn flush_batch(&mut self) -> Result<()> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let line = format!("{{\"records\":[{}]}}", self.batch.join(","));
        let counted: u64 = self.batch.iter().map(|r| r.len() as u64 + 1).sum();
        self.summary.bytes -= counted;
        self.batch.clear();
        let (y, m, d, h, _) = parts(self.last);
        let path = PathBuf::from(format!(
            "eventhubs/apim-diagnostics-{y:04}-{m:02}-{d:02}-{h:02}.json"
        ));
        self.write(path, &line)
    }

    fn path(&self, target: Target, ticks: i64) -> PathBuf {
        let (y, m, d, h, min) = parts(ticks);
        let hour = format!("y={y:04}/m={m:02}/d={d:02}/h={h:02}");
        match (self.shape, target) {
            (Shape::Storage, Target::Gateway) => {
                storage("insights-logs-gatewaylogs", &apim_resource_id(), &hour)
            }
            (Shape::Storage, Target::Llm) => {
                storage("insights-logs-gatewayllmlogs", &apim_resource_id(), &hour)
            }
            (Shape::Storage, Target::OpenAi(account)) => storage(
                "insights-logs-requestresponse",
                &aoai_resource_id(account),
                &hour,
            ),
            (Shape::LaExport, target) => {
                let table = match target {
                    Target::Gateway => "apimanagementgatewaylogs",
                    Target::Llm => "apimanagementgatewayllmlog",
                    Target::OpenAi(_) => "azurediagnostics",
                };
                let workspace = format!(
                    "/subscriptions/{}/resourcegroups/{}/providers/microsoft.operationalinsights/workspaces/{WORKSPACE}",
                    SUBSCRIPTION.to_ascii_lowercase(),
                    APIM_RG.to_ascii_lowercase()
                );
                PathBuf::from(format!(
                    "am-{table}/WorkspaceResourceId={workspace}/{hour}/m={:02}/PT05M.json",
                    min / 5 * 5
                ))
            }
            (_, target) => {
                let category = match target {
                    Target::Gateway => "gatewaylogs",
                    Target::Llm => "gatewayllmlogs",
                    Target::OpenAi(_) => "requestresponse",
                };
                PathBuf::from(format!(
                    "jsonl/{category}-{y:04}-{m:02}-{d:02}T{h:02}.jsonl"
                ))
            }
        }
    }

    fn write(&mut self, path: PathBuf, line: &str) -> Result<()> {
        self.summary.bytes += line.len() as u64 + 1;
        if self.dry {
            return Ok(());
        }
        let i = match self.open.iter().position(|(p, _)| *p == path) {
            Some(i) => i,
            None => {
                if self.open.len() >= MAX_OPEN {
                    let (p, mut w) = self.open.remove(0);
                    w.flush()
                        .with_context(|| format!("writing {}", p.display()))?;
                }
                let full = self.root.join(&path);
                if let Some(dir) = full.parent() {
                    fs::create_dir_all(dir)
                        .with_context(|| format!("creating {}", dir.display()))?;
                }
                let file =
                    File::create(&full).with_context(|| format!("creating {}", full.display()))?;
                self.summary.files += 1;
                self.open
                    .push((path, BufWriter::with_capacity(256 * 1024, file)));
                self.open.len() - 1
            }
        };
        let (p, w) = &mut self.open[i];
        self.buf.clear();
        self.buf.push_str(line);
        self.buf.push('\n');
        w.write_all(self.buf.as_bytes())
            .with_context(|| format!("writing {}", p.display()))
    }

    fn finish(&mut self) -> Result<()> {
        self.flush_batch()?;
        for (p, w) in &mut self.open {
            w.flush()
                .with_context(|| format!("writing {}", p.display()))?;
        }
        Ok(())
    }
}

#[derive(Clone, Copy)]
enum Target {
    Gateway,
    Llm,
    OpenAi(&'static str),
}

fn storage(container: &str, resource_id: &str, hour: &str) -> PathBuf {
    PathBuf::from(format!(
        "{container}/resourceId={resource_id}/{hour}/m=00/PT1H.json"
    ))
}

/// (year, month, day, hour, minute) of ticks since the epoch.
fn parts(ticks: i64) -> (i64, i64, i64, i64, i64) {
    let secs = ticks.div_euclid(TICKS);
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    (y, m, d, s / 3600, s / 60 % 60)
}

/// The folder a shape writes into, under `out`.
pub fn describe(shape: Shape, out: &Path) -> String {
    match shape {
        Shape::Storage => format!("{} (insights-logs-* containers)", out.display()),
        Shape::Eventhubs => out.join("eventhubs").display().to_string(),
        Shape::LaExport => format!("{} (am-* containers)", out.display()),
        Shape::Jsonl => out.join("jsonl").display().to_string(),
    }
}
