//! The generator's promises: the committed `testdata/` is exactly what
//! `--fixtures` writes, every shape is valid JSON of about the asked size,
//! and a seed always gives the same bytes.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

const GEN: &str = env!("CARGO_BIN_EXE_kql-gen");

fn run(args: &[&str]) {
    let out = Command::new(GEN).args(args).output().expect("run kql-gen");
    assert!(
        out.status.success(),
        "kql-gen {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every file under `dir`, by path relative to it.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).expect("under root").to_path_buf();
                out.insert(rel, std::fs::read(&path).expect("read"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Whether two gzip files hold the same text. The compressed bytes depend on
/// which backend flate2 was built with (feature unification picks zlib-rs in
/// a workspace build, miniz_oxide in a `-p kql-gen` one); for a cut-off file
/// the shorter text must be where the longer one starts.
fn same_gzip_content(a: &[u8], b: &[u8]) -> bool {
    let text = |bytes: &[u8]| {
        let mut out = Vec::new();
        // A truncated file decodes up to the damage and then errs.
        let _ = flate2::read::MultiGzDecoder::new(bytes).read_to_end(&mut out);
        out
    };
    let (a, b) = (text(a), text(b));
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    !short.is_empty() && long.starts_with(&short)
}

#[test]
fn committed_testdata_is_what_fixtures_writes() {
    let tmp = tempfile::tempdir().unwrap();
    run(&["--fixtures", "--out", tmp.path().to_str().unwrap()]);
    let testdata = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata");
    let written = files(tmp.path());
    assert!(written.len() > 20);
    for folder in ["storage", "eventhubs", "la-export", "openai", "bad"] {
        let committed = files(&testdata.join(folder));
        let fresh: BTreeMap<_, _> = written
            .iter()
            .filter_map(|(p, b)| Some((p.strip_prefix(folder).ok()?.to_path_buf(), b.clone())))
            .collect();
        assert_eq!(
            committed.keys().collect::<Vec<_>>(),
            fresh.keys().collect::<Vec<_>>(),
            "files of testdata/{folder} (regenerate with `kql-gen --fixtures --out testdata`)"
        );
        for (path, bytes) in &committed {
            let same = if path.extension().is_some_and(|e| e == "gz") {
                same_gzip_content(&fresh[path], bytes)
            } else {
                fresh[path] == *bytes
            };
            assert!(
                same,
                "testdata/{folder}/{} differs from what kql-gen writes",
                path.display()
            );
        }
    }
}

#[test]
fn every_shape_is_json_of_about_the_asked_size() {
    for shape in ["storage", "eventhubs", "la-export", "jsonl"] {
        let tmp = tempfile::tempdir().unwrap();
        run(&[
            "--size",
            "400KB",
            "--shape",
            shape,
            "--seed",
            "5",
            "--out",
            tmp.path().to_str().unwrap(),
        ]);
        let all = files(tmp.path());
        let bytes: usize = all.values().map(Vec::len).sum();
        assert!(
            (390_000..=440_000).contains(&bytes),
            "{shape}: {bytes} bytes"
        );
        let mut records = 0;
        for (path, content) in &all {
            for line in std::str::from_utf8(content).expect("UTF-8").lines() {
                let v: serde_json::Value = serde_json::from_str(line)
                    .unwrap_or_else(|e| panic!("{}: {e}: {line}", path.display()));
                records += v["records"].as_array().map_or(1, Vec::len);
            }
        }
        assert!(records > 150, "{shape}: {records} records");
        let names: Vec<String> = all.keys().map(|p| p.display().to_string()).collect();
        match shape {
            "storage" => assert!(
                names
                    .iter()
                    .all(|n| n.starts_with("insights-logs-") && n.ends_with("/m=00/PT1H.json"))
            ),
            "la-export" => assert!(
                names
                    .iter()
                    .all(|n| n.starts_with("am-") && n.ends_with("PT05M.json"))
            ),
            "eventhubs" => assert!(names.iter().all(|n| n.starts_with("eventhubs/"))),
            _ => assert!(names.iter().all(|n| n.starts_with("jsonl/"))),
        }
    }
}

#[test]
fn a_seed_gives_the_same_bytes() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let c = tempfile::tempdir().unwrap();
    for (dir, seed) in [(&a, "9"), (&b, "9"), (&c, "10")] {
        run(&[
            "--size",
            "200KB",
            "--seed",
            seed,
            "--out",
            dir.path().to_str().unwrap(),
        ]);
    }
    assert_eq!(files(a.path()), files(b.path()));
    assert_ne!(files(a.path()), files(c.path()));
}

#[test]
fn bad_arguments_are_refused() {
    for args in [
        &["--size", "12XB", "--out", "x"][..],
        &["--shape", "nope", "--out", "x"],
        &["--size", "1MB"],
    ] {
        let out = Command::new(GEN).args(args).output().unwrap();
        assert!(!out.status.success(), "{args:?}");
    }
}
