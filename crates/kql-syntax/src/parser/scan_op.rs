//! `scan` (declared columns and the steps of its state machine),
//! `partition` (a subquery run per value of a column) and `facet` (a count
//! table per column, with an optional filter pipe).

use super::{PResult, Parser, RESERVED_NAMES};
use crate::ast::{Expr, ExprKind, Ident, Operator, ScanStep};

impl<'a> Parser<'a> {
    pub(super) fn scan(&mut self, start: usize) -> PResult<Operator> {
        let match_id = match self.eat_kw("with_match_id") {
            Some(_) => {
                self.expect("=")?;
                Some(self.ident("column name")?)
            }
            None => None,
        };
        let declare = match self.eat_kw("declare") {
            Some(_) => {
                self.expect("(")?;
                let decls = self.param_decls()?;
                self.expect(")")?;
                for d in &decls {
                    self.check_scan_name(&d.name)?;
                }
                decls
            }
            None => Vec::new(),
        };
        self.expect_kw("with")?;
        self.expect("(")?;
        let mut steps = Vec::new();
        while !self.at(")") {
            steps.push(self.scan_step()?);
        }
        if steps.is_empty() {
            return Err(self.unexpected(&["'step'"]));
        }
        self.expect(")")?;
        Ok(Operator::Scan {
            match_id,
            declare,
            steps,
            span: self.span_from(start),
        })
    }

    pub(super) fn partition(&mut self, start: usize) -> PResult<Operator> {
        let params = self.operator_params(&[])?;
        self.expect_kw("by")?;
        // A column name: `k (…)` would otherwise read as a call.
        let column = self.ident("column name")?;
        let by = Expr {
            span: column.span,
            kind: ExprKind::Ident(column),
        };
        self.expect("(")?;
        let mut subquery = vec![self.nested(Self::operator)?];
        while self.eat("|").is_some() {
            subquery.push(self.nested(Self::operator)?);
        }
        self.expect(")")?;
        Ok(Operator::Partition {
            params,
            by,
            subquery,
            span: self.span_from(start),
        })
    }

    /// `facet by A, B [with (operators)]`
    pub(super) fn facet(&mut self, start: usize) -> PResult<Operator> {
        self.expect_kw("by")?;
        let mut columns = vec![self.ident("column name")?];
        while self.eat(",").is_some() {
            columns.push(self.ident("column name")?);
        }
        let mut with = Vec::new();
        if self.eat_kw("with").is_some() {
            self.expect("(")?;
            with.push(self.nested(Self::operator)?);
            while self.eat("|").is_some() {
                with.push(self.nested(Self::operator)?);
            }
            self.expect(")")?;
        }
        Ok(Operator::Facet {
            columns,
            with,
            span: self.span_from(start),
        })
    }

    fn scan_step(&mut self) -> PResult<ScanStep> {
        let start = self.expect_kw("step")?.start;
        let name = self.ident("step name")?;
        let output = match self.eat_kw("output") {
            Some(_) => {
                self.expect("=")?;
                Some(self.ident("all, last or none")?)
            }
            None => None,
        };
        self.expect(":")?;
        let condition = self.expr()?;
        let mut assignments = Vec::new();
        if self.eat("=>").is_some() {
            loop {
                let column = self.ident("column name")?;
                self.check_scan_name(&column)?;
                self.expect("=")?;
                assignments.push((column, self.expr()?));
                if self.eat(",").is_none() {
                    break;
                }
            }
        }
        self.expect(";")?;
        Ok(ScanStep {
            name,
            output,
            condition,
            assignments,
            span: self.span_from(start),
        })
    }

    /// Kusto refuses its keywords (`last`, `first`, …) as unquoted names here too.
    fn check_scan_name(&self, name: &Ident) -> PResult<()> {
        let quoted = self
            .text
            .get(name.span.start..name.span.end)
            .is_some_and(|t| t.starts_with('['));
        if !quoted && RESERVED_NAMES.contains(&name.name.as_str()) {
            return Err(Self::error(
                name.span,
                format!(
                    "'{}' is a keyword; write ['{}'] to use it as a column name",
                    name.name, name.name
                ),
                &[],
            ));
        }
        Ok(())
    }
}
