//! Static types of expressions, checked at load after names resolve: a rule
//! that compares a choice with a number, adds a boolean, or asks the `size` of
//! a single choice is refused before any household is interviewed.

use super::parser::{BinOp, Node, NodeKind};
use super::resolve::{FieldKind, Schema};
use super::{ExprError, ExprErrorKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ty {
    Bool,
    Num,
    Str,
    Date,
    /// A multiple-choice answer.
    Choices,
    StrList,
    NumList,
    EmptyList,
    /// Present but not comparable (GPS, photo).
    Opaque,
}

fn mismatch(col: usize) -> ExprError {
    ExprError::new(ExprErrorKind::TypeMismatch, col)
}

/// The type of `node`; names must already have resolved. It walks the tree
/// with calculations inlined, as `resolve` did, so the bounds `resolve`
/// enforced on that walk bound this one too.
pub(crate) fn check(node: &Node, schema: &dyn Schema) -> Result<Ty, ExprError> {
    let col = node.col;
    let want = |got: Ty, want: Ty| if got == want { Ok(()) } else { Err(mismatch(col)) };
    Ok(match &node.kind {
        NodeKind::Num(_) | NodeKind::Param(_) => Ty::Num,
        NodeKind::Str(_) => Ty::Str,
        NodeKind::Bool(_) => Ty::Bool,
        NodeKind::List(items) => match items.first().map(|n| &n.kind) {
            None => Ty::EmptyList,
            Some(NodeKind::Num(_)) => Ty::NumList,
            Some(_) => Ty::StrList,
        },
        NodeKind::Name(id) => name(id, schema, col)?,
        NodeKind::Not(n) => {
            want(check(n, schema)?, Ty::Bool)?;
            Ty::Bool
        }
        NodeKind::Neg(n) => {
            want(check(n, schema)?, Ty::Num)?;
            Ty::Num
        }
        NodeKind::Binary(op, l, r) => binary(*op, check(l, schema)?, check(r, schema)?, col)?,
        NodeKind::Call(f, args) => call(f, args, schema, col)?,
    })
}

fn name(id: &str, schema: &dyn Schema, col: usize) -> Result<Ty, ExprError> {
    let info = schema.field(id).ok_or(ExprError::new(ExprErrorKind::UnknownQuestion, col))?;
    if let Some(src) = info.calculation {
        let at_name = |e: ExprError| ExprError::new(e.kind, col);
        let node = super::parser::parse(&super::lexer::tokenize(src).map_err(at_name)?).map_err(at_name)?;
        return check(&node, schema).map_err(at_name);
    }
    Ok(match info.kind {
        FieldKind::Choice(_) | FieldKind::Text => Ty::Str,
        FieldKind::Choices(_) => Ty::Choices,
        FieldKind::Bool => Ty::Bool,
        FieldKind::Num => Ty::Num,
        FieldKind::Date => Ty::Date,
        FieldKind::Opaque => Ty::Opaque,
    })
}

fn binary(op: BinOp, l: Ty, r: Ty, col: usize) -> Result<Ty, ExprError> {
    let ok = match op {
        BinOp::And | BinOp::Or => l == Ty::Bool && r == Ty::Bool,
        BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
            return if l == Ty::Num && r == Ty::Num { Ok(Ty::Num) } else { Err(mismatch(col)) };
        }
        BinOp::Eq | BinOp::Ne => l == r && matches!(l, Ty::Num | Ty::Str | Ty::Bool | Ty::Date),
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => l == r && matches!(l, Ty::Num | Ty::Str | Ty::Date),
        BinOp::In => matches!(
            (l, r),
            (Ty::Str, Ty::StrList | Ty::EmptyList | Ty::Choices) | (Ty::Num, Ty::NumList | Ty::EmptyList)
        ),
    };
    if ok { Ok(Ty::Bool) } else { Err(mismatch(col)) }
}

fn call(f: &str, args: &[Node], schema: &dyn Schema, col: usize) -> Result<Ty, ExprError> {
    // Aggregates: the first argument names the roster and has no type.
    let body = || args.get(1).map_or(Err(mismatch(col)), |a| check(a, schema));
    let expect = |cond: bool, ty: Ty| if cond { Ok(ty) } else { Err(mismatch(col)) };
    match f {
        "count" if args.len() == 1 => Ok(Ty::Num),
        "count" => expect(body()? == Ty::Bool, Ty::Num),
        "sum" => expect(body()? == Ty::Num, Ty::Num),
        "any" | "all" => expect(body()? == Ty::Bool, Ty::Bool),
        _ => {
            let tys = args.iter().map(|a| check(a, schema)).collect::<Result<Vec<_>, _>>()?;
            match (f, tys.as_slice()) {
                ("age", [Ty::Date | Ty::Num]) | ("year", [Ty::Date]) | ("size", [Ty::Choices]) => Ok(Ty::Num),
                ("answered", [_]) => Ok(Ty::Bool),
                ("if", [Ty::Bool, a, b]) if a == b => Ok(*a),
                _ => Err(mismatch(col)),
            }
        }
    }
}
