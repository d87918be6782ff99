//! Embeds the built-in query templates (`queries/*.kql` at the workspace root)
//! in the binary, so `kql run NAME` works wherever the binary is copied.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let queries = manifest.join("../../queries");
    println!("cargo:rerun-if-changed={}", queries.display());

    let mut templates: Vec<(String, PathBuf)> = std::fs::read_dir(&queries)
        .map(|dir| {
            dir.filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|e| e == "kql"))
                .filter_map(|path| Some((stem(&path)?, path)))
                .collect()
        })
        .unwrap_or_default();
    templates.sort();

    let mut code = String::from(
        "/// (name, KQL text) of every built-in template, sorted by name.\n\
         pub const BUILTIN_TEMPLATES: &[(&str, &str)] = &[\n",
    );
    for (name, path) in &templates {
        println!("cargo:rerun-if-changed={}", path.display());
        let absolute = path.canonicalize().unwrap_or_else(|_| path.clone());
        let _ = writeln!(
            code,
            "    ({name:?}, include_str!({:?})),",
            absolute.display().to_string()
        );
    }
    code.push_str("];\n");

    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    if let Err(e) = std::fs::write(out.join("builtin_templates.rs"), code) {
        println!("cargo:warning=cannot write the template list: {e}");
        std::process::exit(1);
    }
}

fn stem(path: &Path) -> Option<String> {
    path.file_stem()?.to_str().map(str::to_string)
}
