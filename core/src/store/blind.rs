//! Blind indexes: keyed hashes that let the store find a household by name
//! or ID number without keeping either in clear.
//!
//! A token is HMAC-SHA256 over the normalised value, under a key derived from
//! the data key for one table and column, truncated to 16 bytes. Tokens leak
//! equality (two households whose members share a normalised name share a
//! token) and nothing else: without the data key they cannot be computed, so
//! a stolen file cannot be searched with a dictionary of names.

use ring::hmac;

use super::seal::SecretKey;
use crate::error::Result;

/// Bytes kept of each HMAC.
pub const TOKEN_LEN: usize = 16;
/// A blind-index token.
pub type Token = [u8; TOKEN_LEN];

/// Folds a value for equality search: Vietnamese diacritics removed
/// (`đ` → `d`), case folded, whitespace collapsed and trimmed. Precomposed
/// and decomposed (combining-mark) input fold alike.
pub fn normalise(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut pending_space = false;
    for c in value.chars().flat_map(char::to_lowercase) {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if ('\u{0300}'..='\u{036f}').contains(&c) {
            continue; // a combining mark: dropped with its accent
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(fold(c));
    }
    out
}

/// The base letter of a lower-case Vietnamese letter, or the letter itself.
fn fold(c: char) -> char {
    const GROUPS: [(char, &str); 7] = [
        ('a', "àáảãạăằắẳẵặâầấẩẫậ"),
        ('e', "èéẻẽẹêềếểễệ"),
        ('i', "ìíỉĩị"),
        ('o', "òóỏõọôồốổỗộơờớởỡợ"),
        ('u', "ùúủũụưừứửữự"),
        ('y', "ỳýỷỹỵ"),
        ('d', "đ"),
    ];
    if c.is_ascii() {
        return c;
    }
    GROUPS.iter().find(|(_, g)| g.contains(c)).map_or(c, |(base, _)| *base)
}

/// Computes tokens for one table and column.
pub struct BlindIndex {
    key: hmac::Key,
}

impl BlindIndex {
    /// The index for `table.column`, keyed from the data key.
    pub fn new(data_key: &SecretKey, table: &str, column: &str) -> Result<Self> {
        let sub = data_key.derive(&[b"blind-index", table.as_bytes(), b".", column.as_bytes()])?;
        Ok(BlindIndex { key: hmac::Key::new(hmac::HMAC_SHA256, sub.expose()) })
    }

    /// The token of a value, or `None` when it normalises to nothing.
    pub fn token(&self, value: &str) -> Option<Token> {
        let n = normalise(value);
        if n.is_empty() {
            return None;
        }
        let tag = hmac::sign(&self.key, n.as_bytes());
        let mut t = [0u8; TOKEN_LEN];
        t.copy_from_slice(&tag.as_ref()[..TOKEN_LEN]);
        Some(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_folds_vietnamese_diacritics_case_and_spaces() {
        assert_eq!(normalise("  Nguyễn   Văn A "), "nguyen van a");
        assert_eq!(normalise("ĐẶNG THỊ HỒNG"), "dang thi hong");
        assert_eq!(normalise("Vùi Văn Sình"), "vui van sinh");
        assert_eq!(normalise("Lò Thị Ỷ"), "lo thi y");
    }

    #[test]
    fn normalise_treats_decomposed_input_like_precomposed() {
        // "Nguyễn" typed as e + circumflex + tilde combining marks.
        assert_eq!(normalise("Nguye\u{0302}\u{0303}n"), normalise("Nguyễn"));
    }

    #[test]
    fn tokens_match_on_folded_equality_only() {
        let key = SecretKey::random().unwrap();
        let ix = BlindIndex::new(&key, "households", "name").unwrap();
        assert_eq!(ix.token("nguyen van a"), ix.token("Nguyễn Văn A"));
        assert_ne!(ix.token("Nguyen Van An"), ix.token("Nguyễn Văn A"));
        assert_eq!(ix.token("   "), None);
    }

    #[test]
    fn tokens_differ_across_columns_and_keys() {
        let key = SecretKey::random().unwrap();
        let name = BlindIndex::new(&key, "households", "name").unwrap();
        let id = BlindIndex::new(&key, "households", "national_id").unwrap();
        assert_ne!(name.token("001"), id.token("001"));
        let other = BlindIndex::new(&SecretKey::random().unwrap(), "households", "name").unwrap();
        assert_ne!(name.token("a"), other.token("a"));
    }
}
