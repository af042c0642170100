//! A message's call data: shared, or borrowed for one execution.

use std::fmt;
use std::ops::Deref;

use bytes::Bytes;

/// The call data of a [`Message`](crate::Message).
///
/// Shared data (from a transaction, a nested call, a test) clones for a
/// reference count. Borrowed data is the caller's own buffer, lent for
/// the execution: an EVMC host's `input_data` lives as long as its
/// `execute` call, so the VM runs on it without copying it (or
/// allocating) per call.
///
/// It reads as a byte slice; two call data are equal when their bytes
/// are, however each is held.
#[derive(Clone)]
pub enum CallData<'a> {
    /// Shared bytes: a clone costs a reference count.
    Shared(Bytes),
    /// Bytes the caller lends for as long as the message lives.
    Borrowed(&'a [u8]),
}

impl CallData<'_> {
    /// The bytes as shared bytes: a reference count for shared data, a
    /// copy of borrowed data.
    pub fn to_bytes(&self) -> Bytes {
        match self {
            Self::Shared(bytes) => bytes.clone(),
            Self::Borrowed(slice) => Bytes::copy_from_slice(slice),
        }
    }

    /// The same bytes, owned: borrowed data is copied.
    pub fn into_owned(self) -> CallData<'static> {
        match self {
            Self::Shared(bytes) => CallData::Shared(bytes),
            Self::Borrowed(slice) => CallData::Shared(Bytes::copy_from_slice(slice)),
        }
    }
}

impl Default for CallData<'_> {
    fn default() -> Self {
        Self::Shared(Bytes::new())
    }
}

impl Deref for CallData<'_> {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Self::Shared(bytes) => bytes,
            Self::Borrowed(slice) => slice,
        }
    }
}

impl AsRef<[u8]> for CallData<'_> {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl PartialEq for CallData<'_> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for CallData<'_> {}

impl fmt::Debug for CallData<'_> {
    /// As `Bytes` shows itself: `b"..."`, with bytes outside printable
    /// ASCII escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "b\"{}\"", self.escape_ascii())
    }
}

impl From<Bytes> for CallData<'_> {
    fn from(bytes: Bytes) -> Self {
        Self::Shared(bytes)
    }
}

impl From<Vec<u8>> for CallData<'_> {
    fn from(bytes: Vec<u8>) -> Self {
        Self::Shared(bytes.into())
    }
}

impl<'a> From<&'a [u8]> for CallData<'a> {
    fn from(slice: &'a [u8]) -> Self {
        Self::Borrowed(slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borrowed_and_shared_data_of_the_same_bytes_are_equal_and_read_alike() {
        let owned = vec![1u8, 2, 3, b'a'];
        let borrowed = CallData::from(&owned[..]);
        let shared = CallData::from(Bytes::from(owned.clone()));
        assert_eq!(borrowed, shared);
        assert_eq!(&*borrowed, &[1, 2, 3, b'a']);
        assert_eq!(borrowed.to_bytes(), shared.to_bytes());
        assert_eq!(
            format!("{borrowed:?}"),
            format!("{:?}", Bytes::from(owned.clone()))
        );
        assert_ne!(borrowed, CallData::default());
    }

    #[test]
    fn owned_data_outlives_the_buffer_it_was_borrowed_from() {
        let owned = {
            let buffer = [7u8; 40];
            CallData::from(&buffer[..]).into_owned()
        };
        assert!(matches!(owned, CallData::Shared(_)));
        assert_eq!(&*owned, &[7u8; 40][..]);
    }
}
