//! Recursive-descent parser from tokens to a syntax tree. It knows grammar
//! only; names are checked against a questionnaire later, in `resolve`.
//!
//! ```text
//! or    := and ("or" and)*
//! and   := not ("and" not)*
//! not   := "not" not | cmp
//! cmp   := sum (("=="|"!="|"<"|"<="|">"|">="|"in") sum)?
//! sum   := term (("+"|"-") term)*
//! term  := unary (("*"|"/") unary)*
//! unary := "-" unary | atom
//! atom  := number | string | "true" | "false" | name | $param
//!        | name "(" (or ("," or)*)? ")" | "(" or ")" | "[" (atom ("," atom)*)? "]"
//! ```

use super::lexer::{Tok, Token};
use super::{ExprError, ExprErrorKind};

/// Deepest bracket nesting accepted, so hostile input cannot exhaust the stack.
pub(crate) const MAX_DEPTH: usize = 48;
/// Tallest syntax tree accepted; every later pass recurses at most this deep.
pub(crate) const MAX_HEIGHT: usize = 96;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum NodeKind {
    Num(f64),
    Str(String),
    Bool(bool),
    Name(String),
    Param(String),
    List(Vec<Node>),
    Not(Box<Node>),
    Neg(Box<Node>),
    Binary(BinOp, Box<Node>, Box<Node>),
    Call(String, Vec<Node>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub kind: NodeKind,
    pub col: usize,
    height: usize,
}

impl Node {
    fn new(kind: NodeKind, col: usize) -> Result<Node, ExprError> {
        let children = match &kind {
            NodeKind::List(items) | NodeKind::Call(_, items) => items.iter().map(|n| n.height).max(),
            NodeKind::Not(n) | NodeKind::Neg(n) => Some(n.height),
            NodeKind::Binary(_, l, r) => Some(l.height.max(r.height)),
            _ => None,
        };
        let height = children.unwrap_or(0) + 1;
        if height > MAX_HEIGHT {
            return Err(ExprError::new(ExprErrorKind::TooDeep, col));
        }
        Ok(Node { kind, col, height })
    }
}

pub(crate) fn parse(tokens: &[Token]) -> Result<Node, ExprError> {
    let mut p = Parser { tokens, pos: 0, depth: 0 };
    let node = p.or()?;
    match p.peek() {
        None => Ok(node),
        Some(t) => Err(ExprError::new(ExprErrorKind::UnexpectedToken, t.col)),
    }
}

struct Parser<'t> {
    tokens: &'t [Token],
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn end_col(&self) -> usize {
        self.tokens.last().map_or(1, |t| t.col + 1)
    }

    fn next(&mut self) -> Result<Token, ExprError> {
        let t = self
            .tokens
            .get(self.pos)
            .cloned()
            .ok_or(ExprError::new(ExprErrorKind::UnexpectedEnd, self.end_col()))?;
        self.pos += 1;
        Ok(t)
    }

    fn eat(&mut self, tok: &Tok) -> bool {
        if self.peek().is_some_and(|t| &t.tok == tok) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_word(&mut self, word: &str) -> Option<usize> {
        match self.peek() {
            Some(Token { tok: Tok::Name(n), col }) if n == word => {
                let col = *col;
                self.pos += 1;
                Some(col)
            }
            _ => None,
        }
    }

    fn expect(&mut self, tok: &Tok) -> Result<(), ExprError> {
        let t = self.next()?;
        if &t.tok == tok { Ok(()) } else { Err(ExprError::new(ExprErrorKind::UnexpectedToken, t.col)) }
    }

    fn enter(&mut self) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let col = self.peek().map_or(self.end_col(), |t| t.col);
            return Err(ExprError::new(ExprErrorKind::TooDeep, col));
        }
        Ok(())
    }

    fn binary(op: BinOp, lhs: Node, rhs: Node, col: usize) -> Result<Node, ExprError> {
        Node::new(NodeKind::Binary(op, Box::new(lhs), Box::new(rhs)), col)
    }

    fn or(&mut self) -> Result<Node, ExprError> {
        self.enter()?;
        let mut lhs = self.and()?;
        while let Some(col) = self.eat_word("or") {
            let rhs = self.and()?;
            lhs = Self::binary(BinOp::Or, lhs, rhs, col)?;
        }
        self.depth -= 1;
        Ok(lhs)
    }

    fn and(&mut self) -> Result<Node, ExprError> {
        let mut lhs = self.not()?;
        while let Some(col) = self.eat_word("and") {
            let rhs = self.not()?;
            lhs = Self::binary(BinOp::And, lhs, rhs, col)?;
        }
        Ok(lhs)
    }

    fn not(&mut self) -> Result<Node, ExprError> {
        if let Some(col) = self.eat_word("not") {
            self.enter()?;
            let inner = self.not()?;
            self.depth -= 1;
            return Node::new(NodeKind::Not(Box::new(inner)), col);
        }
        self.cmp()
    }

    fn cmp(&mut self) -> Result<Node, ExprError> {
        let lhs = self.sum()?;
        let op = match self.peek() {
            Some(Token { tok: Tok::Eq, .. }) => BinOp::Eq,
            Some(Token { tok: Tok::Ne, .. }) => BinOp::Ne,
            Some(Token { tok: Tok::Lt, .. }) => BinOp::Lt,
            Some(Token { tok: Tok::Le, .. }) => BinOp::Le,
            Some(Token { tok: Tok::Gt, .. }) => BinOp::Gt,
            Some(Token { tok: Tok::Ge, .. }) => BinOp::Ge,
            Some(Token { tok: Tok::Name(n), .. }) if n == "in" => BinOp::In,
            _ => return Ok(lhs),
        };
        let col = self.next()?.col;
        let rhs = self.sum()?;
        Self::binary(op, lhs, rhs, col)
    }

    fn sum(&mut self) -> Result<Node, ExprError> {
        let mut lhs = self.term()?;
        loop {
            let op = match self.peek() {
                Some(Token { tok: Tok::Plus, .. }) => BinOp::Add,
                Some(Token { tok: Tok::Minus, .. }) => BinOp::Sub,
                _ => return Ok(lhs),
            };
            let col = self.next()?.col;
            let rhs = self.term()?;
            lhs = Self::binary(op, lhs, rhs, col)?;
        }
    }

    fn term(&mut self) -> Result<Node, ExprError> {
        let mut lhs = self.unary()?;
        loop {
            let op = match self.peek() {
                Some(Token { tok: Tok::Star, .. }) => BinOp::Mul,
                Some(Token { tok: Tok::Slash, .. }) => BinOp::Div,
                _ => return Ok(lhs),
            };
            let col = self.next()?.col;
            let rhs = self.unary()?;
            lhs = Self::binary(op, lhs, rhs, col)?;
        }
    }

    fn unary(&mut self) -> Result<Node, ExprError> {
        if self.peek().is_some_and(|t| t.tok == Tok::Minus) {
            let col = self.next()?.col;
            self.enter()?;
            let inner = self.unary()?;
            self.depth -= 1;
            return Node::new(NodeKind::Neg(Box::new(inner)), col);
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Node, ExprError> {
        let Token { tok, col } = self.next()?;
        let kind = match tok {
            Tok::Num(n) => NodeKind::Num(n),
            Tok::Str(s) => NodeKind::Str(s),
            Tok::Param(p) => NodeKind::Param(p),
            Tok::Name(n) if n == "true" => NodeKind::Bool(true),
            Tok::Name(n) if n == "false" => NodeKind::Bool(false),
            Tok::Name(n) if matches!(n.as_str(), "and" | "or" | "not" | "in") => {
                return Err(ExprError::new(ExprErrorKind::UnexpectedToken, col));
            }
            Tok::Name(n) if self.eat(&Tok::LParen) => NodeKind::Call(n, self.args()?),
            Tok::Name(n) => NodeKind::Name(n),
            Tok::LParen => {
                let inner = self.or()?;
                self.expect(&Tok::RParen)?;
                return Ok(inner);
            }
            Tok::LBracket => {
                self.enter()?;
                let items = self.list()?;
                self.depth -= 1;
                NodeKind::List(items)
            }
            _ => return Err(ExprError::new(ExprErrorKind::UnexpectedToken, col)),
        };
        Node::new(kind, col)
    }

    fn args(&mut self) -> Result<Vec<Node>, ExprError> {
        let mut args = Vec::new();
        if self.eat(&Tok::RParen) {
            return Ok(args);
        }
        loop {
            args.push(self.or()?);
            if self.eat(&Tok::RParen) {
                return Ok(args);
            }
            self.expect(&Tok::Comma)?;
        }
    }

    fn list(&mut self) -> Result<Vec<Node>, ExprError> {
        let mut items = Vec::new();
        if self.eat(&Tok::RBracket) {
            return Ok(items);
        }
        loop {
            items.push(self.unary()?);
            if self.eat(&Tok::RBracket) {
                return Ok(items);
            }
            self.expect(&Tok::Comma)?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::lexer::tokenize;
    use super::*;

    fn p(src: &str) -> Result<Node, ExprError> {
        parse(&tokenize(src)?)
    }

    #[test]
    fn and_binds_tighter_than_or() {
        let node = p("a or b and c").unwrap();
        let NodeKind::Binary(BinOp::Or, _, rhs) = node.kind else { panic!("not an or") };
        assert!(matches!(rhs.kind, NodeKind::Binary(BinOp::And, _, _)));
    }

    #[test]
    fn calls_and_lists() {
        let node = p(r#"count(members, x in ["a", "b"]) * 2 > count(members)"#).unwrap();
        assert!(matches!(node.kind, NodeKind::Binary(BinOp::Gt, _, _)));
    }

    #[test]
    fn errors_point_at_the_column() {
        assert_eq!(p("a ==").unwrap_err().kind, ExprErrorKind::UnexpectedEnd);
        let err = p("a b").unwrap_err();
        assert_eq!((err.kind, err.column), (ExprErrorKind::UnexpectedToken, 3));
        assert_eq!(p("(a").unwrap_err().kind, ExprErrorKind::UnexpectedEnd);
        assert_eq!(p("a and or b").unwrap_err().column, 7);
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let deep = "(".repeat(2000) + "1" + &")".repeat(2000);
        assert_eq!(p(&deep).unwrap_err().kind, ExprErrorKind::TooDeep);
        let nots = "not ".repeat(1000) + "a";
        assert_eq!(p(&nots).unwrap_err().kind, ExprErrorKind::TooDeep);
        let negs = "-".repeat(1000) + "1";
        assert_eq!(p(&negs).unwrap_err().kind, ExprErrorKind::TooDeep);
        let lists = "[".repeat(1000);
        assert_eq!(p(&lists).unwrap_err().kind, ExprErrorKind::TooDeep);
        let chain = vec!["1"; 500].join(" + ");
        assert_eq!(p(&chain).unwrap_err().kind, ExprErrorKind::TooDeep);
    }
}
