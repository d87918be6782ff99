//! `kql-gen` writes realistic, deterministic Azure API Management and Azure
//! OpenAI logs for tests and benchmarks, in the shapes Azure writes them:
//! a diagnostic-setting storage archive (`insights-logs-gatewaylogs/…/PT1H.json`
//! and its LLM and OpenAI siblings), Event Hubs `{"records":[…]}` batches, a
//! Log Analytics data export (`am-<table>/…`), or plain JSON Lines. A dozen
//! APIs, chat/embeddings/completions calls with token counts in matching LLM
//! rows (same `CorrelationId`), mostly 200s with 429/500/401 bursts, and
//! long-tailed latencies over several days. The same `--seed` gives the same
//! bytes; output streams to disk from every core, so gigabytes take seconds.
//!
//! ```text
//! kql-gen --size 1GB --shape storage --seed 42 --out /tmp/logs
//! kql-gen --fixtures --out testdata      # the committed sample logs
//! ```

mod catalog;
mod fixtures;
mod layout;
mod model;
mod records;
mod rng;

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::Parser;

use layout::{Plan, Shape};

/// Generate realistic Azure API Management / Azure OpenAI logs.
#[derive(Debug, Parser)]
#[command(name = "kql-gen", version)]
struct Args {
    /// Approximate output size: bytes, or with KB/MB/GB (powers of 1000) or
    /// KiB/MiB/GiB (powers of 1024)
    #[arg(long, default_value = "10MB", value_parser = parse_size)]
    size: u64,

    /// Where Azure would have written the logs
    #[arg(long, value_enum, default_value = "storage")]
    shape: Shape,

    /// Random seed; the same seed gives the same files
    #[arg(long, default_value_t = 1)]
    seed: u64,

    /// Output folder (created if missing)
    #[arg(long)]
    out: PathBuf,

    /// Days of logs
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(i64).range(1..=366))]
    days: i64,

    /// First day, YYYY-MM-DD (UTC)
    #[arg(long, default_value = "2026-11-23", value_parser = parse_date)]
    start: i64,

    /// Write the small sample logs of the repository's `testdata/` (every
    /// shape, and bad input) instead; other options are ignored
    #[arg(long)]
    fixtures: bool,
}

fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("'{s}' is not a size such as 500KB, 100MB or 1GB"))?;
    let scale: f64 = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 1.0,
        "KB" | "K" => 1e3,
        "MB" | "M" => 1e6,
        "GB" | "G" => 1e9,
        "KIB" => 1024.0,
        "MIB" => 1024.0 * 1024.0,
        "GIB" => 1024.0 * 1024.0 * 1024.0,
        _ => {
            return Err(format!(
                "unknown size unit in '{s}' (use KB, MB, GB, KiB, MiB, GiB)"
            ));
        }
    };
    let bytes = n * scale;
    if !(1.0..=1e13).contains(&bytes) {
        return Err(format!("size '{s}' is out of range (1 byte to 10 TB)"));
    }
    Ok(bytes as u64)
}

/// Ticks (100 ns since the epoch) of midnight UTC of `YYYY-MM-DD`.
fn parse_date(s: &str) -> Result<i64, String> {
    let bad = || format!("'{s}' is not a date like 2026-11-23");
    let parts: Vec<i64> = s
        .split('-')
        .map(|p| p.parse().map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    let [y, m, d] = parts[..] else {
        return Err(bad());
    };
    if !(1970..=2200).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err(bad());
    }
    Ok(rng::days_from_civil(y, m, d) * 86_400 * rng::TICKS)
}

fn main() -> Result<()> {
    let args = Args::parse();
    if args.out.exists() && !args.out.is_dir() {
        bail!("--out {} is not a folder", args.out.display());
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    if args.fixtures {
        fixtures::write(&args.out)?;
        eprintln!("kql-gen: sample logs written under {}", args.out.display());
        return Ok(());
    }
    let plan = Plan {
        shape: args.shape,
        seed: args.seed,
        size: args.size,
        start: args.start,
        days: args.days,
        out: args.out.clone(),
    };
    let began = Instant::now();
    let s = layout::run(&plan)?;
    let secs = began.elapsed().as_secs_f64();
    eprintln!(
        "kql-gen: {} calls, {} records, {:.1} MB in {} files under {} ({secs:.1} s, {:.0} MB/s)",
        s.calls,
        s.records,
        s.bytes as f64 / 1e6,
        s.files,
        layout::describe(args.shape, &args.out),
        s.bytes as f64 / 1e6 / secs.max(1e-9),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("10KB"), Ok(10_000));
        assert_eq!(parse_size("1GB"), Ok(1_000_000_000));
        assert_eq!(parse_size("1.5 MiB"), Ok(1_572_864));
        assert_eq!(parse_size("512"), Ok(512));
        assert!(parse_size("1TBX").is_err());
        assert!(parse_size("0").is_err());
        assert!(parse_date("2026-02-30x").is_err());
        assert_eq!(parse_date("1970-01-02"), Ok(86_400 * rng::TICKS));
    }
}
