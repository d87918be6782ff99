//! Saved queries ("templates"): the built-in gallery embedded from `queries/`,
//! the user's own in `$XDG_CONFIG_HOME/kql/queries` (or `~/.config/kql/queries`)
//! and folders given with `--queries`. A template is a `.kql` file named after
//! it; a header of `// key: value` comment lines gives its title and description.
//! Templates found later in that list shadow earlier ones of the same name, so
//! a user can replace a built-in template by saving one with its name.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_templates.rs"));
}

pub use builtin::BUILTIN_TEMPLATES;

/// Where a template was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    BuiltIn,
    File(PathBuf),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::BuiltIn => f.write_str("built-in"),
            Origin::File(path) => write!(f, "{}", path.display()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Template {
    /// The file name without `.kql`; what `kql run` takes.
    pub name: String,
    /// The `// name:` header, or the name.
    pub title: String,
    /// The `// description:` header.
    pub description: String,
    /// The `// needs:` header: a language feature the template waits for.
    pub needs: Option<String>,
    pub text: String,
    pub origin: Origin,
}

impl Template {
    pub fn parse(name: &str, text: &str, origin: Origin) -> Template {
        let header = header(text);
        let field = |key: &str| {
            header
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v.clone())
        };
        Template {
            name: name.to_string(),
            title: field("name").unwrap_or_else(|| name.to_string()),
            description: field("description").unwrap_or_default(),
            needs: field("needs"),
            text: text.to_string(),
            origin,
        }
    }
}

/// The `// key: value` lines at the top of a template, before its first line of KQL.
fn header(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .take_while(|line| line.is_empty() || line.starts_with("//"))
        .filter_map(|line| {
            let comment = line.strip_prefix("//")?.trim();
            let (key, value) = comment.split_once(':')?;
            let key = key.trim();
            let is_key = !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            is_key.then(|| (key.to_string(), value.trim().to_string()))
        })
        .collect()
}

/// Every template visible to a run, by name.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    templates: BTreeMap<String, Template>,
    /// Files that could not be read; listed so a broken template is not silently missing.
    pub problems: Vec<String>,
}

impl Catalog {
    /// The built-in templates only.
    pub fn builtin() -> Catalog {
        let mut catalog = Catalog::default();
        for (name, text) in BUILTIN_TEMPLATES {
            catalog.add(Template::parse(name, text, Origin::BuiltIn));
        }
        catalog
    }

    /// Built-in templates, then the user's folder, then each of `dirs` (later
    /// ones win). A `dirs` entry that is not a folder is an error; the user's
    /// folder may be missing.
    pub fn load(user_dir: Option<&Path>, dirs: &[PathBuf]) -> Result<Catalog, String> {
        let mut catalog = Catalog::builtin();
        if let Some(dir) = user_dir.filter(|d| d.is_dir()) {
            catalog.add_dir(dir)?;
        }
        for dir in dirs {
            if !dir.is_dir() {
                return Err(format!(
                    "--queries '{}' is not a folder of .kql files",
                    dir.display()
                ));
            }
            catalog.add_dir(dir)?;
        }
        Ok(catalog)
    }

    fn add(&mut self, template: Template) {
        self.templates.insert(template.name.clone(), template);
    }

    fn add_dir(&mut self, dir: &Path) -> Result<(), String> {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| format!("cannot read the folder '{}': {e}", dir.display()))?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "kql") && p.is_file())
            .collect();
        paths.sort();
        for path in paths {
            let Some(name) = path.file_stem().and_then(|s| s.to_str()) else {
                self.problems
                    .push(format!("{}: the name is not UTF-8", path.display()));
                continue;
            };
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    let name = name.to_string();
                    self.add(Template::parse(&name, &text, Origin::File(path)));
                }
                Err(e) => self.problems.push(format!("{}: {e}", path.display())),
            }
        }
        Ok(())
    }

    pub fn iter(&self) -> impl Iterator<Item = &Template> {
        self.templates.values()
    }

    pub fn len(&self) -> usize {
        self.templates.len()
    }

    pub fn is_empty(&self) -> bool {
        self.templates.is_empty()
    }

    /// The template called `name`, or a message naming the closest ones.
    pub fn get(&self, name: &str) -> Result<&Template, String> {
        let name = name.strip_suffix(".kql").unwrap_or(name);
        if let Some(t) = self.templates.get(name) {
            return Ok(t);
        }
        let mut message = format!("no template named '{name}'");
        match closest(name, self.templates.keys().map(String::as_str)) {
            Some(best) => message.push_str(&format!("; did you mean '{best}'?")),
            None => message.push_str("; `kql templates` lists them"),
        }
        Err(message)
    }
}

/// The user's template folder: `$XDG_CONFIG_HOME/kql/queries`, else
/// `$HOME/.config/kql/queries`.
pub fn user_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("kql").join("queries"))
}

/// The candidate most like `name`: one containing it (or contained in it)
/// first, else the nearest by edit distance when it shares enough of the name.
pub fn closest<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let lower = name.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let other = candidate.to_lowercase();
        let score = if other.contains(&lower) || (other.len() > 2 && lower.contains(&other)) {
            // Any containment beats any edit; among them prefer the shortest extra text.
            other.len().abs_diff(lower.len())
        } else {
            let distance = edit_distance(&lower, &other);
            if distance > lower.chars().count().div_ceil(2) {
                continue;
            }
            1000 + distance
        };
        if best.is_none_or(|(s, _)| score < s) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            current[j + 1] = (previous[j] + cost)
                .min(previous[j + 1] + 1)
                .min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_fields_are_read_until_the_first_line_of_kql() {
        let t = Template::parse(
            "x",
            "// name: Calls\n// description: Count calls.\n//Calls by API\nT | count\n// name: late",
            Origin::BuiltIn,
        );
        assert_eq!(t.title, "Calls");
        assert_eq!(t.description, "Count calls.");
        assert_eq!(t.needs, None);
        let bare = Template::parse("bare", "T | take 1", Origin::BuiltIn);
        assert_eq!(
            (bare.title.as_str(), bare.description.as_str()),
            ("bare", "")
        );
    }

    #[test]
    fn closest_prefers_containment_then_edits() {
        let names = ["latest-100-calls", "calls-by-api", "overall-latency"];
        assert_eq!(closest("latest-calls", names), Some("latest-100-calls"));
        assert_eq!(closest("calls-by-apj", names), Some("calls-by-api"));
        assert_eq!(closest("latency", names), Some("overall-latency"));
        assert_eq!(closest("zzzzzz", names), None);
    }

    #[test]
    fn later_folders_shadow_earlier_ones() {
        let user = tempfile::tempdir().unwrap();
        let extra = tempfile::tempdir().unwrap();
        std::fs::write(user.path().join("calls-by-api.kql"), "// name: Mine\nT").unwrap();
        std::fs::write(user.path().join("own.kql"), "// name: Own\nT").unwrap();
        std::fs::write(extra.path().join("own.kql"), "// name: Extra\nT").unwrap();
        let catalog = Catalog::load(Some(user.path()), &[extra.path().to_path_buf()]).unwrap();
        assert_eq!(catalog.get("calls-by-api").unwrap().title, "Mine");
        assert_eq!(catalog.get("own").unwrap().title, "Extra");
        assert_eq!(catalog.get("own.kql").unwrap().title, "Extra");
        assert_eq!(
            catalog.get("latest-100-calls").unwrap().origin,
            Origin::BuiltIn
        );
        assert!(Catalog::load(None, &[user.path().join("missing")]).is_err());
    }
}
