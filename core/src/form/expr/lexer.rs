//! Tokens of the expression language: numbers, strings, names, `$parameters`
//! and operators, each with the column (counted in characters, from 1) where
//! it starts.

use super::{ExprError, ExprErrorKind};

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    Num(f64),
    Str(String),
    Name(String),
    Param(String),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Plus,
    Minus,
    Star,
    Slash,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    pub col: usize,
}

/// Longest accepted source text; a questionnaire rule is a line, not a program.
pub(crate) const MAX_SOURCE_CHARS: usize = 4096;

pub(crate) fn tokenize(src: &str) -> Result<Vec<Token>, ExprError> {
    let chars: Vec<char> = src.chars().collect();
    if chars.len() > MAX_SOURCE_CHARS {
        return Err(ExprError::new(ExprErrorKind::TooLong, 1));
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let col = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let two = |next: char| chars.get(i + 1) == Some(&next);
        let (tok, len) = match c {
            '(' => (Tok::LParen, 1),
            ')' => (Tok::RParen, 1),
            '[' => (Tok::LBracket, 1),
            ']' => (Tok::RBracket, 1),
            ',' => (Tok::Comma, 1),
            '+' => (Tok::Plus, 1),
            '-' => (Tok::Minus, 1),
            '*' => (Tok::Star, 1),
            '/' => (Tok::Slash, 1),
            '=' if two('=') => (Tok::Eq, 2),
            '!' if two('=') => (Tok::Ne, 2),
            '<' if two('=') => (Tok::Le, 2),
            '>' if two('=') => (Tok::Ge, 2),
            '<' => (Tok::Lt, 1),
            '>' => (Tok::Gt, 1),
            '"' => {
                let end = chars[i + 1..]
                    .iter()
                    .position(|&ch| ch == '"')
                    .ok_or(ExprError::new(ExprErrorKind::UnterminatedString, col))?;
                let text: String = chars[i + 1..i + 1 + end].iter().collect();
                (Tok::Str(text), end + 2)
            }
            '0'..='9' => {
                let len = chars[i..]
                    .iter()
                    .position(|ch| !(ch.is_ascii_digit() || *ch == '.'))
                    .unwrap_or(chars.len() - i);
                let text: String = chars[i..i + len].iter().collect();
                let n: f64 = text.parse().map_err(|_| ExprError::new(ExprErrorKind::BadNumber, col))?;
                (Tok::Num(n), len)
            }
            '$' => {
                let len = name_len(&chars[i + 1..]);
                if len == 0 {
                    return Err(ExprError::new(ExprErrorKind::UnexpectedChar, col));
                }
                let text: String = chars[i + 1..i + 1 + len].iter().collect();
                (Tok::Param(text), len + 1)
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let len = name_len(&chars[i..]);
                let text: String = chars[i..i + len].iter().collect();
                (Tok::Name(text), len)
            }
            _ => return Err(ExprError::new(ExprErrorKind::UnexpectedChar, col)),
        };
        out.push(Token { tok, col });
        i += len;
    }
    Ok(out)
}

/// A name is letters, digits and `_`, with `.` joining parts (`house.walls`).
fn name_len(chars: &[char]) -> usize {
    let mut len = 0;
    while let Some(&c) = chars.get(len) {
        let part = c.is_ascii_alphanumeric() || c == '_';
        let joint = c == '.' && chars.get(len + 1).is_some_and(|n| n.is_ascii_alphabetic());
        if !(part || (joint && len > 0)) {
            break;
        }
        len += 1;
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> Vec<Tok> {
        tokenize(src).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn dotted_names_and_operators() {
        assert_eq!(
            toks(r#"house.walls == "durable""#),
            vec![Tok::Name("house.walls".into()), Tok::Eq, Tok::Str("durable".into())]
        );
        assert_eq!(toks("$min>=1.5"), vec![Tok::Param("min".into()), Tok::Ge, Tok::Num(1.5)]);
    }

    #[test]
    fn errors_carry_the_column() {
        let err = tokenize("a == \"open").unwrap_err();
        assert_eq!((err.kind, err.column), (ExprErrorKind::UnterminatedString, 6));
        let err = tokenize("a # b").unwrap_err();
        assert_eq!((err.kind, err.column), (ExprErrorKind::UnexpectedChar, 3));
        assert_eq!(tokenize("1.2.3").unwrap_err().kind, ExprErrorKind::BadNumber);
    }
}
