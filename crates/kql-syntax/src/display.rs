//! `Display` for the AST: prints KQL that parses back to the same tree (spans
//! aside), with canonical spacing. Parentheses written by the user are kept as
//! `ExprKind::Paren`; extra ones are only added for hand-built trees whose
//! shape the precedence rules could not have produced.

use crate::ast::{
    ColumnDecl, Expr, ExprKind, FunctionDef, JoinCondition, JoinKind, LetStatement, LetValue,
    Literal, MvExpandColumn, NamedExpr, NullsOrder, Operator, OperatorParam, ParamDecl, Query,
    SortKey, SortOrder, Source, Statement, TabularExpr, TypeName,
};
use crate::parser::LIST_CALL;
use std::fmt::{self, Display, Formatter, Write};

mod expr;

pub(crate) use expr::IdentText;

/// A column name that may be a wildcard pattern (`prefix*`).
struct ColumnPattern<'a>(&'a str);

impl Display for ColumnPattern<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let is_pattern = self.0.contains('*')
            && self
                .0
                .chars()
                .all(|c| c == '*' || c == '_' || c.is_alphanumeric());
        if is_pattern {
            f.write_str(self.0)
        } else {
            IdentText(self.0).fmt(f)
        }
    }
}

/// Writes `items` separated by `", "`.
fn comma_list<T: Display>(f: &mut Formatter<'_>, items: &[T]) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        item.fmt(f)?;
    }
    Ok(())
}

fn params(f: &mut Formatter<'_>, params: &[OperatorParam]) -> fmt::Result {
    for param in params {
        write!(f, " {param}")?;
    }
    Ok(())
}

impl Display for TypeName {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl Display for Query {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, statement) in self.statements.iter().enumerate() {
            if i > 0 {
                f.write_str(";\n")?;
            }
            statement.fmt(f)?;
        }
        Ok(())
    }
}

impl Display for Statement {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Statement::Let(let_statement) => let_statement.fmt(f),
            Statement::DeclareQueryParameters(decls, _) => {
                f.write_str("declare query_parameters(")?;
                comma_list(f, decls)?;
                f.write_char(')')
            }
            Statement::Tabular(tabular) => tabular.fmt(f),
            Statement::Set { name, value, .. } => {
                write!(f, "set {name}")?;
                match value {
                    Some(v) => write!(f, " = {v}"),
                    None => Ok(()),
                }
            }
        }
    }
}

impl Display for LetStatement {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "let {} = {}", self.name, self.value)
    }
}

impl Display for LetValue {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            LetValue::Scalar(expr) => expr.fmt(f),
            LetValue::Tabular(tabular) => tabular.fmt(f),
            LetValue::Function(function) => function.fmt(f),
        }
    }
}

impl Display for FunctionDef {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_char('(')?;
        comma_list(f, &self.params)?;
        f.write_str(") {")?;
        for statement in &self.body {
            match statement {
                Statement::Tabular(_) => write!(f, " {statement}")?,
                _ => write!(f, " {statement};")?,
            }
        }
        if let Some(expr) = &self.scalar_body {
            write!(f, " {expr}")?;
        }
        f.write_str(" }")
    }
}

impl Display for ParamDecl {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.name, self.ty)?;
        if let Some(default) = &self.default {
            write!(f, " = {default}")?;
        }
        Ok(())
    }
}

impl Display for ColumnDecl {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.name, self.ty)
    }
}

impl Display for TabularExpr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.source.fmt(f)?;
        for operator in &self.operators {
            write!(f, " | {operator}")?;
        }
        Ok(())
    }
}

/// A tabular operand of `union`/`join`: bare when it is a plain name or call,
/// parenthesized otherwise (a bare `|` would end the operator).
struct TabularOperand<'a>(&'a TabularExpr);

impl Display for TabularOperand<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let bare = self.0.operators.is_empty()
            && matches!(self.0.source, Source::Table(_) | Source::Call { .. });
        if let (true, Source::Table(name)) = (bare, &self.0.source) {
            ColumnPattern(&name.name).fmt(f)
        } else if bare {
            self.0.fmt(f)
        } else {
            write!(f, "({})", self.0)
        }
    }
}

impl Display for Source {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Source::Table(name) => name.fmt(f),
            Source::Datatable {
                columns, values, ..
            } => {
                f.write_str("datatable(")?;
                comma_list(f, columns)?;
                f.write_str(")[")?;
                let values: Vec<DatatableValue<'_>> = values.iter().map(DatatableValue).collect();
                comma_list(f, &values)?;
                f.write_char(']')
            }
            Source::Print { columns, .. } => {
                f.write_str("print ")?;
                comma_list(f, columns)
            }
            Source::Range {
                name,
                from,
                to,
                step,
                ..
            } => write!(f, "range {name} from {from} to {to} step {step}"),
            Source::Union {
                params: union_params,
                tables,
                ..
            } => union(f, union_params, tables),
            Source::Paren(inner) => write!(f, "({inner})"),
            Source::Call { name, args, .. } => {
                // Unlike scalar calls, a source call may have a quoted name.
                write!(f, "{name}(")?;
                comma_list(f, args)?;
                f.write_char(')')
            }
        }
    }
}

fn union(
    f: &mut Formatter<'_>,
    union_params: &[OperatorParam],
    tables: &[TabularExpr],
) -> fmt::Result {
    f.write_str("union")?;
    params(f, union_params)?;
    f.write_char(' ')?;
    let tables: Vec<TabularOperand<'_>> = tables.iter().map(TabularOperand).collect();
    comma_list(f, &tables)
}

/// Datatable values print negative numbers bare (`-5`), as they are written.
struct DatatableValue<'a>(&'a Expr);

impl Display for DatatableValue<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.0.kind {
            ExprKind::Literal(Literal::Long(v)) if *v < 0 && *v != i64::MIN => write!(f, "{v}"),
            ExprKind::Literal(Literal::Real(v)) if v.is_finite() && v.is_sign_negative() => {
                write!(f, "-{:?}", -v)
            }
            _ => self.0.fmt(f),
        }
    }
}

impl Display for OperatorParam {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        // Parameter names (`hint.strategy`) are dotted words, never quoted.
        write!(f, "{}={}", self.name.name, self.value)
    }
}

impl Display for NamedExpr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.names.as_slice() {
            [] => {}
            [name] => write!(f, "{name} = ")?,
            names => {
                f.write_char('(')?;
                comma_list(f, names)?;
                f.write_str(") = ")?;
            }
        }
        self.expr.fmt(f)
    }
}

impl Display for SortKey {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.expr.fmt(f)?;
        match self.order {
            Some(SortOrder::Asc) => f.write_str(" asc")?,
            Some(SortOrder::Desc) => f.write_str(" desc")?,
            None => {}
        }
        match self.nulls {
            Some(NullsOrder::First) => f.write_str(" nulls first"),
            Some(NullsOrder::Last) => f.write_str(" nulls last"),
            None => Ok(()),
        }
    }
}

impl Display for JoinKind {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JoinKind::InnerUnique => "innerunique",
            JoinKind::Inner => "inner",
            JoinKind::LeftOuter => "leftouter",
            JoinKind::RightOuter => "rightouter",
            JoinKind::FullOuter => "fullouter",
            JoinKind::LeftAnti => "leftanti",
            JoinKind::RightAnti => "rightanti",
            JoinKind::LeftSemi => "leftsemi",
            JoinKind::RightSemi => "rightsemi",
        })
    }
}

impl Display for JoinCondition {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            JoinCondition::Column(name) => name.fmt(f),
            JoinCondition::LeftRight { left, right } => {
                write!(f, "$left.{left} == $right.{right}")
            }
        }
    }
}

impl Display for MvExpandColumn {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.column.fmt(f)?;
        if let Some(ty) = &self.to_type {
            write!(f, " to typeof({ty})")?;
        }
        Ok(())
    }
}

impl Display for Operator {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Operator::Where { predicate, .. } => write!(f, "where {predicate}"),
            Operator::Project { columns, .. } => {
                f.write_str("project ")?;
                comma_list(f, columns)
            }
            Operator::ProjectAway { columns, .. } | Operator::ProjectKeep { columns, .. } => {
                let name = match self {
                    Operator::ProjectAway { .. } => "project-away ",
                    _ => "project-keep ",
                };
                f.write_str(name)?;
                let columns: Vec<ColumnPattern<'_>> =
                    columns.iter().map(|c| ColumnPattern(&c.name)).collect();
                comma_list(f, &columns)
            }
            Operator::ProjectRename { renames, .. } => {
                f.write_str("project-rename ")?;
                let renames: Vec<String> = renames
                    .iter()
                    .map(|(new, old)| format!("{new} = {old}"))
                    .collect();
                comma_list(f, &renames)
            }
            Operator::ProjectReorder { columns, .. } => {
                f.write_str("project-reorder ")?;
                for (i, key) in columns.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    match &key.expr.kind {
                        ExprKind::Ident(ident) => ColumnPattern(&ident.name).fmt(f)?,
                        _ => key.expr.fmt(f)?,
                    }
                    match key.order {
                        Some(SortOrder::Asc) => f.write_str(" asc")?,
                        Some(SortOrder::Desc) => f.write_str(" desc")?,
                        None => {}
                    }
                }
                Ok(())
            }
            Operator::Extend { columns, .. } => {
                f.write_str("extend ")?;
                comma_list(f, columns)
            }
            Operator::Summarize {
                params: hints,
                aggregates,
                by,
                ..
            } => {
                f.write_str("summarize")?;
                params(f, hints)?;
                if !aggregates.is_empty() {
                    f.write_char(' ')?;
                    comma_list(f, aggregates)?;
                }
                if !by.is_empty() {
                    f.write_str(" by ")?;
                    comma_list(f, by)?;
                }
                Ok(())
            }
            Operator::Count { .. } => f.write_str("count"),
            Operator::Take { count, .. } => write!(f, "take {count}"),
            Operator::Top { count, by, .. } => write!(f, "top {count} by {by}"),
            Operator::Sort { keys, .. } => {
                f.write_str("sort by ")?;
                comma_list(f, keys)
            }
            Operator::Distinct { columns, .. } => {
                if columns.is_empty() {
                    f.write_str("distinct *")
                } else {
                    f.write_str("distinct ")?;
                    comma_list(f, columns)
                }
            }
            Operator::Join {
                params: join_params,
                kind,
                right,
                on,
                ..
            } => {
                f.write_str("join")?;
                if *kind != JoinKind::InnerUnique {
                    write!(f, " kind={kind}")?;
                }
                params(f, join_params)?;
                write!(f, " ({right}) on ")?;
                comma_list(f, on)
            }
            Operator::Union {
                params: union_params,
                tables,
                ..
            } => union(f, union_params, tables),
            Operator::MakeSeries {
                params: series_params,
                aggregates,
                axis,
                from,
                to,
                step,
                by,
                ..
            } => {
                f.write_str("make-series")?;
                params(f, series_params)?;
                for (i, a) in aggregates.iter().enumerate() {
                    f.write_str(if i == 0 { " " } else { ", " })?;
                    write!(f, "{}", a.aggregate)?;
                    if let Some(d) = &a.default {
                        write!(f, " default = {d}")?;
                    }
                }
                write!(f, " on {axis}")?;
                if let Some(x) = from {
                    write!(f, " from {x}")?;
                }
                if let Some(x) = to {
                    write!(f, " to {x}")?;
                }
                write!(f, " step {step}")?;
                if !by.is_empty() {
                    f.write_str(" by ")?;
                    comma_list(f, by)?;
                }
                Ok(())
            }
            Operator::Search {
                params: search_params,
                predicate,
                ..
            } => {
                f.write_str("search")?;
                params(f, search_params)?;
                write!(f, " {predicate}")
            }
            Operator::ParseKv {
                source,
                columns,
                options,
                ..
            } => {
                write!(f, "parse-kv {source} as (")?;
                comma_list(f, columns)?;
                f.write_str(")")?;
                if !options.is_empty() {
                    f.write_str(" with (")?;
                    for (i, o) in options.iter().enumerate() {
                        if i > 0 {
                            f.write_str(", ")?;
                        }
                        write!(f, "{}={}", o.name, o.value)?;
                    }
                    f.write_str(")")?;
                }
                Ok(())
            }
            Operator::TopNested { levels, .. } => {
                for (i, l) in levels.iter().enumerate() {
                    f.write_str(if i == 0 { "top-nested" } else { ", top-nested" })?;
                    if let Some(c) = &l.count {
                        write!(f, " {c}")?;
                    }
                    write!(f, " of {}", l.of)?;
                    if let Some(o) = &l.others {
                        write!(f, " with others = {o}")?;
                    }
                    write!(f, " by {}", l.by)?;
                    match l.order {
                        Some(crate::ast::SortOrder::Asc) => f.write_str(" asc")?,
                        Some(crate::ast::SortOrder::Desc) => f.write_str(" desc")?,
                        None => {}
                    }
                }
                Ok(())
            }
            Operator::MvApply {
                expand, subquery, ..
            } => {
                let text = expand.to_string();
                write!(
                    f,
                    "mv-apply{} on (",
                    text.strip_prefix("mv-expand").unwrap_or(&text)
                )?;
                for (i, op) in subquery.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" | ")?;
                    }
                    write!(f, "{op}")?;
                }
                f.write_str(")")
            }
            Operator::Evaluate { plugin, args, .. } => {
                write!(f, "evaluate {plugin}(")?;
                comma_list(f, args)?;
                f.write_str(")")
            }
            Operator::Sample { count, .. } => write!(f, "sample {count}"),
            Operator::SampleDistinct { count, column, .. } => {
                write!(f, "sample-distinct {count} of {column}")
            }
            Operator::Lookup {
                kind, right, on, ..
            } => {
                f.write_str("lookup")?;
                if *kind != JoinKind::LeftOuter {
                    write!(f, " kind={kind}")?;
                }
                write!(f, " ({right}) on ")?;
                comma_list(f, on)
            }
            Operator::Parse {
                params: parse_params,
                source,
                pattern,
                filter,
                ..
            } => {
                f.write_str(if *filter { "parse-where" } else { "parse" })?;
                params(f, parse_params)?;
                write!(f, " {source} with")?;
                for part in pattern {
                    match part {
                        crate::ast::ParsePart::Text(t) => {
                            write!(f, " {}", Literal::String(t.clone()))?
                        }
                        crate::ast::ParsePart::Wildcard => f.write_str(" *")?,
                        crate::ast::ParsePart::Column { name, ty } => {
                            write!(f, " {name}")?;
                            if let Some(ty) = ty {
                                write!(f, ":{ty}")?;
                            }
                        }
                    }
                }
                Ok(())
            }
            Operator::MvExpand {
                params: expand_params,
                columns,
                item_index,
                limit,
                ..
            } => {
                f.write_str("mv-expand")?;
                params(f, expand_params)?;
                if let Some(index) = item_index {
                    write!(f, " with_itemindex={index}")?;
                }
                f.write_char(' ')?;
                comma_list(f, columns)?;
                if let Some(limit) = limit {
                    write!(f, " limit {limit}")?;
                }
                Ok(())
            }
            Operator::Serialize { columns, .. } => {
                f.write_str("serialize")?;
                if !columns.is_empty() {
                    f.write_char(' ')?;
                    comma_list(f, columns)?;
                }
                Ok(())
            }
            Operator::As { name, .. } => write!(f, "as {name}"),
            Operator::Getschema { .. } => f.write_str("getschema"),
            Operator::Render {
                kind, properties, ..
            } => {
                write!(f, "render {kind}")?;
                if !properties.is_empty() {
                    f.write_str(" with (")?;
                    let properties: Vec<RenderProperty<'_>> =
                        properties.iter().map(RenderProperty).collect();
                    comma_list(f, &properties)?;
                    f.write_char(')')?;
                }
                Ok(())
            }
            Operator::Scan {
                match_id,
                declare,
                steps,
                ..
            } => {
                f.write_str("scan")?;
                if let Some(m) = match_id {
                    write!(f, " with_match_id={m}")?;
                }
                if !declare.is_empty() {
                    f.write_str(" declare (")?;
                    comma_list(f, declare)?;
                    f.write_char(')')?;
                }
                f.write_str(" with (")?;
                for s in steps {
                    write!(f, " step {}", s.name)?;
                    if let Some(o) = &s.output {
                        write!(f, " output={o}")?;
                    }
                    write!(f, ": {}", s.condition)?;
                    for (i, (c, e)) in s.assignments.iter().enumerate() {
                        f.write_str(if i == 0 { " => " } else { ", " })?;
                        write!(f, "{c} = {e}")?;
                    }
                    f.write_char(';')?;
                }
                f.write_str(" )")
            }
            Operator::Partition {
                params: ps,
                by,
                subquery,
                ..
            } => {
                f.write_str("partition")?;
                params(f, ps)?;
                write!(f, " by {by} (")?;
                for (i, op) in subquery.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" | ")?;
                    }
                    write!(f, "{op}")?;
                }
                f.write_char(')')
            }
            Operator::Invoke { function, args, .. } => {
                write!(f, "invoke {function}(")?;
                comma_list(f, args)?;
                f.write_char(')')
            }
            Operator::Facet { columns, with, .. } => {
                f.write_str("facet by ")?;
                comma_list(f, columns)?;
                if !with.is_empty() {
                    f.write_str(" with (")?;
                    for (i, op) in with.iter().enumerate() {
                        if i > 0 {
                            f.write_str(" | ")?;
                        }
                        write!(f, "{op}")?;
                    }
                    f.write_char(')')?;
                }
                Ok(())
            }
            // The arguments of unmodeled operators are not kept.
            Operator::Unsupported { name, .. } => f.write_str(name),
        }
    }
}

/// `ycolumns=a, b`: a column list is stored as a `__list` call.
struct RenderProperty<'a>(&'a OperatorParam);

impl Display for RenderProperty<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}=", self.0.name)?;
        match &self.0.value.kind {
            ExprKind::Call { name, args } if name.name == LIST_CALL && args.len() > 1 => {
                comma_list(f, args)
            }
            _ => self.0.value.fmt(f),
        }
    }
}
