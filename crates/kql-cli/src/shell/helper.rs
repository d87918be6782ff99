//! What the line editor needs to know about KQL: when a query goes on to the
//! next line, and which names complete the word under the cursor.

use rustyline::completion::{Completer, Pair};
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Helper};
use std::borrow::Cow;

/// The shell's own commands, completed after a leading `.`.
pub const COMMANDS: &[&str] = &[
    ".help",
    ".tables",
    ".schema",
    ".templates",
    ".run",
    ".quit",
    ".exit",
];

/// Words that start a query besides table names.
const STATEMENTS: &[&str] = &[
    "let",
    "declare",
    "print",
    "range",
    "datatable",
    "union",
    "search",
    "find",
];

/// Words inside operators worth completing.
const KEYWORDS: &[&str] = &[
    "by",
    "and",
    "or",
    "not",
    "asc",
    "desc",
    "nulls",
    "first",
    "last",
    "on",
    "kind",
    "with",
    "true",
    "false",
    "between",
    "contains",
    "has",
    "in",
    "startswith",
    "endswith",
    "matches",
    "regex",
    "timechart",
    "columnchart",
    "barchart",
    "piechart",
    "linechart",
    "areachart",
];

/// Names the editor completes; collected once when the shell starts.
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub tables: Vec<String>,
    pub columns: Vec<String>,
    pub operators: Vec<String>,
    pub functions: Vec<String>,
    pub templates: Vec<String>,
}

pub struct KqlHelper {
    names: Names,
    color: bool,
}

impl KqlHelper {
    pub fn new(names: Names, color: bool) -> Self {
        KqlHelper { names, color }
    }

    /// (start of the word being completed, candidates) for `line` up to `pos`.
    pub fn candidates(&self, line: &str, pos: usize) -> (usize, Vec<String>) {
        let before = line.get(..pos).unwrap_or(line);
        let trimmed = before.trim_start();
        if trimmed.starts_with('.') {
            return self.command_candidates(before);
        }
        // Operator names may hold dashes (`project-away`, `mv-expand`).
        let dashed = word_start(before, true);
        let head = before[..dashed].trim_end();
        if head.ends_with('|') {
            let word = &before[dashed..];
            return (
                dashed,
                matching(word, self.names.operators.iter().map(String::as_str)),
            );
        }
        let start = word_start(before, false);
        let word = &before[start..];
        let head = before[..start].trim_end();
        let pool: Vec<&str> = if head.is_empty() || head.ends_with(';') {
            self.names
                .tables
                .iter()
                .map(String::as_str)
                .chain(STATEMENTS.iter().copied())
                .collect()
        } else {
            self.names
                .columns
                .iter()
                .chain(&self.names.functions)
                .chain(&self.names.tables)
                .map(String::as_str)
                .chain(KEYWORDS.iter().copied())
                .collect()
        };
        (start, matching(word, pool))
    }

    fn command_candidates(&self, before: &str) -> (usize, Vec<String>) {
        let start = before.len() - before.trim_start().len();
        let command_line = &before[start..];
        match command_line.split_once(char::is_whitespace) {
            None => (start, matching(command_line, COMMANDS.iter().copied())),
            Some((command, _)) => {
                let word_at = word_start(before, true);
                let word = &before[word_at..];
                let pool: Vec<&str> = match command {
                    ".schema" => self.names.tables.iter().map(String::as_str).collect(),
                    ".run" | ".templates" => {
                        self.names.templates.iter().map(String::as_str).collect()
                    }
                    _ => Vec::new(),
                };
                (word_at, matching(word, pool))
            }
        }
    }
}

/// Where the word ending at the end of `before` starts.
fn word_start(before: &str, dashes: bool) -> usize {
    before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_' || (dashes && *c == '-'))
        .last()
        .map_or(before.len(), |(i, _)| i)
}

/// Candidates starting with `word`: exact case first, any case otherwise.
fn matching<'a>(word: &str, pool: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let pool: Vec<&str> = pool.into_iter().collect();
    let mut found: Vec<String> = pool
        .iter()
        .filter(|c| c.starts_with(word))
        .map(|c| c.to_string())
        .collect();
    if found.is_empty() {
        let lower = word.to_lowercase();
        found = pool
            .iter()
            .filter(|c| c.to_lowercase().starts_with(&lower))
            .map(|c| c.to_string())
            .collect();
    }
    found.sort();
    found.dedup();
    found
}

/// True when `input` is clearly not finished: an open bracket or string, or
/// a last line ending in a token that needs more (`|`, `,`, `(`, `=`, `;`,
/// `by`, `and`, `or`, `on`, `with`).
/// Shell commands (`.tables`) are always complete.
pub fn is_incomplete(input: &str) -> bool {
    let trimmed = input.trim();
    if trimmed.is_empty() || trimmed.starts_with('.') {
        return false;
    }
    let (depth, open_string, code) = scan(input);
    if depth > 0 || open_string {
        return true;
    }
    let code = code.trim_end();
    let last_word = code
        .rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
        .next()
        .unwrap_or("");
    code.ends_with(['|', ',', '(', '[', '{', '=', ';'])
        || matches!(last_word, "by" | "and" | "or" | "on" | "with")
}

/// Bracket depth, whether a string is left open, and the text with comments
/// and string contents blanked out (so `"a|"` does not end in a pipe).
fn scan(input: &str) -> (i64, bool, String) {
    let mut depth: i64 = 0;
    let mut code = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        code.push('\n');
                        break;
                    }
                }
            }
            '\'' | '"' => {
                let verbatim = code.ends_with('@');
                let mut closed = false;
                while let Some(s) = chars.next() {
                    if s == '\\' && !verbatim {
                        chars.next();
                    } else if s == c {
                        closed = true;
                        break;
                    }
                }
                if !closed {
                    return (depth, true, code);
                }
                code.push_str("\"\"");
            }
            '(' | '[' | '{' => {
                depth += 1;
                code.push(c);
            }
            ')' | ']' | '}' => {
                depth -= 1;
                code.push(c);
            }
            other => code.push(other),
        }
    }
    (depth, false, code)
}

impl Completer for KqlHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let (start, found) = self.candidates(line, pos);
        let pairs = found
            .into_iter()
            .map(|c| Pair {
                display: c.clone(),
                replacement: c,
            })
            .collect();
        Ok((start, pairs))
    }
}

impl Validator for KqlHelper {
    fn validate(&self, ctx: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        Ok(if is_incomplete(ctx.input()) {
            ValidationResult::Incomplete
        } else {
            ValidationResult::Valid(None)
        })
    }
}

impl Highlighter for KqlHelper {
    fn highlight_prompt<'b, 's: 'b, 'p: 'b>(
        &'s self,
        prompt: &'p str,
        _default: bool,
    ) -> Cow<'b, str> {
        if self.color {
            Cow::Owned(format!("\x1b[1;36m{}\x1b[0m", prompt))
        } else {
            Cow::Borrowed(prompt)
        }
    }
}

impl Hinter for KqlHelper {
    type Hint = String;
}

impl Helper for KqlHelper {}

#[cfg(test)]
mod tests {
    use super::*;

    fn helper() -> KqlHelper {
        KqlHelper::new(
            Names {
                tables: vec![
                    "ApiManagementGatewayLogs".into(),
                    "ApiManagementGatewayLlmLog".into(),
                ],
                columns: vec!["TotalTime".into(), "TimeGenerated".into(), "ApiId".into()],
                operators: vec!["project".into(), "project-away".into(), "summarize".into()],
                functions: vec!["tostring".into(), "todatetime".into(), "count".into()],
                templates: vec!["latest-100-calls".into()],
            },
            false,
        )
    }

    #[test]
    fn operators_complete_after_a_pipe() {
        let h = helper();
        let line = "ApiManagementGatewayLogs | proj";
        assert_eq!(
            h.candidates(line, line.len()),
            (27, vec!["project".into(), "project-away".into()])
        );
        let line = "T\n| project-a";
        assert_eq!(
            h.candidates(line, line.len()).1,
            vec!["project-away".to_string()]
        );
    }

    #[test]
    fn tables_start_a_query_and_columns_follow() {
        let h = helper();
        assert_eq!(
            h.candidates("ApiManagementGatewayL", 21).1,
            vec![
                "ApiManagementGatewayLlmLog".to_string(),
                "ApiManagementGatewayLogs".into()
            ]
        );
        let line = "T | where Ti";
        assert_eq!(
            h.candidates(line, line.len()),
            (10, vec!["TimeGenerated".into()])
        );
        let line = "T | extend x = tos";
        assert_eq!(
            h.candidates(line, line.len()).1,
            vec!["tostring".to_string()]
        );
        // Any case when nothing matches exactly.
        let line = "T | where totalt";
        assert_eq!(
            h.candidates(line, line.len()).1,
            vec!["TotalTime".to_string()]
        );
    }

    #[test]
    fn shell_commands_and_their_arguments_complete() {
        let h = helper();
        assert_eq!(h.candidates(".sch", 4), (0, vec![".schema".into()]));
        let line = ".schema ApiManagementGatewayLo";
        assert_eq!(
            h.candidates(line, line.len()),
            (8, vec!["ApiManagementGatewayLogs".into()])
        );
        let line = ".run lat";
        assert_eq!(
            h.candidates(line, line.len()),
            (5, vec!["latest-100-calls".into()])
        );
    }

    #[test]
    fn unfinished_queries_continue_on_the_next_line() {
        assert!(is_incomplete("T |"));
        assert!(is_incomplete("T | summarize count() by"));
        assert!(!is_incomplete("T | summarize count() by ApiId"));
        assert!(is_incomplete("T | where x in ("));
        assert!(is_incomplete("let n = 5;"));
        assert!(is_incomplete("print 'abc"));
        assert!(!is_incomplete("print '|'"));
        assert!(!is_incomplete("print @'C:\\'"));
        assert!(!is_incomplete("T | take 1 // more |"));
        assert!(!is_incomplete(".schema"));
        assert!(!is_incomplete(""));
        assert!(is_incomplete("T\n| where a == 1\n|"));
    }
}
