//! Checks a syntax tree against a questionnaire and turns it into the
//! evaluable form: names become household or roster fields, `$parameters`
//! become numbers, calculated questions are inlined, and choice literals are
//! checked against the question's choices.

use std::collections::BTreeMap;

use super::parser::{BinOp, Node, NodeKind};
use super::{ExprError, ExprErrorKind as K};
use crate::form::model::Choice;

/// What the resolver needs to know about a question.
#[derive(Debug, Clone, Copy)]
pub(crate) enum FieldKind<'s> {
    Choice(&'s [Choice]),
    Choices(&'s [Choice]),
    Text,
    Bool,
    Num,
    Date,
    /// GPS and photos: answered or not, never compared.
    Opaque,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct FieldInfo<'s> {
    pub in_roster: bool,
    pub kind: FieldKind<'s>,
    /// The calculation's source, for a calculated question.
    pub calculation: Option<&'s str>,
}

/// The names an expression may use: a questionnaire.
pub(crate) trait Schema {
    /// Looks `id` up. Ids are unique across the household and the roster.
    fn field(&self, id: &str) -> Option<FieldInfo<'_>>;
    fn roster_id(&self) -> Option<&str>;
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Lit {
    Num(f64),
    Str(String),
    Bool(bool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Agg {
    Count,
    Sum,
    Any,
    All,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Op {
    Lit(Lit),
    List(Vec<Lit>),
    Household(String),
    Member(String),
    Not(Box<Op>),
    Neg(Box<Op>),
    Binary(BinOp, Box<Op>, Box<Op>),
    Age(Box<Op>),
    Year(Box<Op>),
    Size(Box<Op>),
    Answered(Box<Op>),
    If(Box<Op>, Box<Op>, Box<Op>),
    Rows(Agg, Option<Box<Op>>),
}

/// Most syntax-tree nodes an expression may stand for once the calculations
/// it names are inlined. A calculation can name another twice, so without a
/// bound a short questionnaire could inline to exponentially many nodes.
pub(crate) const MAX_INLINED_NODES: usize = 10_000;
/// Deepest nesting once calculations are inlined; evaluation and the type
/// check recurse this deep.
pub(crate) const MAX_INLINED_HEIGHT: usize = 2 * super::parser::MAX_HEIGHT;

pub(crate) struct Resolver<'a> {
    schema: &'a dyn Schema,
    params: &'a BTreeMap<String, f64>,
    inlining: Vec<String>,
    in_aggregate: bool,
    /// Nodes resolved so far, and the current nesting, calculations included.
    nodes: usize,
    depth: usize,
}

impl<'a> Resolver<'a> {
    pub fn new(schema: &'a dyn Schema, params: &'a BTreeMap<String, f64>) -> Resolver<'a> {
        Resolver { schema, params, inlining: Vec::new(), in_aggregate: false, nodes: 0, depth: 0 }
    }

    pub fn resolve(&mut self, node: &Node, in_roster: bool) -> Result<Op, ExprError> {
        self.nodes += 1;
        if self.nodes > MAX_INLINED_NODES {
            return Err(ExprError::new(K::TooLong, node.col));
        }
        if self.depth >= MAX_INLINED_HEIGHT {
            return Err(ExprError::new(K::TooDeep, node.col));
        }
        self.depth += 1;
        let op = self.resolve_node(node, in_roster);
        self.depth -= 1;
        op
    }

    fn resolve_node(&mut self, node: &Node, in_roster: bool) -> Result<Op, ExprError> {
        let col = node.col;
        let err = |kind| ExprError::new(kind, col);
        Ok(match &node.kind {
            NodeKind::Num(n) => Op::Lit(Lit::Num(*n)),
            NodeKind::Str(s) => Op::Lit(Lit::Str(s.clone())),
            NodeKind::Bool(b) => Op::Lit(Lit::Bool(*b)),
            NodeKind::Param(p) => Op::Lit(Lit::Num(*self.params.get(p).ok_or(err(K::UnknownParameter))?)),
            NodeKind::List(items) => Op::List(list(items)?),
            NodeKind::Name(id) => self.name(id, in_roster, col)?,
            NodeKind::Not(n) => Op::Not(Box::new(self.resolve(n, in_roster)?)),
            NodeKind::Neg(n) => Op::Neg(Box::new(self.resolve(n, in_roster)?)),
            NodeKind::Binary(op, l, r) => {
                self.check_choices(*op, l, r)?;
                let (l, r) = (self.resolve(l, in_roster)?, self.resolve(r, in_roster)?);
                Op::Binary(*op, Box::new(l), Box::new(r))
            }
            NodeKind::Call(name, args) => self.call(name, args, in_roster, col)?,
        })
    }

    fn name(&mut self, id: &str, in_roster: bool, col: usize) -> Result<Op, ExprError> {
        let info = self.schema.field(id).ok_or(ExprError::new(K::UnknownQuestion, col))?;
        if info.in_roster && !in_roster {
            return Err(ExprError::new(K::RosterFieldOutsideAggregate, col));
        }
        if let Some(src) = info.calculation {
            if self.inlining.iter().any(|seen| seen == id) {
                return Err(ExprError::new(K::CyclicCalculation, col));
            }
            // Errors inside a calculation are reported against that question
            // when the questionnaire loads; here they point at the name.
            let at_name = |e: ExprError| ExprError::new(e.kind, col);
            let node =
                super::parser::parse(&super::lexer::tokenize(src).map_err(at_name)?).map_err(at_name)?;
            self.inlining.push(id.to_owned());
            let op = self.resolve(&node, info.in_roster).map_err(at_name);
            self.inlining.pop();
            return op;
        }
        Ok(if info.in_roster { Op::Member(id.to_owned()) } else { Op::Household(id.to_owned()) })
    }

    fn call(&mut self, name: &str, args: &[Node], in_roster: bool, col: usize) -> Result<Op, ExprError> {
        let arity = |n: usize| if args.len() == n { Ok(()) } else { Err(ExprError::new(K::WrongArity, col)) };
        let one = |r: &mut Self| -> Result<Box<Op>, ExprError> {
            arity(1)?;
            Ok(Box::new(r.resolve(&args[0], in_roster)?))
        };
        Ok(match name {
            "age" => Op::Age(one(self)?),
            "year" => Op::Year(one(self)?),
            "size" => Op::Size(one(self)?),
            "answered" => Op::Answered(one(self)?),
            "if" => {
                arity(3)?;
                let mut ops = args.iter().map(|a| self.resolve(a, in_roster).map(Box::new));
                let (Some(c), Some(a), Some(b)) = (ops.next(), ops.next(), ops.next()) else {
                    return Err(ExprError::new(K::WrongArity, col));
                };
                Op::If(c?, a?, b?)
            }
            "count" | "sum" | "any" | "all" => {
                let agg = match name {
                    "count" => Agg::Count,
                    "sum" => Agg::Sum,
                    "any" => Agg::Any,
                    _ => Agg::All,
                };
                let (roster, body) = match (agg, args) {
                    (Agg::Count, [roster]) => (roster, None),
                    (_, [roster, body]) => (roster, Some(body)),
                    _ => return Err(ExprError::new(K::WrongArity, col)),
                };
                let is_roster =
                    matches!(&roster.kind, NodeKind::Name(n) if Some(n.as_str()) == self.schema.roster_id());
                if !is_roster {
                    return Err(ExprError::new(K::NotARoster, roster.col));
                }
                if self.in_aggregate {
                    return Err(ExprError::new(K::NestedAggregate, col));
                }
                self.in_aggregate = true;
                let body = body.map(|b| self.resolve(b, true).map(Box::new)).transpose();
                self.in_aggregate = false;
                let body = body?;
                Op::Rows(agg, body)
            }
            _ => return Err(ExprError::new(K::UnknownFunction, col)),
        })
    }

    /// `q == "x"`, `q in ["x", "y"]` and `"x" in q` must name real choices of `q`.
    fn check_choices(&self, op: BinOp, l: &Node, r: &Node) -> Result<(), ExprError> {
        let choices_of = |n: &Node| match &n.kind {
            NodeKind::Name(id) => match self.schema.field(id).map(|f| f.kind) {
                Some(FieldKind::Choice(c) | FieldKind::Choices(c)) => Some(c),
                _ => None,
            },
            _ => None,
        };
        let check = |choices: &[Choice], lit: &Node| match &lit.kind {
            NodeKind::Str(s) if !choices.iter().any(|c| &c.value == s) => {
                Err(ExprError::new(K::UnknownChoice, lit.col))
            }
            _ => Ok(()),
        };
        match op {
            BinOp::Eq | BinOp::Ne => {
                if let Some(c) = choices_of(l) {
                    check(c, r)?;
                }
                if let Some(c) = choices_of(r) {
                    check(c, l)?;
                }
            }
            BinOp::In => {
                if let (Some(c), NodeKind::List(items)) = (choices_of(l), &r.kind) {
                    items.iter().try_for_each(|item| check(c, item))?;
                }
                if let Some(c) = choices_of(r) {
                    check(c, l)?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}

fn list(items: &[Node]) -> Result<Vec<Lit>, ExprError> {
    let lits = items
        .iter()
        .map(|n| match &n.kind {
            NodeKind::Num(x) => Ok(Lit::Num(*x)),
            NodeKind::Str(s) => Ok(Lit::Str(s.clone())),
            _ => Err(ExprError::new(K::BadList, n.col)),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mixed = lits.windows(2).any(|w| std::mem::discriminant(&w[0]) != std::mem::discriminant(&w[1]));
    if mixed {
        return Err(ExprError::new(K::BadList, items.first().map_or(1, |n| n.col)));
    }
    Ok(lits)
}
