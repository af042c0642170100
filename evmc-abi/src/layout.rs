//! The layouts of EVMC's structs as the C headers give them, written down
//! as numbers, and the check of the Rust types against them.
//!
//! [`ABI12`] and [`ABI9`] are `sizeof`, `_Alignof` and the `offsetof` of
//! every field, printed by a C program compiled (gcc 12.2, x86-64 Linux)
//! against `include/evmc/evmc.h` of EVMC 12.1.0 and of EVMC 9.0.0: no
//! number in them comes from the Rust types, so a mistake that the VM and
//! the client would share (both are built from [`crate::types`]) shows as
//! a difference from the header. The numbers are the LP64 ones (every
//! 64-bit Unix target EVMC builds for); the tests run on 64-bit targets
//! only.
//!
//! [`RUST`] is the same table read off the Rust types (`size_of`,
//! `align_of`, `offset_of!`), and [`check`] lists every difference
//! between two tables.
//!
//! ```
//! use evmc_abi::layout::{check, HEADER, RUST};
//! # #[cfg(target_pointer_width = "64")]
//! assert_eq!(check(HEADER, RUST), Ok(()));
//! ```

use std::mem::{align_of, offset_of, size_of};

use crate::types::*;

/// The layout of one C struct: its name in the header, its size and
/// alignment, and each field's name and byte offset, in declaration order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StructLayout<'a> {
    /// The struct's name, as in the header (`evmc_message`).
    pub name: &'a str,
    /// `sizeof`.
    pub size: usize,
    /// `_Alignof`.
    pub align: usize,
    /// `offsetof` of each field, in declaration order.
    pub fields: &'a [(&'a str, usize)],
}

impl StructLayout<'_> {
    /// The offset of the field named `field`, if the struct has it.
    pub fn offset(&self, field: &str) -> Option<usize> {
        self.fields
            .iter()
            .find(|(name, _)| *name == field)
            .map(|&(_, offset)| offset)
    }
}

/// EVMC 12.1.0 (ABI 12): the numbers of `offsetof`/`sizeof`/`_Alignof`
/// against its `evmc/evmc.h`.
pub const ABI12: &[StructLayout<'static>] = &[
    StructLayout {
        name: "evmc_bytes32",
        size: 32,
        align: 1,
        fields: &[("bytes", 0)],
    },
    StructLayout {
        name: "evmc_address",
        size: 20,
        align: 1,
        fields: &[("bytes", 0)],
    },
    StructLayout {
        name: "evmc_message",
        size: 184,
        align: 8,
        fields: &[
            ("kind", 0),
            ("flags", 4),
            ("depth", 8),
            ("gas", 16),
            ("recipient", 24),
            ("sender", 44),
            ("input_data", 64),
            ("input_size", 72),
            ("value", 80),
            ("create2_salt", 112),
            ("code_address", 144),
            ("code", 168),
            ("code_size", 176),
        ],
    },
    StructLayout {
        name: "evmc_tx_initcode",
        size: 48,
        align: 8,
        fields: &[("hash", 0), ("code", 32), ("code_size", 40)],
    },
    StructLayout {
        name: "evmc_tx_context",
        size: 256,
        align: 8,
        fields: &[
            ("tx_gas_price", 0),
            ("tx_origin", 32),
            ("block_coinbase", 52),
            ("block_number", 72),
            ("block_timestamp", 80),
            ("block_gas_limit", 88),
            ("block_prev_randao", 96),
            ("chain_id", 128),
            ("block_base_fee", 160),
            ("blob_base_fee", 192),
            ("blob_hashes", 224),
            ("blob_hashes_count", 232),
            ("initcodes", 240),
            ("initcodes_count", 248),
        ],
    },
    StructLayout {
        name: "evmc_result",
        size: 72,
        align: 8,
        fields: &[
            ("status_code", 0),
            ("gas_left", 8),
            ("gas_refund", 16),
            ("output_data", 24),
            ("output_size", 32),
            ("release", 40),
            ("create_address", 48),
            ("padding", 68),
        ],
    },
    StructLayout {
        name: "evmc_host_interface",
        size: 128,
        align: 8,
        fields: &[
            ("account_exists", 0),
            ("get_storage", 8),
            ("set_storage", 16),
            ("get_balance", 24),
            ("get_code_size", 32),
            ("get_code_hash", 40),
            ("copy_code", 48),
            ("selfdestruct", 56),
            ("call", 64),
            ("get_tx_context", 72),
            ("get_block_hash", 80),
            ("emit_log", 88),
            ("access_account", 96),
            ("access_storage", 104),
            ("get_transient_storage", 112),
            ("set_transient_storage", 120),
        ],
    },
    StructLayout {
        name: "evmc_vm",
        size: 56,
        align: 8,
        fields: &[
            ("abi_version", 0),
            ("name", 8),
            ("version", 16),
            ("destroy", 24),
            ("execute", 32),
            ("get_capabilities", 40),
            ("set_option", 48),
        ],
    },
];

/// EVMC 9.0.0 (ABI 9): the numbers of `offsetof`/`sizeof`/`_Alignof`
/// against its `evmc/evmc.h`.
pub const ABI9: &[StructLayout<'static>] = &[
    StructLayout {
        name: "evmc_bytes32",
        size: 32,
        align: 1,
        fields: &[("bytes", 0)],
    },
    StructLayout {
        name: "evmc_address",
        size: 20,
        align: 1,
        fields: &[("bytes", 0)],
    },
    StructLayout {
        name: "evmc_message",
        size: 144,
        align: 8,
        fields: &[
            ("kind", 0),
            ("flags", 4),
            ("depth", 8),
            ("gas", 16),
            ("destination", 24),
            ("sender", 44),
            ("input_data", 64),
            ("input_size", 72),
            ("value", 80),
            ("create2_salt", 112),
        ],
    },
    StructLayout {
        name: "evmc_tx_context",
        size: 192,
        align: 8,
        fields: &[
            ("tx_gas_price", 0),
            ("tx_origin", 32),
            ("block_coinbase", 52),
            ("block_number", 72),
            ("block_timestamp", 80),
            ("block_gas_limit", 88),
            ("block_difficulty", 96),
            ("chain_id", 128),
            ("block_base_fee", 160),
        ],
    },
    StructLayout {
        name: "evmc_result",
        size: 64,
        align: 8,
        fields: &[
            ("status_code", 0),
            ("gas_left", 8),
            ("output_data", 16),
            ("output_size", 24),
            ("release", 32),
            ("create_address", 40),
            ("padding", 60),
        ],
    },
    StructLayout {
        name: "evmc_host_interface",
        size: 112,
        align: 8,
        fields: &[
            ("account_exists", 0),
            ("get_storage", 8),
            ("set_storage", 16),
            ("get_balance", 24),
            ("get_code_size", 32),
            ("get_code_hash", 40),
            ("copy_code", 48),
            ("selfdestruct", 56),
            ("call", 64),
            ("get_tx_context", 72),
            ("get_block_hash", 80),
            ("emit_log", 88),
            ("access_account", 96),
            ("access_storage", 104),
        ],
    },
    StructLayout {
        name: "evmc_vm",
        size: 56,
        align: 8,
        fields: &[
            ("abi_version", 0),
            ("name", 8),
            ("version", 16),
            ("destroy", 24),
            ("execute", 32),
            ("get_capabilities", 40),
            ("set_option", 48),
        ],
    },
];

/// The header's table for this build's ABI ([`EVMC_ABI_VERSION`]).
pub const HEADER: &[StructLayout<'static>] = if cfg!(feature = "abi9") { ABI9 } else { ABI12 };

/// The header's table for an ABI version (9 or 12).
pub fn of_abi(version: i32) -> Option<&'static [StructLayout<'static>]> {
    match version {
        9 => Some(ABI9),
        12 => Some(ABI12),
        _ => None,
    }
}

/// The header's layout of the struct `name` in `table`.
pub fn find<'t, 'a>(table: &'t [StructLayout<'a>], name: &str) -> Option<&'t StructLayout<'a>> {
    table.iter().find(|s| s.name == name)
}

/// The size of the struct `name` in `table`, in a constant (a buffer's
/// size, say).
///
/// # Panics
///
/// If `table` has no such struct (at compile time, in a constant).
pub const fn size_in(table: &[StructLayout<'_>], name: &str) -> usize {
    let mut i = 0;
    while i < table.len() {
        if eq(table[i].name.as_bytes(), name.as_bytes()) {
            return table[i].size;
        }
        i += 1;
    }
    panic!("no such struct in the table");
}

/// Byte-wise equality, usable in constants.
const fn eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The layout of a Rust struct: its name, size, alignment and the
/// `offset_of!` of the fields listed.
macro_rules! rust_layout {
    ($ty:ident { $($field:ident),* $(,)? }) => {
        StructLayout {
            name: stringify!($ty),
            size: size_of::<$ty>(),
            align: align_of::<$ty>(),
            fields: &[$((stringify!($field), offset_of!($ty, $field))),*],
        }
    };
}

/// The layouts of this build's Rust types ([`crate::types`]), every field
/// listed, named as the header names the struct and the field.
#[cfg(not(feature = "abi9"))]
pub const RUST: &[StructLayout<'static>] = &[
    rust_layout!(evmc_bytes32 { bytes }),
    rust_layout!(evmc_address { bytes }),
    rust_layout!(evmc_message {
        kind,
        flags,
        depth,
        gas,
        recipient,
        sender,
        input_data,
        input_size,
        value,
        create2_salt,
        code_address,
        code,
        code_size,
    }),
    rust_layout!(evmc_tx_initcode {
        hash,
        code,
        code_size
    }),
    rust_layout!(evmc_tx_context {
        tx_gas_price,
        tx_origin,
        block_coinbase,
        block_number,
        block_timestamp,
        block_gas_limit,
        block_prev_randao,
        chain_id,
        block_base_fee,
        blob_base_fee,
        blob_hashes,
        blob_hashes_count,
        initcodes,
        initcodes_count,
    }),
    rust_layout!(evmc_result {
        status_code,
        gas_left,
        gas_refund,
        output_data,
        output_size,
        release,
        create_address,
        padding,
    }),
    rust_layout!(evmc_host_interface {
        account_exists,
        get_storage,
        set_storage,
        get_balance,
        get_code_size,
        get_code_hash,
        copy_code,
        selfdestruct,
        call,
        get_tx_context,
        get_block_hash,
        emit_log,
        access_account,
        access_storage,
        get_transient_storage,
        set_transient_storage,
    }),
    rust_layout!(evmc_vm {
        abi_version,
        name,
        version,
        destroy,
        execute,
        get_capabilities,
        set_option,
    }),
];

/// The layouts of this build's Rust types ([`crate::types`]), every field
/// listed, named as the header names the struct and the field.
#[cfg(feature = "abi9")]
pub const RUST: &[StructLayout<'static>] = &[
    rust_layout!(evmc_bytes32 { bytes }),
    rust_layout!(evmc_address { bytes }),
    rust_layout!(evmc_message {
        kind,
        flags,
        depth,
        gas,
        destination,
        sender,
        input_data,
        input_size,
        value,
        create2_salt,
    }),
    rust_layout!(evmc_tx_context {
        tx_gas_price,
        tx_origin,
        block_coinbase,
        block_number,
        block_timestamp,
        block_gas_limit,
        block_difficulty,
        chain_id,
        block_base_fee,
    }),
    rust_layout!(evmc_result {
        status_code,
        gas_left,
        output_data,
        output_size,
        release,
        create_address,
        padding,
    }),
    rust_layout!(evmc_host_interface {
        account_exists,
        get_storage,
        set_storage,
        get_balance,
        get_code_size,
        get_code_hash,
        copy_code,
        selfdestruct,
        call,
        get_tx_context,
        get_block_hash,
        emit_log,
        access_account,
        access_storage,
    }),
    rust_layout!(evmc_vm {
        abi_version,
        name,
        version,
        destroy,
        execute,
        get_capabilities,
        set_option,
    }),
];

/// Every difference between the header's table and the Rust one: a struct
/// or field one has and the other lacks, a size, an alignment or an offset
/// that differs. Fields are compared by name, then their order.
///
/// # Errors
///
/// The differences, one line each, in the header's order.
pub fn check(header: &[StructLayout<'_>], rust: &[StructLayout<'_>]) -> Result<(), Vec<String>> {
    let mut differences = Vec::new();
    for theirs in header {
        let name = theirs.name;
        let before = differences.len();
        let Some(ours) = find(rust, name) else {
            differences.push(format!("{name}: in the header, not in Rust"));
            continue;
        };
        if ours.size != theirs.size {
            differences.push(format!(
                "{name}: size {} in Rust, {} in the header",
                ours.size, theirs.size
            ));
        }
        if ours.align != theirs.align {
            differences.push(format!(
                "{name}: alignment {} in Rust, {} in the header",
                ours.align, theirs.align
            ));
        }
        for &(field, offset) in theirs.fields {
            match ours.offset(field) {
                None => differences.push(format!("{name}.{field}: in the header, not in Rust")),
                Some(at) if at != offset => differences.push(format!(
                    "{name}.{field}: offset {at} in Rust, {offset} in the header"
                )),
                Some(_) => {}
            }
        }
        for &(field, _) in ours.fields {
            if theirs.offset(field).is_none() {
                differences.push(format!("{name}.{field}: in Rust, not in the header"));
            }
        }
        let same_order = (ours.fields.iter().map(|f| f.0)).eq(theirs.fields.iter().map(|f| f.0));
        if differences.len() == before && !same_order {
            differences.push(format!("{name}: fields in another order than the header's"));
        }
    }
    for ours in rust {
        if find(header, ours.name).is_none() {
            differences.push(format!("{}: in Rust, not in the header", ours.name));
        }
    }
    if differences.is_empty() {
        Ok(())
    } else {
        Err(differences)
    }
}

#[cfg(all(test, target_pointer_width = "64"))]
mod tests {
    use super::*;

    #[test]
    fn the_rust_types_have_the_headers_layouts() {
        assert_eq!(check(HEADER, RUST), Ok(()));
        assert_eq!(
            of_abi(EVMC_ABI_VERSION),
            Some(HEADER),
            "the table of this build's ABI"
        );
    }

    #[test]
    fn a_copy_of_the_table_with_one_field_moved_fails_the_check() {
        // evmc_message.gas four bytes later, as if `depth` were an i64.
        let mut table = HEADER.to_vec();
        let message = table.iter().position(|s| s.name == "evmc_message").unwrap();
        let mut fields = table[message].fields.to_vec();
        let gas = fields.iter().position(|f| f.0 == "gas").unwrap();
        fields[gas].1 += 4;
        table[message] = StructLayout {
            fields: &fields,
            ..table[message]
        };
        assert_eq!(
            check(&table, RUST),
            Err(vec![
                "evmc_message.gas: offset 16 in Rust, 20 in the header".to_string()
            ])
        );
    }

    #[test]
    fn every_single_offset_or_size_changed_fails_the_check() {
        let mut mutants = 0;
        for (s, layout) in HEADER.iter().enumerate() {
            for f in 0..layout.fields.len() {
                let mut fields = layout.fields.to_vec();
                fields[f].1 += 1;
                let mut table = HEADER.to_vec();
                table[s] = StructLayout {
                    fields: &fields,
                    ..*layout
                };
                let differences = check(&table, RUST).unwrap_err();
                let field = format!("{}.{}:", layout.name, fields[f].0);
                assert_eq!(differences.len(), 1, "{differences:?}");
                assert!(differences[0].starts_with(&field), "{differences:?}");
                mutants += 1;
            }
            let mut table = HEADER.to_vec();
            table[s].size += 8;
            assert!(check(&table, RUST).is_err(), "{}: size", layout.name);
            mutants += 1;
        }
        let fields: usize = HEADER.iter().map(|s| s.fields.len() + 1).sum();
        assert_eq!(mutants, fields);
    }

    #[test]
    fn a_missing_or_extra_field_or_struct_fails_the_check() {
        let mut table = HEADER.to_vec();
        let vm = table.iter().position(|s| s.name == "evmc_vm").unwrap();
        let fields = &table[vm].fields[..table[vm].fields.len() - 1];
        table[vm] = StructLayout {
            fields,
            ..table[vm]
        };
        assert_eq!(
            check(&table, RUST),
            Err(vec![
                "evmc_vm.set_option: in Rust, not in the header".to_string()
            ])
        );
        table.remove(vm);
        assert_eq!(
            check(&table, RUST),
            Err(vec!["evmc_vm: in Rust, not in the header".to_string()])
        );
        assert!(check(HEADER, &RUST[1..]).is_err(), "evmc_bytes32 missing");
    }

    #[test]
    fn the_two_abis_differ_where_evmc_says() {
        let size = |table, name| size_in(table, name);
        // ABI 10 added code_address, ABI 12 code and code_size; ABI 10 the
        // refund; ABI 11 transient storage; the blob and initcode fields.
        assert_eq!(size(ABI9, "evmc_message"), 144);
        assert_eq!(size(ABI12, "evmc_message"), 184);
        assert_eq!(size(ABI9, "evmc_result"), 64);
        assert_eq!(size(ABI12, "evmc_result"), 72);
        assert_eq!(size(ABI9, "evmc_host_interface"), 14 * 8);
        assert_eq!(size(ABI12, "evmc_host_interface"), 16 * 8);
        assert_eq!(size(ABI9, "evmc_vm"), size(ABI12, "evmc_vm"));
        assert_eq!(find(ABI9, "evmc_tx_initcode"), None);
    }

    /// A second reference for ABI 9: the bindings `evmc-sys` 9.0.0
    /// generates from the same header with bindgen.
    #[cfg(feature = "abi9")]
    #[test]
    fn the_abi9_table_matches_the_evmc_sys_9_bindings() {
        use evmc_sys as sys;
        macro_rules! sys_layout {
            ($ty:ident { $($field:ident),* $(,)? }) => {
                StructLayout {
                    name: stringify!($ty),
                    size: size_of::<sys::$ty>(),
                    align: align_of::<sys::$ty>(),
                    fields: &[$((stringify!($field), offset_of!(sys::$ty, $field))),*],
                }
            };
        }
        let sys: &[StructLayout<'static>] = &[
            sys_layout!(evmc_bytes32 { bytes }),
            sys_layout!(evmc_address { bytes }),
            sys_layout!(evmc_message {
                kind,
                flags,
                depth,
                gas,
                destination,
                sender,
                input_data,
                input_size,
                value,
                create2_salt
            }),
            sys_layout!(evmc_tx_context {
                tx_gas_price,
                tx_origin,
                block_coinbase,
                block_number,
                block_timestamp,
                block_gas_limit,
                block_difficulty,
                chain_id,
                block_base_fee
            }),
            sys_layout!(evmc_result {
                status_code,
                gas_left,
                output_data,
                output_size,
                release,
                create_address,
                padding
            }),
            sys_layout!(evmc_host_interface {
                account_exists,
                get_storage,
                set_storage,
                get_balance,
                get_code_size,
                get_code_hash,
                copy_code,
                selfdestruct,
                call,
                get_tx_context,
                get_block_hash,
                emit_log,
                access_account,
                access_storage
            }),
            sys_layout!(evmc_vm {
                abi_version,
                name,
                version,
                destroy,
                execute,
                get_capabilities,
                set_option
            }),
        ];
        assert_eq!(check(ABI9, sys), Ok(()));
        assert_eq!(EVMC_ABI_VERSION as u32, sys::EVMC_ABI_VERSION as u32);
    }
}
