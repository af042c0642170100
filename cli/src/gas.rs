//! Numbers and hex on the command line: `--gas`, `--value`, the context
//! flags and `--input`. Numbers are decimal or `0x` hex and never
//! negative; a hex error names the position of the bad character (clap
//! names the flag).

use ewasm_host::hex::{self, HexError};
use ewasm_host::{Address, U256};

/// Parses a whole number, decimal or `0x` hex, refusing negatives.
fn number(text: &str) -> Result<U256, String> {
    if text.starts_with("--") {
        return Err(format!("`{text}` is a flag, not a number"));
    }
    if text.starts_with('-') {
        return Err(format!("`{text}` is negative; give 0 or more"));
    }
    if let Some(digits) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        // The text and the character as given, like the decimal case
        // below (the byte decoder's message escapes them).
        match hex::check_digits(text, 2) {
            Ok(()) => {}
            Err(HexError::NotADigit {
                position, found, ..
            }) => {
                return Err(format!(
                    "`{text}`: character {position} (`{found}`) is not a hex digit"
                ))
            }
            Err(e) => return Err(e.to_string()),
        }
        if digits.is_empty() {
            return Err(format!("`{text}` has no digits after `0x`"));
        }
        return U256::from_str_radix(digits, 16)
            .map_err(|_| format!("`{text}` is more than 256 bits"));
    }
    if let Some((i, c)) = text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        return Err(format!(
            "`{text}`: character {} (`{c}`) is not a decimal digit (use `0x` for hex)",
            i + 1
        ));
    }
    if text.is_empty() {
        return Err("an empty number".to_string());
    }
    U256::from_dec_str(text).map_err(|_| format!("`{text}` is more than 256 bits"))
}

/// A whole number from 0 to `i64::MAX` (EVMC's gas type and block
/// fields), decimal or `0x` hex: `--gas`, `--number`, `--timestamp`,
/// `--gas-limit`.
pub(crate) fn parse_i64(text: &str) -> Result<i64, String> {
    let n = number(text)?;
    if n > U256::from(i64::MAX as u64) {
        return Err(format!("{n} is more than {} allowed", i64::MAX));
    }
    Ok(n.low_u64() as i64)
}

/// A 256-bit value (`--value`, `--gas-price`, `--difficulty`,
/// `--chain-id`), decimal or `0x` hex.
pub(crate) fn parse_u256(text: &str) -> Result<U256, String> {
    number(text)
}

/// A 20-byte address: 40 hex digits, with or without `0x`.
pub(crate) fn parse_address(text: &str) -> Result<Address, String> {
    let bytes = hex::decode(text).map_err(|e| e.to_string())?;
    let len = bytes.len();
    let bytes: [u8; 20] = bytes.try_into().map_err(|_| {
        let unit = if len == 1 { "byte" } else { "bytes" };
        format!("`{text}` is {len} {unit}; an address is 20 (40 hex digits)")
    })?;
    Ok(Address(bytes))
}

/// The call data of `--input`: hex, `@FILE` (hex in a file) or `-` (hex on
/// standard input).
///
/// # Errors
///
/// A file or standard input that cannot be read is an input error; hex
/// that is not valid, a usage error (from a file, naming the line and
/// column of the bad character).
pub(crate) fn input(text: &str) -> Result<Vec<u8>, crate::exit::Error> {
    use crate::exit::Error;
    let (from, digits) = if text == "-" {
        let mut digits = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut digits)
            .map_err(|e| Error::input(format!("--input -: standard input: {e}")))?;
        ("standard input".to_string(), digits)
    } else if let Some(path) = text.strip_prefix('@') {
        let digits = std::fs::read_to_string(path)
            .map_err(|e| Error::input(format!("--input @{path}: {e}")))?;
        (path.to_string(), digits)
    } else {
        return hex::decode(text).map_err(|e| Error::usage(format!("--input: {e}")));
    };
    hex::decode(&digits).map_err(|e| match e {
        HexError::NotADigit { offset, found, .. } => {
            let before = &digits[..offset];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            Error::usage(format!(
                "--input: {from}:{line}:{column}: `{}` is not a hex digit",
                found.escape_default()
            ))
        }
        HexError::OddLength { .. } => Error::usage(format!("--input (from {from}): {e}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gas_is_a_whole_number_from_zero_to_i64_max() {
        assert_eq!(parse_i64("0"), Ok(0));
        assert_eq!(parse_i64("10000000"), Ok(10_000_000));
        assert_eq!(parse_i64("0x10"), Ok(16));
        assert_eq!(parse_i64(&i64::MAX.to_string()), Ok(i64::MAX));
        for bad in [
            "-1",
            "-0x1",
            "1.5",
            "",
            "9223372036854775808",
            "ten",
            "0x",
            "0xg",
        ] {
            assert!(parse_i64(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn hex_errors_name_the_position_of_the_bad_character() {
        assert_eq!(hex::decode("0x00ff"), Ok(vec![0, 0xff]));
        assert_eq!(hex::decode("00 ff\n"), Ok(vec![0, 0xff]));
        let error = hex::decode("0x12z4").expect_err("z").to_string();
        assert!(error.contains("character 5 (`z`)"), "{error}");
        let error = hex::decode("0x123").expect_err("odd").to_string();
        assert!(error.contains("odd"), "{error}");
        let error = parse_u256("0x1g").expect_err("g");
        assert!(error.contains("character 4 (`g`)"), "{error}");
        let error = parse_u256("0x1'").expect_err("a quote");
        assert!(error.contains("`0x1'`: character 4 (`'`)"), "{error}");
        let error = parse_u256("12a").expect_err("a");
        assert!(error.contains("character 3 (`a`)"), "{error}");
    }

    #[test]
    fn values_are_decimal_or_hex_and_never_negative() {
        assert_eq!(parse_u256("255"), Ok(U256::from(255)));
        assert_eq!(parse_u256("0xff"), Ok(U256::from(255)));
        assert!(parse_u256("-1").expect_err("negative").contains("negative"));
        assert_eq!(parse_i64("0x10"), Ok(16));
        assert!(parse_i64("9223372036854775808").is_err());
        assert!(parse_address("0x01").is_err());
        assert_eq!(parse_address(&"ab".repeat(20)), Ok(Address([0xab; 20])));
    }
}
