//! The `--gas` flag's values.

/// Parses a `--gas` value: a whole number of gas from 0 to `i64::MAX`
/// (EVMC's gas type), never negative.
pub(crate) fn parse(text: &str) -> Result<i64, String> {
    let gas: u64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a whole number of gas (0 or more)"))?;
    i64::try_from(gas).map_err(|_| format!("{gas} is more gas than {} allowed", i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn gas_is_a_whole_number_from_zero_to_i64_max() {
        assert_eq!(parse("0"), Ok(0));
        assert_eq!(parse("10000000"), Ok(10_000_000));
        assert_eq!(parse(&i64::MAX.to_string()), Ok(i64::MAX));
        for bad in ["-1", "-0x1", "1.5", "", "9223372036854775808", "ten"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
