//! One module per subcommand.

pub mod completions;
pub mod ingest;
pub mod query;
pub mod run;
pub mod schema;
pub mod tables;
pub mod templates;

/// A table name as KQL text: bare when it is a plain identifier, otherwise
/// bracket-quoted (`['my logs']`) so file stems with spaces or dashes still work.
pub fn table_ref(name: &str) -> String {
    let mut chars = name.chars();
    let plain = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        name.to_string()
    } else {
        format!("['{}']", name.replace('\\', "\\\\").replace('\'', "\\'"))
    }
}

#[cfg(test)]
mod tests {
    use super::table_ref;

    #[test]
    fn odd_table_names_are_quoted() {
        assert_eq!(table_ref("Logs_2"), "Logs_2");
        assert_eq!(table_ref("gateway-logs"), "['gateway-logs']");
        assert_eq!(table_ref("2024 logs"), "['2024 logs']");
        assert_eq!(table_ref("it's"), "['it\\'s']");
    }
}
