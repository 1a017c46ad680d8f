//! A small RFC 4180 reader: comma-separated fields, optional double quotes,
//! `""` for a quote inside quotes, CRLF or LF line ends, a UTF-8 BOM ignored.

use super::UnitsError;

/// Rows of fields; blank lines are skipped. `line` in errors is 1-based.
pub fn parse(text: &str) -> Result<Vec<(usize, Vec<String>)>, UnitsError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut row_line = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => {
                if c == '\n' {
                    line += 1;
                }
                field.push(c);
            }
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => fields.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                fields.push(std::mem::take(&mut field));
                if !(fields.len() == 1 && fields[0].is_empty()) {
                    rows.push((row_line, std::mem::take(&mut fields)));
                }
                fields.clear();
                line += 1;
                row_line = line;
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err(UnitsError::Csv { line: row_line, problem: "unterminated quote" });
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        rows.push((row_line, fields));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_quotes_escapes_crlf_and_bom() {
        let rows = parse("\u{feff}a,\"b,c\",\"d\"\"e\"\r\n\nx,y,z").unwrap();
        assert_eq!(rows[0], (1, vec!["a".into(), "b,c".into(), "d\"e".into()]));
        assert_eq!(rows[1], (3, vec!["x".into(), "y".into(), "z".into()]));
    }

    #[test]
    fn unterminated_quote_is_an_error_naming_the_line() {
        assert!(matches!(parse("a,b\n\"c,d\n"), Err(UnitsError::Csv { line: 2, .. })));
    }
}
