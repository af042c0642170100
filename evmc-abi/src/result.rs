//! Results that own their output, made and taken apart as EVMC says: the
//! side that receives an `evmc_result` releases it, once, through the
//! `release` the maker set. The VM makes results for the host, the client
//! for the VM's nested calls; each takes apart what the other sent.

#![allow(unsafe_code)]

use ewasm_host::Outcome;

use crate::status;
use crate::types::{evmc_address, evmc_result};

/// An `evmc_result` owning the outcome's output (a leaked boxed slice that
/// its `release` frees). `gas_left` and `gas_refund` are 0 unless the
/// status keeps gas (success, revert).
pub fn to_result(outcome: Outcome) -> evmc_result {
    let keeps_gas = outcome.status.keeps_gas();
    let output = outcome.output.into_boxed_slice();
    let output_size = output.len();
    let output_data = if output_size == 0 {
        std::ptr::null()
    } else {
        Box::into_raw(output).cast::<u8>().cast_const()
    };
    evmc_result::new(
        status::to_evmc(outcome.status),
        if keeps_gas { outcome.gas_left } else { 0 },
        if keeps_gas { outcome.gas_refund } else { 0 },
        (output_data, output_size),
        Some(release),
        evmc_address::default(),
    )
}

/// Frees the output of a result made by [`to_result`].
///
/// # Safety
///
/// `result` is null or a result made by [`to_result`], released once.
unsafe extern "C" fn release(result: *const evmc_result) {
    // SAFETY: by the contract above.
    let Some(result) = (unsafe { result.as_ref() }) else {
        return;
    };
    if !result.output_data.is_null() {
        let slice =
            std::ptr::slice_from_raw_parts_mut(result.output_data.cast_mut(), result.output_size);
        // SAFETY: `to_result` leaked exactly this boxed slice.
        drop(unsafe { Box::from_raw(slice) });
    }
}

/// Copies a result's output, then releases the result.
///
/// # Safety
///
/// `result` came from a VM or a host, owns `output_size` bytes at
/// `output_data` (or none), and has not been released: EVMC has whoever
/// receives a result release it, once.
pub unsafe fn take_output(result: &evmc_result) -> Vec<u8> {
    let output = if result.output_data.is_null() || result.output_size == 0 {
        Vec::new()
    } else {
        // SAFETY: by the contract above.
        unsafe { std::slice::from_raw_parts(result.output_data, result.output_size) }.to_vec()
    };
    if let Some(release) = result.release {
        // SAFETY: by the contract above, this is the one release.
        unsafe { release(result) };
    }
    output
}

#[cfg(test)]
mod tests {
    use ewasm_host::Status;

    use super::*;

    #[test]
    fn a_result_gives_back_its_output_once_and_frees_it() {
        let result = to_result(Outcome {
            output: b"output".to_vec(),
            gas_left: 10,
            ..Outcome::failed(Status::Success)
        });
        assert_eq!(result.status_code, crate::EVMC_SUCCESS);
        assert_eq!(result.gas_left, 10);
        // SAFETY: a fresh result, taken once.
        assert_eq!(unsafe { take_output(&result) }, b"output");
    }

    #[test]
    fn a_failure_keeps_no_gas_and_an_empty_output_has_no_pointer() {
        let result = to_result(Outcome {
            gas_left: 10,
            gas_refund: 5,
            ..Outcome::failed(Status::OutOfGas)
        });
        assert_eq!(result.status_code, crate::EVMC_OUT_OF_GAS);
        assert_eq!((result.gas_left, result.refund()), (0, 0));
        assert!(result.output_data.is_null());
        // SAFETY: as above.
        assert!(unsafe { take_output(&result) }.is_empty());
    }
}
