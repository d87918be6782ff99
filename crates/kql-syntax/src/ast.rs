//! The KQL abstract syntax tree. One enum per syntax kind; every node that a
//! later stage may point an error at carries a [`Span`] (byte offsets into the
//! query text). `Display` (in `display.rs`) prints a node back as KQL.

/// Half-open byte range `[start, end)` in the query text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// An identifier as written (`TotalTime`, `['my col']`), with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A whole query: `let` statements, `declare` statements and one final tabular expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    /// `let name = value;`
    Let(LetStatement),
    /// `declare query_parameters(n:long = 100, api:string);`
    DeclareQueryParameters(Vec<ParamDecl>, Span),
    /// A tabular expression (normally the last statement).
    Tabular(TabularExpr),
    /// `set name [= value];`: a query option such as `query_bin_auto_size`.
    Set {
        name: Ident,
        value: Option<Expr>,
        span: Span,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct LetStatement {
    pub name: Ident,
    pub value: LetValue,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LetValue {
    /// A scalar expression. A bare identifier (`let T2 = T;`) parses as a scalar
    /// column reference; the planner resolves it to a table when one has that name.
    Scalar(Expr),
    /// A tabular expression: contains a pipe or starts with a tabular source.
    Tabular(TabularExpr),
    /// A user function: `let f = (x:long, y:string = "d") { body };`
    Function(FunctionDef),
}

#[derive(Debug, Clone, PartialEq)]
pub struct FunctionDef {
    pub params: Vec<ParamDecl>,
    /// Statements inside the braces; the last is the result.
    pub body: Vec<Statement>,
    /// The body's final expression when it is scalar (`{ x * 2 }`).
    pub scalar_body: Option<Expr>,
    pub span: Span,
}

/// `name:type [= default]`, used by `declare query_parameters` and user functions.
/// A tabular parameter `(T:(*))` has `ty` = `"(*)"`.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamDecl {
    pub name: Ident,
    pub ty: TypeName,
    pub default: Option<Expr>,
}

/// A tabular expression: a source followed by `| operator` stages.
#[derive(Debug, Clone, PartialEq)]
pub struct TabularExpr {
    pub source: Source,
    pub operators: Vec<Operator>,
    pub span: Span,
}

// `Range` holds its three expressions inline so that planner code can match
// on them directly; a query has few sources, so the size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A table name or a `let`-bound tabular name. In `union` operands the
    /// name may be a wildcard pattern (`Events*`, `*`).
    Table(Ident),
    /// `datatable(a:long, b:string)[1, "x", 2, "y"]`. `values` is row-major;
    /// a negated number literal (`-5`, `-1.5`) is folded into the literal.
    Datatable {
        columns: Vec<ColumnDecl>,
        values: Vec<Expr>,
        span: Span,
    },
    /// `print x = 1, y = "a"`
    Print { columns: Vec<NamedExpr>, span: Span },
    /// `range x from 1 to 10 step 1`
    Range {
        name: Ident,
        from: Expr,
        to: Expr,
        step: Expr,
        span: Span,
    },
    /// `union [kind=inner|outer] [withsource=Name] T1, (T2 | …), …`
    Union {
        params: Vec<OperatorParam>,
        tables: Vec<TabularExpr>,
        span: Span,
    },
    /// `( tabular )`
    Paren(Box<TabularExpr>),
    /// A call of a tabular function: `materialize(T)`, `f(1)`, `view()`.
    Call {
        name: Ident,
        args: Vec<Expr>,
        span: Span,
    },
}

/// `name:type` in `datatable` and typed captures.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnDecl {
    pub name: Ident,
    pub ty: TypeName,
}

/// A type name as written (`long`, `string`, `dynamic`, `int64`…). The planner
/// maps aliases to Kusto scalar types.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeName {
    pub name: String,
    pub span: Span,
}

/// `name=value` parameters written before an operator's arguments
/// (`kind=leftouter`, `withsource=Src`, `hint.strategy=shuffle`).
#[derive(Debug, Clone, PartialEq)]
pub struct OperatorParam {
    pub name: Ident,
    pub value: Expr,
}

/// `[name =] expr` or `(a, b) = expr` in project/extend/summarize/print.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedExpr {
    /// Empty when no name was given; several names for `(a, b) = expr`.
    pub names: Vec<Ident>,
    pub expr: Expr,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortOrder {
    Asc,
    Desc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NullsOrder {
    First,
    Last,
}

/// `expr [asc|desc] [nulls first|last]`
#[derive(Debug, Clone, PartialEq)]
pub struct SortKey {
    pub expr: Expr,
    pub order: Option<SortOrder>,
    pub nulls: Option<NullsOrder>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum JoinKind {
    InnerUnique,
    Inner,
    LeftOuter,
    RightOuter,
    FullOuter,
    LeftAnti,
    RightAnti,
    LeftSemi,
    RightSemi,
}

/// One `on` condition of a join: `Key` or `$left.A == $right.B`.
#[derive(Debug, Clone, PartialEq)]
pub enum JoinCondition {
    Column(Ident),
    LeftRight { left: Ident, right: Ident },
}

/// One tabular operator after a `|`. Variants are named after the Kusto operator.
// Operators are built once per query and matched by the planner; boxing the
// larger variants would only add indirection.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Operator {
    Where {
        predicate: Expr,
        span: Span,
    },
    Project {
        columns: Vec<NamedExpr>,
        span: Span,
    },
    ProjectAway {
        columns: Vec<Ident>,
        span: Span,
    },
    ProjectKeep {
        columns: Vec<Ident>,
        span: Span,
    },
    ProjectRename {
        /// `new = old`
        renames: Vec<(Ident, Ident)>,
        span: Span,
    },
    ProjectReorder {
        columns: Vec<SortKey>,
        span: Span,
    },
    Extend {
        columns: Vec<NamedExpr>,
        span: Span,
    },
    Summarize {
        params: Vec<OperatorParam>,
        aggregates: Vec<NamedExpr>,
        by: Vec<NamedExpr>,
        span: Span,
    },
    Count {
        span: Span,
    },
    /// `take` and `limit`.
    Take {
        count: Expr,
        span: Span,
    },
    Top {
        count: Expr,
        by: SortKey,
        span: Span,
    },
    /// `sort by` and `order by`.
    Sort {
        keys: Vec<SortKey>,
        span: Span,
    },
    /// `distinct *` has an empty column list.
    Distinct {
        columns: Vec<Expr>,
        span: Span,
    },
    Join {
        /// Hints (`hint.strategy=…`); `kind=` is taken out into `kind`.
        params: Vec<OperatorParam>,
        /// `InnerUnique` when not written; aliases (`anti`, `semi`,
        /// `leftantisemi`…) are mapped to their canonical kind.
        kind: JoinKind,
        right: Box<TabularExpr>,
        on: Vec<JoinCondition>,
        span: Span,
    },
    Union {
        params: Vec<OperatorParam>,
        tables: Vec<TabularExpr>,
        span: Span,
    },
    MvExpand {
        /// `bagexpansion=`/`kind=` and hints; `with_itemindex=` goes to `item_index`.
        params: Vec<OperatorParam>,
        columns: Vec<MvExpandColumn>,
        item_index: Option<Ident>,
        limit: Option<Expr>,
        span: Span,
    },
    Serialize {
        columns: Vec<NamedExpr>,
        span: Span,
    },
    /// `as Name` (an `as hint.materialized=true Name` hint is dropped).
    As {
        name: Ident,
        span: Span,
    },
    Getschema {
        span: Span,
    },
    /// `render kind [with (prop = value, …)]`. A column-list property
    /// (`ycolumns=a, b`) has as value a call named `__list` whose arguments are
    /// the columns; a single column is just the identifier.
    Render {
        kind: Ident,
        properties: Vec<OperatorParam>,
        span: Span,
    },
    /// `parse [kind=simple|regex|relaxed] Expr with * "text" Name:type …`;
    /// `parse-where` (`filter`) also drops the rows that do not match.
    Parse {
        params: Vec<OperatorParam>,
        source: Expr,
        pattern: Vec<ParsePart>,
        filter: bool,
        span: Span,
    },
    /// `lookup [kind=leftouter|inner] (T) on Key, $left.A == $right.B`
    Lookup {
        kind: JoinKind,
        right: Box<TabularExpr>,
        on: Vec<JoinCondition>,
        span: Span,
    },
    /// `make-series [kind=nonempty] s = sum(v) [default = 0], … on T [from a]
    /// [to b] step s [by g, …]`
    MakeSeries {
        params: Vec<OperatorParam>,
        aggregates: Vec<SeriesAggregate>,
        axis: Expr,
        from: Option<Expr>,
        to: Option<Expr>,
        step: Expr,
        by: Vec<NamedExpr>,
        span: Span,
    },
    /// `search [kind=case_sensitive] Predicate`: a bare string term matches
    /// any column (`has`); `Col:"x"` is parsed as `Col has "x"`.
    Search {
        params: Vec<OperatorParam>,
        predicate: Expr,
        span: Span,
    },
    /// `parse-kv Expr as (k:type, …) with (pair_delimiter=';', kv_delimiter='=')`
    ParseKv {
        source: Expr,
        columns: Vec<ColumnDecl>,
        options: Vec<OperatorParam>,
        span: Span,
    },
    /// `top-nested [N] of Expr [with others=…] by [Name=]Aggregate [asc|desc], …`
    TopNested {
        levels: Vec<TopNestedLevel>,
        span: Span,
    },
    /// `mv-apply x = expr [to typeof(T)], … on (operators)`: the operators run
    /// on each row's expanded values. `expand` is the `MvExpand` part.
    MvApply {
        expand: Box<Operator>,
        subquery: Vec<Operator>,
        span: Span,
    },
    /// `evaluate plugin(args)`, e.g. `evaluate bag_unpack(d)`.
    Evaluate {
        plugin: Ident,
        args: Vec<Expr>,
        span: Span,
    },
    /// `sample N`: N rows picked at random.
    Sample {
        count: Expr,
        span: Span,
    },
    /// `sample-distinct N of Column`
    SampleDistinct {
        count: Expr,
        column: Expr,
        span: Span,
    },
    /// `scan [with_match_id=Id] [declare (Name:type [= default], …)]
    /// with (step Name [output=all|last|none]: Condition [=> Col = Expr, …]; …)`
    Scan {
        match_id: Option<Ident>,
        declare: Vec<ParamDecl>,
        steps: Vec<ScanStep>,
        span: Span,
    },
    /// `partition [hint.*=…] by Column (operators)`: the operators run on
    /// the rows of each value of `Column`, and the results are unioned.
    Partition {
        params: Vec<OperatorParam>,
        by: Expr,
        subquery: Vec<Operator>,
        span: Span,
    },
    /// `invoke f(args)`: calls the user function `f` with the piped table
    /// as its first argument.
    Invoke {
        function: Ident,
        args: Vec<Expr>,
        span: Span,
    },
    /// `facet by A, B [with (operators)]`: one result table per column (its
    /// values and `count_A`), after the `with` pipe's table when there is one.
    /// Its tables end the query: nothing can be piped after it.
    Facet {
        columns: Vec<Ident>,
        /// The `with ( … )` operators, empty when there is no `with`.
        with: Vec<Operator>,
        span: Span,
    },
    /// Any operator the parser recognized by name but does not model yet
    /// (`parse`, `make-series`, …): kept so the planner can say it is not supported.
    /// Its arguments are skipped (up to the next top-level `|`) and not kept;
    /// `span` covers the name and the arguments.
    Unsupported {
        name: String,
        span: Span,
    },
}

/// One `step` of `scan`.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanStep {
    pub name: Ident,
    /// `output=all|last|none` as written.
    pub output: Option<Ident>,
    pub condition: Expr,
    pub assignments: Vec<(Ident, Expr)>,
    pub span: Span,
}

/// One level of `top-nested`.
#[derive(Debug, Clone, PartialEq)]
pub struct TopNestedLevel {
    pub count: Option<Expr>,
    pub of: NamedExpr,
    pub others: Option<Expr>,
    pub by: NamedExpr,
    pub order: Option<SortOrder>,
}

/// One `make-series` aggregate with its fill value for empty bins.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesAggregate {
    pub aggregate: NamedExpr,
    pub default: Option<Expr>,
}

/// One element of a `parse` pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum ParsePart {
    /// A string constant (a regex in `kind=regex`).
    Text(String),
    /// `*`: any text.
    Wildcard,
    /// `Name` or `Name:type`: a captured column.
    Column { name: Ident, ty: Option<TypeName> },
}

/// `mv-expand Col [to typeof(T)]` or `mv-expand Name = expr [to typeof(T)]`.
#[derive(Debug, Clone, PartialEq)]
pub struct MvExpandColumn {
    pub column: NamedExpr,
    pub to_type: Option<TypeName>,
}

/// A scalar expression with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Literal(Literal),
    /// A column, scalar `let` name or query parameter.
    Ident(Ident),
    /// `*` as an argument (`arg_max(x, *)`, `count(*)`)
    Star,
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `f(a, b)`; the name is as written (Kusto function names are case-sensitive).
    Call {
        name: Ident,
        args: Vec<Expr>,
    },
    /// `d.a` (property access on a dynamic value).
    Member {
        target: Box<Expr>,
        name: Ident,
    },
    /// `d["k"]`, `d[0]`, `d[-1]`
    Index {
        target: Box<Expr>,
        index: Box<Expr>,
    },
    /// `x in (a, b)`, `x !in (…)`, `x in~ (…)`, `x !in~ (…)`, also `has_any`, `has_all`.
    In {
        op: InOp,
        target: Box<Expr>,
        list: Vec<Expr>,
    },
    /// `x between (lo .. hi)` / `x !between (lo .. hi)`
    Between {
        negated: bool,
        target: Box<Expr>,
        low: Box<Expr>,
        high: Box<Expr>,
    },
    /// `( expr )`, kept so `Display` prints the parentheses back.
    Paren(Box<Expr>),
    /// `toscalar(T | …)` and other calls taking a tabular argument, and a
    /// tabular `in` list (`x in (T | project a)`, the list's only element).
    /// Chosen when the argument has a `|` of its own or starts with a tabular
    /// source keyword; a bare name (`toscalar(T)`) stays an `Ident`.
    TabularArg(Box<TabularExpr>),
    /// `$left.A` / `$right.B` inside join conditions and expressions.
    JoinSide {
        side: JoinSide,
        name: Ident,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinSide {
    Left,
    Right,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InOp {
    In,
    NotIn,
    InCi,
    NotInCi,
    HasAny,
    HasAll,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Plus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Eq,
    NotEq,
    /// `=~`
    EqCi,
    /// `!~`
    NotEqCi,
    Lt,
    LtEq,
    Gt,
    GtEq,
    And,
    Or,
    /// String operators, named after the Kusto keyword. `negated` is the `!` form.
    Str {
        op: StringOp,
        negated: bool,
    },
}

/// The string predicates (`contains`, `has`, …) with their `_cs` flavour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StringOp {
    Contains {
        cs: bool,
    },
    Has {
        cs: bool,
    },
    HasPrefix {
        cs: bool,
    },
    HasSuffix {
        cs: bool,
    },
    StartsWith {
        cs: bool,
    },
    EndsWith {
        cs: bool,
    },
    /// `matches regex`
    MatchesRegex,
}

/// Literal values, keeping what the planner needs to type them exactly.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Bool(bool),
    /// An integer literal without suffix: `long` in Kusto.
    Long(i64),
    /// `int(5)`
    Int(i32),
    /// A real literal: `1.5`, `1e3`, `real(1)`, `real(nan)`, `real(+inf)`.
    Real(f64),
    /// `decimal(1.25)`, text kept to avoid float rounding.
    Decimal(String),
    String(String),
    /// `datetime(2024-02-10 12:00)`: nanoseconds since the Unix epoch (UTC).
    /// `raw` is the text between the parentheses, trimmed (the string's value
    /// for `datetime("…")`); `Display` prints `datetime({raw})`. Only dates
    /// within the `i64` nanosecond range (years 1678–2261) are accepted.
    /// `datetime(null)` is `Null("datetime")`.
    DateTime {
        nanos: i64,
        raw: String,
    },
    /// `1h`, `time(1.02:03:04)`, `timespan(…)`: nanoseconds. `raw` is the
    /// literal as `Display` prints it: the suffix form as written (`1.5h`) or
    /// `time(…)`/`timespan(…)` with trimmed contents. `time(null)` is `Null("time")`.
    Timespan {
        nanos: i64,
        raw: String,
    },
    /// `guid(…)`, lower-case canonical text.
    Guid(String),
    /// `dynamic(…)` as compact JSON text (`null` for `dynamic(null)`).
    Dynamic(String),
    /// A typed null: `long(null)`, `string(null)` …; the type name as written
    /// (`datetime`, `time`, `timespan`, `guid`, `long`, `int64`, `int`, `real`,
    /// `double`, `decimal`, `bool`, `boolean`, `string`). `dynamic(null)` is
    /// `Dynamic("null")` instead.
    Null(String),
}
