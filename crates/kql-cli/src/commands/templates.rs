//! `kql templates [NAME]`: the saved queries with their parameters, or one's text.

use crate::app::{UsageError, note};
use crate::args::TemplatesArgs;
use crate::output::write_to;
use crate::templates::{Catalog, Origin, Template, user_dir};
use std::io::Write;

pub fn run(args: TemplatesArgs) -> anyhow::Result<()> {
    let catalog =
        Catalog::load(user_dir().as_deref(), &args.queries.queries).map_err(UsageError)?;
    for problem in &catalog.problems {
        note(&format!("kql: warning: cannot read template {problem}"));
    }
    if let Some(name) = &args.name {
        let template = catalog.get(name).map_err(UsageError)?;
        // The text alone on stdout, so `kql templates X > ~/.config/kql/queries/mine.kql` copies it.
        note(&format!(
            "kql: template '{}' ({})",
            template.name, template.origin
        ));
        return write_to(None, |out| Ok(out.write_all(template.text.as_bytes())?));
    }
    write_to(None, |out| write_list(out, &catalog))
}

/// The declared parameters as `name:type = default`, or why they cannot be read.
pub fn parameters(template: &Template) -> String {
    match kql_engine::query_parameters(&template.text) {
        Ok(params) => params
            .iter()
            .map(|p| match &p.default {
                Some(default) => format!("{}:{} = {default}", p.name, p.ty),
                None => format!("{}:{}", p.name, p.ty),
            })
            .collect::<Vec<_>>()
            .join(", "),
        Err(_) => "(syntax error: kql run shows it)".to_string(),
    }
}

/// NAME, PARAMETERS and DESCRIPTION columns; templates not built in say where they are.
pub fn write_list(out: &mut dyn Write, catalog: &Catalog) -> anyhow::Result<()> {
    let rows: Vec<(String, String, String)> = catalog
        .iter()
        .map(|t| {
            let mut description = if t.description.is_empty() {
                t.title.clone()
            } else {
                t.description.clone()
            };
            if let Some(needs) = &t.needs {
                description.push_str(&format!(" (needs: {needs})"));
            }
            if let Origin::File(path) = &t.origin {
                description.push_str(&format!(" [{}]", path.display()));
            }
            (t.name.clone(), parameters(t), description)
        })
        .collect();
    let name_width = rows
        .iter()
        .map(|(n, _, _)| n.chars().count())
        .chain(["NAME".len()])
        .max()
        .unwrap_or(0);
    let params_width = rows
        .iter()
        .map(|(_, p, _)| p.chars().count())
        .chain(["PARAMETERS".len()])
        .max()
        .unwrap_or(0);
    writeln!(
        out,
        "{:<name_width$}  {:<params_width$}  DESCRIPTION",
        "NAME", "PARAMETERS"
    )?;
    for (name, params, description) in rows {
        writeln!(
            out,
            "{name:<name_width$}  {params:<params_width$}  {description}"
        )?;
    }
    Ok(())
}
