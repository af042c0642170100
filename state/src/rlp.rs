//! Recursive Length Prefix encoding: byte strings and lists.

/// The encoding of a byte string.
pub fn bytes(data: &[u8]) -> Vec<u8> {
    if data.len() == 1 && data[0] < 0x80 {
        return vec![data[0]];
    }
    let mut out = header(0x80, data.len());
    out.extend_from_slice(data);
    out
}

/// The encoding of an unsigned integer: its big-endian bytes without
/// leading zeros (zero is the empty string).
pub fn uint(be: &[u8]) -> Vec<u8> {
    let first = be.iter().position(|b| *b != 0).unwrap_or(be.len());
    bytes(&be[first..])
}

/// The encoding of a list whose items are already encoded.
pub fn list(items: &[Vec<u8>]) -> Vec<u8> {
    let len = items.iter().map(Vec::len).sum();
    let mut out = header(0xc0, len);
    for item in items {
        out.extend_from_slice(item);
    }
    out
}

fn header(base: u8, len: usize) -> Vec<u8> {
    if len < 56 {
        return vec![base + len as u8];
    }
    let be = (len as u64).to_be_bytes();
    let first = be.iter().position(|b| *b != 0).unwrap_or(7);
    let mut out = vec![base + 55 + (8 - first) as u8];
    out.extend_from_slice(&be[first..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_the_examples_of_the_yellow_paper() {
        assert_eq!(bytes(b"dog"), [0x83, b'd', b'o', b'g']);
        assert_eq!(bytes(b""), [0x80]);
        assert_eq!(bytes(&[0x0f]), [0x0f]);
        assert_eq!(uint(&[0, 0]), [0x80]);
        assert_eq!(uint(&[0x04, 0x00]), [0x82, 0x04, 0x00]);
        assert_eq!(
            list(&[bytes(b"cat"), bytes(b"dog")]),
            [0xc8, 0x83, b'c', b'a', b't', 0x83, b'd', b'o', b'g']
        );
        assert_eq!(list(&[]), [0xc0]);
        let long = bytes(&[b'a'; 56]);
        assert_eq!(&long[..2], &[0xb8, 56]);
    }
}
