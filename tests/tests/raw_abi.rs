//! `libiris.so` driven by the EVMC header's numbers alone: the `evmc_vm`
//! it returns, the message it executes, the host interface it calls back
//! and the `evmc_result` it answers are read and written as bytes at the
//! offsets of `evmc_abi::layout`'s tables (the C header's `offsetof`,
//! written down as numbers), never through the Rust types that the VM and
//! the client are both built from. A layout mistake those two share passes
//! every test that goes through `LoadedVm`; it fails here. Runs in both
//! builds: the table is the one of the ABI version the library reports.
//!
//! The only `unsafe` code of the end-to-end tests, since it is the point:
//! raw pointers into the library's structs.

#![allow(unsafe_code)]

use std::ffi::{c_char, c_void, CStr};

use evmc_abi::layout::{self, StructLayout};
use ewasm_host::{Address, CallKind, ExecConfig, Executor, Message, Revision, Status, U256};
use tests::{load, RecordingHost};

/// An `evmc_result` returned by value: the header's size, 8-aligned as the
/// C struct (its pointers and `int64_t`s). Larger than 16 bytes, it comes
/// back through a hidden pointer the caller passes, on x86-64 and AArch64
/// alike, whatever its fields: the bytes are the library's result.
#[repr(C, align(8))]
struct RawResult([u8; layout::size_in(layout::HEADER, "evmc_result")]);

/// An `evmc_tx_context` returned by value, as [`RawResult`].
#[repr(C, align(8))]
struct RawTxContext([u8; layout::size_in(layout::HEADER, "evmc_tx_context")]);

/// An `evmc_bytes32` returned by value (`struct { uint8_t bytes[32]; }`).
#[repr(C)]
struct RawBytes32([u8; 32]);

/// `evmc_execute_fn` over raw pointers.
type Execute = unsafe extern "C" fn(
    vm: *mut u8,
    host: *const u8,
    context: *mut c_void,
    rev: i32,
    msg: *const u8,
    code: *const u8,
    code_size: usize,
) -> RawResult;
/// `evmc_set_option_fn` over raw pointers.
type SetOption = unsafe extern "C" fn(*mut u8, *const c_char, *const c_char) -> i32;
/// `evmc_get_capabilities_fn` over raw pointers.
type GetCapabilities = unsafe extern "C" fn(*mut u8) -> u32;
/// `evmc_release_result_fn` over raw pointers.
type Release = unsafe extern "C" fn(*const RawResult);

const RECIPIENT: [u8; 20] = [0xc0; 20];
const SENDER: [u8; 20] = [0x5e; 20];
const ORIGIN: [u8; 20] = [0x0e; 20];
const BLOCK_NUMBER: i64 = 0x0102_0304_0506_0708;
const VALUE: u64 = 0x0a0b;
const KEY: [u8; 32] = [0x6b; 32];
const STORED: [u8; 32] = [0x77; 32];
const INPUT: &[u8] = b"call data";
const GAS: i64 = 100_000;

/// Writes its message's fields and its context's block number and origin,
/// then the call data, stores STORED at KEY and finishes with all of it.
fn contract() -> Vec<u8> {
    let escape = |bytes: &[u8]| -> String { bytes.iter().map(|b| format!("\\{b:02x}")).collect() };
    wat::parse_str(format!(
        r#"(module
          (import "ethereum" "getAddress" (func $getAddress (param i32)))
          (import "ethereum" "getCaller" (func $getCaller (param i32)))
          (import "ethereum" "getCallValue" (func $getCallValue (param i32)))
          (import "ethereum" "getBlockNumber" (func $getBlockNumber (result i64)))
          (import "ethereum" "getTxOrigin" (func $getTxOrigin (param i32)))
          (import "ethereum" "getCallDataSize" (func $getCallDataSize (result i32)))
          (import "ethereum" "callDataCopy" (func $callDataCopy (param i32 i32 i32)))
          (import "ethereum" "storageStore" (func $storageStore (param i32 i32)))
          (import "ethereum" "finish" (func $finish (param i32 i32)))
          (memory (export "memory") 1)
          (data (i32.const 512) "{key}")
          (data (i32.const 544) "{stored}")
          (func (export "main") (local $size i32)
            (call $getAddress (i32.const 0))
            (call $getCaller (i32.const 20))
            (call $getCallValue (i32.const 40))
            (i64.store (i32.const 56) (call $getBlockNumber))
            (call $getTxOrigin (i32.const 64))
            (local.set $size (call $getCallDataSize))
            (call $callDataCopy (i32.const 84) (i32.const 0) (local.get $size))
            (call $storageStore (i32.const 512) (i32.const 544))
            (call $finish (i32.const 0) (i32.add (i32.const 84) (local.get $size)))))"#,
        key = escape(&KEY),
        stored = escape(&STORED),
    ))
    .expect("wat")
}

/// What the contract finishes with.
fn expected_output() -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&RECIPIENT);
    out.extend_from_slice(&SENDER);
    out.extend_from_slice(&u128::from(VALUE).to_le_bytes());
    out.extend_from_slice(&BLOCK_NUMBER.to_le_bytes());
    out.extend_from_slice(&ORIGIN);
    out.extend_from_slice(INPUT);
    out
}

/// The header's offset of `field` in `strukt`.
fn offset(table: &[StructLayout<'_>], strukt: &str, field: &str) -> usize {
    layout::find(table, strukt)
        .and_then(|s| s.offset(field))
        .unwrap_or_else(|| panic!("{strukt}.{field} is not in the header's table"))
}

/// Reads a `T` at `base + offset`.
///
/// # Safety
///
/// `base + offset` holds a `T`.
unsafe fn read<T: Copy>(base: *const u8, offset: usize) -> T {
    // SAFETY: by the contract above; unaligned reads need no alignment.
    unsafe { base.add(offset).cast::<T>().read_unaligned() }
}

/// Writes `bytes` at `offset` of `buffer`.
fn put(buffer: &mut [u8], offset: usize, bytes: &[u8]) {
    buffer[offset..offset + bytes.len()].copy_from_slice(bytes);
}

/// What the host callbacks see, through the context pointer.
struct Recorder {
    /// The header's table of the ABI being spoken.
    table: &'static [StructLayout<'static>],
    /// The `evmc_storage_status` number `set_storage` answers.
    status: i32,
    /// `set_storage`'s arguments, in order.
    stores: Vec<([u8; 20], [u8; 32], [u8; 32])>,
    /// How many times `get_tx_context` was called.
    contexts: usize,
}

unsafe extern "C" fn get_storage(_: *mut c_void, _: *const u8, _: *const u8) -> RawBytes32 {
    // What RecordingHost holds in every slot.
    RawBytes32([1; 32])
}

unsafe extern "C" fn set_storage(
    context: *mut c_void,
    address: *const u8,
    key: *const u8,
    value: *const u8,
) -> i32 {
    // SAFETY: the context is the test's Recorder, alive across `execute`;
    // the VM passes an address of 20 bytes and two words of 32.
    unsafe {
        let recorder = &mut *context.cast::<Recorder>();
        recorder
            .stores
            .push((read(address, 0), read(key, 0), read(value, 0)));
        recorder.status
    }
}

unsafe extern "C" fn get_tx_context(context: *mut c_void) -> RawTxContext {
    // SAFETY: as above.
    let recorder = unsafe { &mut *context.cast::<Recorder>() };
    recorder.contexts += 1;
    let mut raw = RawTxContext([0; layout::size_in(layout::HEADER, "evmc_tx_context")]);
    let table = recorder.table;
    let number = offset(table, "evmc_tx_context", "block_number");
    put(&mut raw.0, number, &BLOCK_NUMBER.to_ne_bytes());
    put(
        &mut raw.0,
        offset(table, "evmc_tx_context", "tx_origin"),
        &ORIGIN,
    );
    raw
}

#[test]
fn the_library_speaks_the_headers_layouts_byte_for_byte() {
    let vm = load();
    let base = vm.as_ptr().cast::<u8>();
    let header = layout::HEADER;
    // SAFETY: `base` is the library's live `evmc_vm`, whose `abi_version`
    // is an `int` at the header's offset (0 in every ABI).
    let abi: i32 = unsafe { read(base, offset(header, "evmc_vm", "abi_version")) };
    assert_eq!(abi, evmc_abi::EVMC_ABI_VERSION, "the build's ABI");
    let table = layout::of_abi(abi).expect("a table for the ABI");

    // The evmc_vm: name, version, capabilities, set_option.
    let string = |field| {
        // SAFETY: `name` and `version` are C strings the VM keeps.
        unsafe { CStr::from_ptr(read::<*const c_char>(base, offset(table, "evmc_vm", field))) }
            .to_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(string("name"), "iris");
    assert_eq!(string("version"), env!("CARGO_PKG_VERSION"));
    // SAFETY: the function pointers of the VM's struct, at the header's
    // offsets, given the VM.
    let capabilities = unsafe {
        read::<Option<GetCapabilities>>(base, offset(table, "evmc_vm", "get_capabilities"))
            .expect("get_capabilities")(base)
    };
    assert_eq!(capabilities, evmc_abi::EVMC_CAPABILITY_EWASM);
    // SAFETY: as above; the strings live across the call.
    let set =
        unsafe {
            read::<Option<SetOption>>(base, offset(table, "evmc_vm", "set_option"))
                .expect("set_option")(base, c"metering".as_ptr(), c"false".as_ptr())
        };
    assert_eq!(set, 0, "EVMC_SET_OPTION_SUCCESS");

    // The message, written at the header's offsets.
    let size = |name| layout::find(table, name).unwrap().size;
    let mut message = vec![0u64; size("evmc_message") / 8];
    let input = INPUT;
    {
        // SAFETY: the u64 buffer viewed as its bytes.
        let bytes = unsafe {
            std::slice::from_raw_parts_mut(message.as_mut_ptr().cast::<u8>(), message.len() * 8)
        };
        let at = |field| offset(table, "evmc_message", field);
        put(bytes, at("kind"), &evmc_abi::EVMC_CALL.to_ne_bytes());
        put(bytes, at("gas"), &GAS.to_ne_bytes());
        let acted_on = if abi == 9 { "destination" } else { "recipient" };
        put(bytes, at(acted_on), &RECIPIENT);
        if abi != 9 {
            put(bytes, at("code_address"), &RECIPIENT);
        }
        put(bytes, at("sender"), &SENDER);
        put(
            bytes,
            at("input_data"),
            &(input.as_ptr() as usize).to_ne_bytes(),
        );
        put(bytes, at("input_size"), &input.len().to_ne_bytes());
        let mut value = [0u8; 32];
        value[24..].copy_from_slice(&VALUE.to_be_bytes());
        put(bytes, at("value"), &value);
    }

    // The host interface: function pointers at the header's offsets, the
    // rest null (Iris takes a missing callback as documented).
    let interface = layout::find(table, "evmc_host_interface").unwrap();
    let mut host = vec![0usize; interface.size / 8];
    let slot = |field| offset(table, "evmc_host_interface", field) / 8;
    host[slot("get_storage")] = get_storage as *const () as usize;
    host[slot("set_storage")] = set_storage as *const () as usize;
    host[slot("get_tx_context")] = get_tx_context as *const () as usize;
    // DELETED: 2 in ABI 12; 4 in ABI 9.
    let mut recorder = Recorder {
        table,
        status: if abi == 9 { 4 } else { 2 },
        stores: Vec::new(),
        contexts: 0,
    };

    let code = contract();
    // SAFETY: `execute` at the header's offset, given the VM, a host
    // interface and message laid out as the header says and alive across
    // the call, the context the callbacks expect, and the code.
    let result = unsafe {
        let execute =
            read::<Option<Execute>>(base, offset(table, "evmc_vm", "execute")).expect("execute");
        execute(
            base,
            host.as_ptr().cast::<u8>(),
            (&mut recorder as *mut Recorder).cast::<c_void>(),
            Revision::Byzantium.to_evmc(),
            message.as_ptr().cast::<u8>(),
            code.as_ptr(),
            code.len(),
        )
    };

    // The result, read at the header's offsets.
    let raw = result.0.as_ptr();
    let at = |field| offset(table, "evmc_result", field);
    // SAFETY: fields of the result the library returned, at the header's
    // offsets; the output is `output_size` bytes the result owns until it
    // is released, once, below.
    let (status, gas_left, refund, output) = unsafe {
        let status: i32 = read(raw, at("status_code"));
        let gas_left: i64 = read(raw, at("gas_left"));
        let refund: Option<i64> = (abi != 9).then(|| read(raw, at("gas_refund")));
        let data: *const u8 = read(raw, at("output_data"));
        let len: usize = read(raw, at("output_size"));
        let output = std::slice::from_raw_parts(data, len).to_vec();
        let release: Option<Release> = read(raw, at("release"));
        release.expect("a release function")(&result);
        (status, gas_left, refund, output)
    };

    assert_eq!(status, evmc_abi::EVMC_SUCCESS);
    assert_eq!(output, expected_output());
    assert_eq!(recorder.stores, [(RECIPIENT, KEY, STORED)]);
    assert!(
        recorder.contexts >= 1,
        "the block number came from the host"
    );

    // The gas and the refund are those of the same message in process
    // (with metering off, as set above, and the host's DELETED).
    let message = Message {
        kind: CallKind::Call,
        is_static: false,
        depth: 0,
        gas: GAS,
        recipient: Address(RECIPIENT),
        sender: Address(SENDER),
        input: INPUT.to_vec().into(),
        value: U256::from(VALUE),
        code_address: Address(RECIPIENT),
        delegated: false,
    };
    let mut host = RecordingHost {
        status: Some(ewasm_host::StorageStatus::Deleted),
        ..RecordingHost::default()
    };
    let in_process = Executor::new(ExecConfig::trusted()).unwrap().execute(
        &mut host,
        Revision::Byzantium,
        &message,
        &code,
    );
    assert_eq!(in_process.status, Status::Success);
    assert_eq!(gas_left, in_process.gas_left);
    assert!(gas_left < GAS - 5_000, "the store was paid for");
    if let Some(refund) = refund {
        assert_eq!(refund, in_process.gas_refund);
        assert_eq!(refund, 15_000, "Byzantium's refund for a cleared slot");
    }
}
