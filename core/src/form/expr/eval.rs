//! Evaluation of a resolved expression over answers. Total: every input gives
//! a value, `null` standing for "not decided by these answers".

use super::Scope;
use super::parser::BinOp;
use super::resolve::{Agg, Lit, Op};
use crate::form::value::{PartialDate, Row, Value, age_on};

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum V<'a> {
    Null,
    Bool(bool),
    Num(f64),
    Str(&'a str),
    Strs(&'a [String]),
    List(&'a [Lit]),
    Date(PartialDate),
    /// An answer that is present but not comparable (GPS, photo).
    Opaque,
}

pub(crate) struct Ctx<'a> {
    scope: Scope<'a>,
    row: Option<&'a Row>,
}

impl<'a> Ctx<'a> {
    pub fn new(scope: Scope<'a>) -> Ctx<'a> {
        let row = scope.row.and_then(|i| scope.answers.members.get(i));
        Ctx { scope, row }
    }

    fn at_row(&self, row: &'a Row) -> Ctx<'a> {
        Ctx { scope: self.scope, row: Some(row) }
    }
}

fn value(v: Option<&Value>) -> V<'_> {
    match v {
        None => V::Null,
        Some(Value::Bool(b)) => V::Bool(*b),
        Some(Value::Int(i)) => V::Num(*i as f64),
        Some(Value::Decimal(x)) => V::Num(x.to_f64()),
        Some(Value::Text(s) | Value::Choice(s)) => V::Str(s),
        Some(Value::Choices(c)) => V::Strs(c),
        Some(Value::Date(d)) => V::Date(*d),
        Some(Value::Gps(_) | Value::Photo(_)) => V::Opaque,
    }
}

fn lit(l: &Lit) -> V<'_> {
    match l {
        Lit::Num(n) => V::Num(*n),
        Lit::Str(s) => V::Str(s),
        Lit::Bool(b) => V::Bool(*b),
    }
}

fn num(x: f64) -> V<'static> {
    if x.is_finite() { V::Num(x) } else { V::Null }
}

pub(crate) fn eval<'a>(op: &'a Op, ctx: &Ctx<'a>) -> V<'a> {
    match op {
        Op::Lit(l) => lit(l),
        Op::List(items) => V::List(items),
        Op::Household(id) => value(ctx.scope.answers.household.get(id)),
        Op::Member(id) => value(ctx.row.and_then(|r| r.values.get(id))),
        Op::Not(x) => match eval(x, ctx) {
            V::Bool(b) => V::Bool(!b),
            _ => V::Null,
        },
        Op::Neg(x) => match eval(x, ctx) {
            V::Num(n) => num(-n),
            _ => V::Null,
        },
        // Three-valued logic; the right side is skipped when the left decides.
        Op::Binary(BinOp::And, l, r) => match eval(l, ctx) {
            V::Bool(false) => V::Bool(false),
            left => match (left, eval(r, ctx)) {
                (_, V::Bool(false)) => V::Bool(false),
                (V::Bool(true), V::Bool(true)) => V::Bool(true),
                _ => V::Null,
            },
        },
        Op::Binary(BinOp::Or, l, r) => match eval(l, ctx) {
            V::Bool(true) => V::Bool(true),
            left => match (left, eval(r, ctx)) {
                (_, V::Bool(true)) => V::Bool(true),
                (V::Bool(false), V::Bool(false)) => V::Bool(false),
                _ => V::Null,
            },
        },
        Op::Binary(op, l, r) => binary(*op, eval(l, ctx), eval(r, ctx)),
        Op::Age(x) => {
            let birth = match eval(x, ctx) {
                V::Date(d) => d.to_date(),
                V::Num(y) if y.fract() == 0.0 && y.abs() < 10_000.0 => {
                    PartialDate { year: y as i32, month: None, day: None }.to_date()
                }
                _ => None,
            };
            birth.map_or(V::Null, |b| V::Num(age_on(b, ctx.scope.reference_date) as f64))
        }
        Op::Year(x) => match eval(x, ctx) {
            V::Date(d) => V::Num(f64::from(d.year)),
            _ => V::Null,
        },
        Op::Size(x) => match eval(x, ctx) {
            V::Strs(c) => V::Num(c.len() as f64),
            _ => V::Null,
        },
        Op::Answered(x) => V::Bool(eval(x, ctx) != V::Null),
        Op::If(c, a, b) => match eval(c, ctx) {
            V::Bool(true) => eval(a, ctx),
            V::Bool(false) => eval(b, ctx),
            _ => V::Null,
        },
        Op::Rows(agg, body) => rows(*agg, body.as_deref(), ctx),
    }
}

/// `any(members, p)` with the rows where `p` holds; `None` for other rules.
pub(crate) fn test_with_rows(op: &Op, ctx: &Ctx<'_>) -> Option<(Option<bool>, Vec<usize>)> {
    let Op::Rows(Agg::Any, Some(body)) = op else { return None };
    let (mut rows, mut undecided) = (Vec::new(), false);
    for (i, row) in ctx.scope.answers.members.iter().enumerate() {
        match eval(body, &ctx.at_row(row)) {
            V::Bool(true) => rows.push(i),
            V::Bool(false) => {}
            _ => undecided = true,
        }
    }
    let verdict = if !rows.is_empty() {
        Some(true)
    } else if undecided {
        None
    } else {
        Some(false)
    };
    Some((verdict, rows))
}

fn rows<'a>(agg: Agg, body: Option<&'a Op>, ctx: &Ctx<'a>) -> V<'a> {
    let members = &ctx.scope.answers.members;
    let Some(body) = body else { return V::Num(members.len() as f64) };
    let results = members.iter().map(|row| eval(body, &ctx.at_row(row)));
    match agg {
        Agg::Count => V::Num(results.filter(|v| *v == V::Bool(true)).count() as f64),
        Agg::Sum => num(results.map(|v| if let V::Num(n) = v { n } else { 0.0 }).sum()),
        Agg::Any | Agg::All => {
            let decisive = agg == Agg::Any;
            let mut undecided = false;
            for v in results {
                match v {
                    V::Bool(b) if b == decisive => return V::Bool(decisive),
                    V::Bool(_) => {}
                    _ => undecided = true,
                }
            }
            if undecided { V::Null } else { V::Bool(!decisive) }
        }
    }
}

fn binary<'a>(op: BinOp, l: V<'a>, r: V<'a>) -> V<'a> {
    use std::cmp::Ordering;
    if op == BinOp::In {
        return match (l, r) {
            (V::Null, _) | (_, V::Null) => V::Null,
            (item, V::List(items)) => V::Bool(items.iter().any(|i| lit(i) == item)),
            (V::Str(s), V::Strs(chosen)) => V::Bool(chosen.iter().any(|c| c == s)),
            _ => V::Null,
        };
    }
    if let (V::Num(a), V::Num(b)) = (l, r) {
        match op {
            BinOp::Add => return num(a + b),
            BinOp::Sub => return num(a - b),
            BinOp::Mul => return num(a * b),
            BinOp::Div => return if b == 0.0 { V::Null } else { num(a / b) },
            _ => {}
        }
    }
    let ord: Option<Ordering> = match (l, r) {
        (V::Num(a), V::Num(b)) => a.partial_cmp(&b),
        (V::Str(a), V::Str(b)) => Some(a.cmp(b)),
        (V::Bool(a), V::Bool(b)) if matches!(op, BinOp::Eq | BinOp::Ne) => Some(a.cmp(&b)),
        (V::Date(a), V::Date(b)) => a.to_date().zip(b.to_date()).map(|(a, b)| a.cmp(&b)),
        _ => None,
    };
    let Some(ord) = ord else { return V::Null };
    V::Bool(match op {
        BinOp::Eq => ord == Ordering::Equal,
        BinOp::Ne => ord != Ordering::Equal,
        BinOp::Lt => ord == Ordering::Less,
        BinOp::Le => ord != Ordering::Greater,
        BinOp::Gt => ord == Ordering::Greater,
        BinOp::Ge => ord != Ordering::Less,
        _ => return V::Null,
    })
}
