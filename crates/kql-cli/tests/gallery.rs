//! The README's chart gallery: every `kql query … -o docs/gallery/…` command in
//! its "Charts" section still runs and draws a PNG of the stated size, and
//! every picture shown is one of those commands' output. With
//! `KQL_UPDATE_GALLERY=1` the commands write into `docs/gallery/` itself.

use std::path::{Path, PathBuf};
use std::process::Command;

const KQL: &str = env!("CARGO_BIN_EXE_kql");

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn charts_section() -> String {
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README.md");
    let start = readme.find("\n## Charts\n").expect("a Charts section");
    let rest = &readme[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    rest[..end].to_owned()
}

/// Splits a command line the way a POSIX shell would for the forms the README
/// uses: words separated by spaces, with '…' quoting.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                in_word = true;
            }
            ' ' if !quoted => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            _ => {
                word.push(c);
                in_word = true;
            }
        }
    }
    assert!(!quoted, "unbalanced quote in: {line}");
    if in_word {
        words.push(word);
    }
    words
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
    (be(16), be(20))
}

#[test]
fn the_readme_gallery_is_drawn_by_its_commands() {
    let section = charts_section();
    let commands: Vec<Vec<String>> = section
        .lines()
        .filter(|l| l.starts_with("kql query ") && l.contains(" -o docs/gallery/"))
        .map(shell_words)
        .collect();
    assert!(commands.len() >= 5, "the gallery shows several charts");
    let update = std::env::var_os("KQL_UPDATE_GALLERY").is_some();
    let scratch = tempfile::tempdir().expect("temp dir");
    let mut drawn = Vec::new();
    for words in &commands {
        let mut args: Vec<String> = words[1..].to_vec();
        let o = args.iter().position(|a| a == "-o").expect("-o");
        let target = args[o + 1].clone();
        let name = target
            .strip_prefix("docs/gallery/")
            .expect("gallery path")
            .to_owned();
        let out = if update {
            repo().join(&target)
        } else {
            scratch.path().join(&name)
        };
        args[o + 1] = out.to_str().expect("UTF-8 path").to_owned();
        let width: u32 = args[args.iter().position(|a| a == "--width").expect("--width") + 1]
            .parse()
            .expect("width");
        let height: u32 = args[args.iter().position(|a| a == "--height").expect("--height") + 1]
            .parse()
            .expect("height");
        let run = Command::new(KQL).args(&args).output().expect("run kql");
        assert!(
            run.status.success(),
            "{target}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let fresh = std::fs::read(&out).expect("chart written");
        assert_eq!(png_size(&fresh), (width, height), "{target}");
        let committed = std::fs::read(repo().join(&target))
            .unwrap_or_else(|_| panic!("{target} is committed (KQL_UPDATE_GALLERY=1 writes it)"));
        assert_eq!(
            png_size(&committed),
            (width, height),
            "{target} as committed"
        );
        drawn.push(target);
    }
    // Every picture the README shows comes from one of the commands.
    for line in section.lines().filter(|l| l.starts_with("![")) {
        let path = line
            .split_once("](")
            .and_then(|(_, rest)| rest.strip_suffix(')'))
            .expect("image link");
        assert!(drawn.iter().any(|d| d == path), "{path} has no command");
    }
}

#[test]
fn shell_words_follow_single_quotes() {
    assert_eq!(
        shell_words("kql query 'a | b with (t=\"x y\")' -o f.png"),
        ["kql", "query", "a | b with (t=\"x y\")", "-o", "f.png"]
    );
}
