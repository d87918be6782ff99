//! Round trips over randomly generated valid queries: a small grammar-driven
//! generator (deterministic, no crates) that mixes every construct.

mod common;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Generated expression text and whether it must be parenthesized before
/// another operator may apply to it.
struct Gen {
    text: String,
    /// Contains a top-level comparison, `and` or `or`.
    loose: bool,
    /// A primary/postfix expression, safe as a member target.
    atom: bool,
}

impl Gen {
    fn atom(text: impl Into<String>) -> Gen {
        Gen {
            text: text.into(),
            loose: false,
            atom: true,
        }
    }

    fn tight(self) -> String {
        if self.loose {
            format!("({})", self.text)
        } else {
            self.text
        }
    }

    fn primary(self) -> String {
        if self.atom {
            self.text
        } else {
            format!("({})", self.text)
        }
    }
}

const NAMES: &[&str] = &[
    "a",
    "b",
    "Col1",
    "['odd name']",
    "ts",
    "_x",
    "90th_Percentile",
    "d",
];
const LITERALS: &[&str] = &[
    "1",
    "0",
    "42",
    "1.5",
    "1e3",
    "0x1f",
    "true",
    "false",
    "\"s\"",
    "'q'",
    "@\"v\\w\"",
    "\"a\" \"b\"",
    "1d",
    "2h",
    "30m",
    "1.5s",
    "100ms",
    "10microsecond",
    "1tick",
    "datetime(2024-02-10)",
    "datetime(2024-02-10 12:30:00.5)",
    "datetime(null)",
    "time(1.02:03:04)",
    "timespan(2)",
    "guid(74be27de-1e4e-49d9-b579-fe0b331d3642)",
    "dynamic({\"k\":[1,\"x\"]})",
    "dynamic(null)",
    "long(null)",
    "int(-3)",
    "real(nan)",
    "real(-inf)",
    "decimal(2.50)",
    "bool(false)",
    "string(null)",
    "long(-7)",
];
const ARITHMETIC: &[&str] = &["+", "-", "*", "/", "%"];
const COMPARISONS: &[&str] = &[
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "=~",
    "!~",
    "contains",
    "!contains",
    "has",
    "!has_cs",
    "hasprefix",
    "!hassuffix_cs",
    "startswith",
    "!endswith",
    "matches regex",
];
const FUNCTIONS: &[&str] = &[
    "strlen", "iff", "bin", "ago", "now", "tostring", "not", "case",
];

fn expr(rng: &mut Rng, depth: usize) -> Gen {
    if depth == 0 {
        return if rng.chance(50) {
            Gen::atom(rng.pick(NAMES))
        } else {
            Gen::atom(rng.pick(LITERALS))
        };
    }
    let d = depth - 1;
    match rng.below(12) {
        0 | 1 => {
            let (l, r) = (expr(rng, d).tight(), expr(rng, d).tight());
            Gen {
                text: format!("{l} {} {r}", rng.pick(ARITHMETIC)),
                loose: false,
                atom: false,
            }
        }
        2 | 3 => {
            let (l, r) = (expr(rng, d).tight(), expr(rng, d).tight());
            Gen {
                text: format!("{l} {} {r}", rng.pick(COMPARISONS)),
                loose: true,
                atom: false,
            }
        }
        4 => {
            let (l, r) = (expr(rng, d).text, expr(rng, d).text);
            Gen {
                text: format!("{l} {} {r}", rng.pick(&["and", "or"])),
                loose: true,
                atom: false,
            }
        }
        5 => {
            let name = rng.pick(FUNCTIONS);
            let args: Vec<String> = (0..rng.below(4)).map(|_| expr(rng, d).text).collect();
            Gen::atom(format!("{name}({})", args.join(", ")))
        }
        6 => Gen::atom(format!("({})", expr(rng, d).text)),
        7 => {
            let target = expr(rng, d).primary();
            let suffix = rng.pick(&[".k", ".['odd key']", "[0]", "[\"k\"]", "[-1]", ".a.b"]);
            Gen::atom(format!("{target}{suffix}"))
        }
        8 => Gen {
            text: format!("-{}", expr(rng, d).primary()),
            loose: false,
            atom: false,
        },
        9 => {
            let op = rng.pick(&["in", "!in", "in~", "!in~", "has_any", "has_all"]);
            let items: Vec<String> = (0..1 + rng.below(3)).map(|_| expr(rng, d).text).collect();
            Gen {
                text: format!("{} {op} ({})", expr(rng, d).tight(), items.join(", ")),
                loose: true,
                atom: false,
            }
        }
        10 => {
            let op = rng.pick(&["between", "!between"]);
            let (t, lo, hi) = (expr(rng, d).tight(), expr(rng, d).text, expr(rng, d).text);
            Gen {
                text: format!("{t} {op} ({lo} .. {hi})"),
                loose: true,
                atom: false,
            }
        }
        _ => Gen::atom(format!("toscalar({})", tabular(rng, d))),
    }
}

fn named(rng: &mut Rng, depth: usize) -> String {
    let value = expr(rng, depth).text;
    match rng.below(3) {
        0 => value,
        1 => format!("{} = {value}", rng.pick(NAMES)),
        _ => format!("(x1, x2) = {value}"),
    }
}

fn list<F: FnMut(&mut Rng) -> String>(rng: &mut Rng, max: usize, mut item: F) -> String {
    let n = 1 + rng.below(max);
    (0..n).map(|_| item(rng)).collect::<Vec<_>>().join(", ")
}

fn source(rng: &mut Rng, depth: usize) -> String {
    let d = depth.saturating_sub(1);
    match rng.below(9) {
        0 => "datatable(a:long, b:string)[1, \"x\", -2, 'y',]".to_string(),
        1 => format!("print {}", list(rng, 3, |r| named(r, d))),
        2 => format!("range i from {} to 10 step 1", expr(rng, d).tight()),
        3 if depth > 0 => format!("union kind=outer T, ({})", tabular(rng, d)),
        4 if depth > 0 => format!("({})", tabular(rng, d)),
        5 => "materialize(T | take 1)".to_string(),
        _ => rng.pick(&["T", "Events", "['my table']"]).to_string(),
    }
}

fn operator(rng: &mut Rng, depth: usize) -> String {
    let d = depth.saturating_sub(1);
    let sort_key = |r: &mut Rng| {
        let order = r.pick(&["", " asc", " desc"]);
        let nulls = r.pick(&["", " nulls first", " nulls last"]);
        format!("{}{order}{nulls}", expr(r, d).text)
    };
    match rng.below(22) {
        0 | 1 => format!("where {}", expr(rng, depth).text),
        2 => format!("project {}", list(rng, 3, |r| named(r, d))),
        3 => format!("extend {}", list(rng, 3, |r| named(r, d))),
        4 => {
            let aggs = if rng.chance(20) {
                String::new()
            } else {
                format!(" {}", list(rng, 2, |r| named(r, d)))
            };
            let by = if aggs.is_empty() || rng.chance(60) {
                format!(" by {}", list(rng, 2, |r| named(r, d)))
            } else {
                String::new()
            };
            let hint = rng.pick(&["", " hint.strategy=shuffle"]);
            format!("summarize{hint}{aggs}{by}")
        }
        5 => format!("take {}", rng.below(100)),
        6 => format!("top 5 by {}", sort_key(rng)),
        7 => format!("sort by {}", list(rng, 3, sort_key)),
        8 => rng
            .pick(&[
                "distinct *",
                "distinct a, b",
                "count",
                "getschema",
                "serialize",
            ])
            .into(),
        9 => {
            let kind = rng.pick(&["", " kind=leftouter", " kind=anti", " kind=inner"]);
            let right = if depth > 0 {
                format!("({})", tabular(rng, d))
            } else {
                "U".to_string()
            };
            format!("join{kind} {right} on a, $left.b == $right.c")
        }
        10 if depth > 0 => format!("union U, ({})", tabular(rng, d)),
        11 => "mv-expand with_itemindex=i a to typeof(long), b = d.k limit 3".into(),
        12 => "project-away a, b*".into(),
        13 => "project-keep a".into(),
        14 => "project-rename x = a, ['y z'] = b".into(),
        15 => "project-reorder b desc, a".into(),
        16 => "as Saved".into(),
        17 => "render timechart with (title=\"t\", ycolumns=a, b)".into(),
        18 => "parse a with * \"k=\" v:long".into(),
        19 => "serialize rn = row_number()".into(),
        _ => format!("where {} | take 1", expr(rng, d).text),
    }
}

fn tabular(rng: &mut Rng, depth: usize) -> String {
    let mut text = source(rng, depth);
    for _ in 0..rng.below(4) {
        text.push_str(" | ");
        text.push_str(&operator(rng, depth.saturating_sub(1)));
    }
    text
}

fn query(rng: &mut Rng) -> String {
    let mut text = String::new();
    for _ in 0..rng.below(3) {
        let value = match rng.below(4) {
            0 => expr(rng, 3).text,
            1 => tabular(rng, 2),
            2 => format!("(x:long, y:string = \"d\") {{ {} }}", expr(rng, 2).text),
            _ => format!("() {{ let z = 1; {} }}", tabular(rng, 1)),
        };
        text.push_str(&format!(
            "let {} = {value};\n",
            rng.pick(&["v", "f", "['w x']"])
        ));
    }
    text.push_str(&tabular(rng, 3));
    text
}

#[test]
fn generated_queries_round_trip() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..3_000 {
        common::round_trip(&query(&mut rng));
    }
}
