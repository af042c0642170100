//! Hex text, the one place it is read and written: const-hex (the Alloy
//! project's hex crate, which revm and alloy-primitives use) does the work;
//! this module adds what users see on a mistake, the position of the first
//! character that is not a hex digit.
//!
//! ```
//! use ewasm_host::hex;
//! assert_eq!(hex::encode(&[0xca, 0xfe]), "cafe");
//! assert_eq!(hex::decode("0xca fe\n"), Ok(vec![0xca, 0xfe]));
//! let error = hex::decode("0x12z4").expect_err("z is not a hex digit");
//! assert_eq!(error.to_string(), "`0x12z4`: character 5 (`z`) is not a hex digit");
//! ```

use std::borrow::Cow;
use std::fmt;

/// Lower-case hex of `bytes`, without a prefix.
pub fn encode(bytes: &[u8]) -> String {
    const_hex::encode(bytes)
}

/// Texts longer than this are not repeated in an error message.
const SHOWN_TEXT_MAX: usize = 80;

/// Why hex text is not valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HexError {
    /// A character that is not a hex digit.
    NotADigit {
        /// Its byte offset in the text.
        offset: usize,
        /// Its position in the text, in characters, counting from 1.
        position: usize,
        /// The character.
        found: char,
        /// The whole text, kept for the message when it is short (80
        /// bytes at most).
        text: Option<String>,
    },
    /// An odd number of digits, which cannot be whole bytes.
    OddLength {
        /// How many digits there are.
        digits: usize,
    },
}

impl fmt::Display for HexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HexError::NotADigit {
                position,
                found,
                text,
                ..
            } => {
                if let Some(text) = text {
                    write!(f, "`{}`: ", text.escape_debug())?;
                }
                write!(
                    f,
                    "character {position} (`{}`) is not a hex digit",
                    found.escape_default()
                )
            }
            HexError::OddLength { digits } => write!(
                f,
                "{digits} hex digits: an odd number (each byte takes two)"
            ),
        }
    }
}

impl std::error::Error for HexError {}

/// Bytes from hex digits, with or without `0x` (or `0X`); ASCII whitespace
/// (line breaks in a file, spaces between bytes) is skipped, before the
/// prefix too. Only the digits `0-9`, `a-f` and `A-F` count: no sign.
///
/// # Errors
///
/// [`HexError::NotADigit`] for the first character that is neither a hex
/// digit nor whitespace (its position counted in `text` as given), else
/// [`HexError::OddLength`] when the digits are odd in number.
pub fn decode(text: &str) -> Result<Vec<u8>, HexError> {
    let trimmed = text.trim_start();
    let mut start = text.len() - trimmed.len();
    if trimmed.starts_with("0x") || trimmed.starts_with("0X") {
        start += 2;
    }
    let body = &text[start..];
    let digits: Cow<'_, str> = if body.bytes().any(|b| b.is_ascii_whitespace()) {
        Cow::Owned(body.split_ascii_whitespace().collect())
    } else {
        Cow::Borrowed(body)
    };
    if !const_hex::check_raw(digits.as_bytes()) {
        return Err(not_a_digit(text, start, true));
    }
    // Every byte of `digits` is a hex digit (checked above), so const-hex
    // finds no prefix to strip (`x` is not a digit) and no bad character:
    // an odd length is the one error left.
    const_hex::decode(digits.as_bytes()).map_err(|_| HexError::OddLength {
        digits: digits.len(),
    })
}

/// Checks that `text` from byte `from` on holds only hex digits, as a hex
/// number's digits do (any count, no whitespace); `from` is where the
/// digits start, after a prefix the caller accepts.
///
/// # Errors
///
/// [`HexError::NotADigit`] for the first character from `from` on that is
/// not a hex digit, its position counted in the whole `text`.
pub fn check_digits(text: &str, from: usize) -> Result<(), HexError> {
    match text.get(from..) {
        Some(digits) if const_hex::check_raw(digits) => Ok(()),
        _ => Err(not_a_digit(text, from, false)),
    }
}

/// The error for the first character of `text` from byte `from` on that is
/// not a hex digit (nor, if `skip_whitespace`, ASCII whitespace). The
/// callers found one; if there is none, the error names the end of the
/// text.
fn not_a_digit(text: &str, from: usize, skip_whitespace: bool) -> HexError {
    let bad = text
        .char_indices()
        .skip_while(|&(i, _)| i < from)
        .find(|&(_, c)| !(c.is_ascii_hexdigit() || skip_whitespace && c.is_ascii_whitespace()));
    let (offset, found) = bad.unwrap_or((text.len(), '\0'));
    HexError::NotADigit {
        offset,
        position: text[..offset].chars().count() + 1,
        found,
        text: (text.len() <= SHOWN_TEXT_MAX).then(|| text.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_decodes_with_or_without_a_prefix_and_skips_whitespace() {
        assert_eq!(decode("0x00ff"), Ok(vec![0, 0xff]));
        assert_eq!(decode("0X00FF"), Ok(vec![0, 0xff]));
        assert_eq!(decode("00Ff"), Ok(vec![0, 0xff]));
        assert_eq!(
            decode(" \n0xca fe\nba\tbe\n"),
            Ok(vec![0xca, 0xfe, 0xba, 0xbe])
        );
        assert_eq!(decode(""), Ok(vec![]));
        assert_eq!(decode("0x"), Ok(vec![]));
    }

    #[test]
    fn a_bad_character_is_named_with_its_position_in_the_text() {
        let error = decode("0x12z4").expect_err("z");
        assert_eq!(
            error,
            HexError::NotADigit {
                offset: 4,
                position: 5,
                found: 'z',
                text: Some("0x12z4".to_string()),
            }
        );
        assert_eq!(
            error.to_string(),
            "`0x12z4`: character 5 (`z`) is not a hex digit"
        );
        // A bad character wins over an odd count, and positions count
        // characters, not bytes.
        let error = decode("é0x").expect_err("é");
        assert_eq!(
            error.to_string(),
            "`é0x`: character 1 (`\\u{e9}`) is not a hex digit"
        );
        let error = decode("0xé1z").expect_err("é");
        assert!(
            matches!(
                error,
                HexError::NotADigit {
                    offset: 2,
                    position: 3,
                    ..
                }
            ),
            "{error:?}"
        );
        // A long text is not repeated.
        let long = format!("{}g", "00".repeat(50));
        assert_eq!(
            decode(&long).expect_err("g").to_string(),
            "character 101 (`g`) is not a hex digit"
        );
    }

    #[test]
    fn signs_and_second_prefixes_are_not_digits() {
        assert!(decode("0x+f").is_err());
        assert!(decode("+f").is_err());
        assert!(decode("-f").is_err());
        let error = decode("0x0x12").expect_err("a second prefix");
        assert!(
            matches!(
                error,
                HexError::NotADigit {
                    position: 4,
                    found: 'x',
                    ..
                }
            ),
            "{error:?}"
        );
    }

    #[test]
    fn an_odd_number_of_digits_is_refused_with_the_count() {
        let error = decode("0x123").expect_err("odd");
        assert_eq!(error, HexError::OddLength { digits: 3 });
        assert_eq!(
            error.to_string(),
            "3 hex digits: an odd number (each byte takes two)"
        );
        assert_eq!(decode("1 2 3"), Err(HexError::OddLength { digits: 3 }));
    }

    #[test]
    fn digits_of_a_number_may_be_odd_but_not_spaced() {
        assert_eq!(check_digits("0x123", 2), Ok(()));
        assert_eq!(check_digits("0x", 2), Ok(()));
        let error = check_digits("0x1g", 2).expect_err("g");
        assert_eq!(
            error.to_string(),
            "`0x1g`: character 4 (`g`) is not a hex digit"
        );
        let error = check_digits("0x1 2", 2).expect_err("a space");
        assert!(
            matches!(
                error,
                HexError::NotADigit {
                    position: 4,
                    found: ' ',
                    ..
                }
            ),
            "{error:?}"
        );
    }

    #[test]
    fn encoding_is_lower_case_without_a_prefix() {
        assert_eq!(encode(&[0xab, 0x01, 0xff]), "ab01ff");
        assert_eq!(encode(b""), "");
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(decode(&encode(&bytes)), Ok(bytes));
    }
}
