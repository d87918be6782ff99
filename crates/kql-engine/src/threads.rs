//! How many threads a query may use: all cores by default, or
//! `KQL_THREADS` (benchmarks compare 1 and 2 threads; a shared machine may
//! want fewer). JSON scans run on rayon's pool and DataFusion's operators
//! on its partitions, so both are sized from the same number.

/// The environment variable that caps the threads of a query.
pub const THREADS_ENV: &str = "KQL_THREADS";

/// The thread count asked for in [`THREADS_ENV`], if it is a positive number.
pub fn from_env() -> Option<usize> {
    std::env::var(THREADS_ENV)
        .ok()?
        .trim()
        .parse()
        .ok()
        .filter(|&n| n > 0)
}

/// Sizes the process-wide scan pool; call once, before the first query.
/// Returns false when the pool was already started (then its size stays).
pub fn init_scan_pool(threads: usize) -> bool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global()
        .is_ok()
}
