//! The root hash of a Merkle-Patricia trie, computed from its sorted
//! contents in one pass.

use crate::keccak;
use crate::rlp;

/// The root of the empty trie: keccak-256 of the RLP empty string.
pub fn empty_root() -> [u8; 32] {
    keccak(&rlp::bytes(&[]))
}

/// The root of a trie holding `items` (unique keys).
pub fn root(mut items: Vec<(Vec<u8>, Vec<u8>)>) -> [u8; 32] {
    if items.is_empty() {
        return empty_root();
    }
    items.sort();
    let nibbled: Vec<(Vec<u8>, Vec<u8>)> = items
        .into_iter()
        .map(|(key, value)| (nibbles(&key), value))
        .collect();
    keccak(&node(&nibbled, 0))
}

fn nibbles(key: &[u8]) -> Vec<u8> {
    key.iter().flat_map(|b| [b >> 4, b & 0x0f]).collect()
}

/// Hex-prefix encoding of a nibble path.
fn hex_prefix(path: &[u8], leaf: bool) -> Vec<u8> {
    let flag = if leaf { 2 } else { 0 };
    let mut out = Vec::with_capacity(path.len() / 2 + 1);
    let rest = if path.len() % 2 == 1 {
        out.push(((flag + 1) << 4) | path[0]);
        &path[1..]
    } else {
        out.push(flag << 4);
        path
    };
    for pair in rest.chunks(2) {
        out.push((pair[0] << 4) | pair[1]);
    }
    out
}

/// How a node is referenced from its parent: inline when short, else by
/// hash.
fn reference(encoded: Vec<u8>) -> Vec<u8> {
    if encoded.len() < 32 {
        encoded
    } else {
        rlp::bytes(&keccak(&encoded))
    }
}

/// The RLP of the node for `items` (sorted, sharing the first `depth`
/// nibbles).
fn node(items: &[(Vec<u8>, Vec<u8>)], depth: usize) -> Vec<u8> {
    if let [(key, value)] = items {
        return rlp::list(&[
            rlp::bytes(&hex_prefix(&key[depth..], true)),
            rlp::bytes(value),
        ]);
    }
    let first = &items[0].0;
    let last = &items[items.len() - 1].0;
    let common = first[depth..]
        .iter()
        .zip(&last[depth..])
        .take_while(|(a, b)| a == b)
        .count();
    if common > 0 {
        let child = reference(node(items, depth + common));
        return rlp::list(&[
            rlp::bytes(&hex_prefix(&first[depth..depth + common], false)),
            child,
        ]);
    }
    let mut slots = Vec::with_capacity(17);
    // A key that ends here sorts first; its value takes the 17th slot.
    let (mut start, value) = if first.len() == depth {
        (1, rlp::bytes(&items[0].1))
    } else {
        (0, rlp::bytes(&[]))
    };
    for nibble in 0..16u8 {
        let end = start
            + items[start..]
                .iter()
                .take_while(|(k, _)| k[depth] == nibble)
                .count();
        slots.push(if end > start {
            reference(node(&items[start..end], depth + 1))
        } else {
            rlp::bytes(&[])
        });
        start = end;
    }
    slots.push(value);
    rlp::list(&slots)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn the_empty_trie_has_the_well_known_root() {
        assert_eq!(
            empty_root().to_vec(),
            hex("56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421")
        );
    }

    #[test]
    fn a_small_trie_matches_the_ethereum_test_vector() {
        // ethereum/tests TrieTests/trieanyorder.json, "dogs".
        let items = vec![
            (b"doe".to_vec(), b"reindeer".to_vec()),
            (b"dog".to_vec(), b"puppy".to_vec()),
            (b"dogglesworth".to_vec(), b"cat".to_vec()),
        ];
        // "dog" is a prefix of "dogglesworth": a branch holds a value.
        assert_eq!(
            root(items).to_vec(),
            hex("8aad789dff2f538bca5d8ea56e8abe10f4c7ba3a5dea95fea4cd6e7c3a1168d3")
        );
    }
}
