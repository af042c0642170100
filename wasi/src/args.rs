//! `args_*` and `environ_*`: the strings the program was granted.

use crate::ctx::WasiCtx;
use crate::errno::{Errno, WasiResult};
use crate::memory::GuestMemory;

/// Writes the count and the total size (each string with its NUL) of
/// `strings`.
fn sizes(
    strings: &[Vec<u8>],
    memory: &mut GuestMemory<'_>,
    count_ptr: u32,
    size_ptr: u32,
) -> WasiResult {
    let count = u32::try_from(strings.len()).map_err(|_| Errno::Overflow)?;
    let size: usize = strings.iter().map(|s| s.len() + 1).sum();
    let size = u32::try_from(size).map_err(|_| Errno::Overflow)?;
    memory.check(count_ptr, 4)?;
    memory.check(size_ptr, 4)?;
    memory.write_u32(count_ptr, count)?;
    memory.write_u32(size_ptr, size)
}

/// Writes the pointer array at `array_ptr` and the NUL-terminated strings
/// from `buf_ptr`, after checking that both fit.
fn strings(
    strings: &[Vec<u8>],
    memory: &mut GuestMemory<'_>,
    array_ptr: u32,
    buf_ptr: u32,
) -> WasiResult {
    let size: usize = strings.iter().map(|s| s.len() + 1).sum();
    memory.check(array_ptr, strings.len().saturating_mul(4))?;
    memory.check(buf_ptr, size)?;
    // Both ranges were checked, so every address below is inside the
    // memory; the arithmetic is 64-bit so that the last step past a
    // buffer ending at 4 GiB cannot overflow.
    let mut at = u64::from(buf_ptr);
    for (i, string) in strings.iter().enumerate() {
        let slot = u64::from(array_ptr) + 4 * i as u64;
        let end = at + string.len() as u64;
        let (Ok(slot), Ok(start), Ok(nul)) =
            (u32::try_from(slot), u32::try_from(at), u32::try_from(end))
        else {
            return Err(Errno::Fault);
        };
        memory.write_u32(slot, start)?;
        memory.write(start, string)?;
        memory.write(nul, &[0])?;
        at = end + 1;
    }
    Ok(())
}

/// `args_sizes_get(argc, argv_buf_size)`.
pub(crate) fn args_sizes_get(
    ctx: &mut WasiCtx,
    memory: &mut GuestMemory<'_>,
    count_ptr: u32,
    size_ptr: u32,
) -> WasiResult {
    sizes(&ctx.args, memory, count_ptr, size_ptr)
}

/// `args_get(argv, argv_buf)`.
pub(crate) fn args_get(
    ctx: &mut WasiCtx,
    memory: &mut GuestMemory<'_>,
    array_ptr: u32,
    buf_ptr: u32,
) -> WasiResult {
    strings(&ctx.args, memory, array_ptr, buf_ptr)
}

/// `environ_sizes_get(count, buf_size)`.
pub(crate) fn environ_sizes_get(
    ctx: &mut WasiCtx,
    memory: &mut GuestMemory<'_>,
    count_ptr: u32,
    size_ptr: u32,
) -> WasiResult {
    sizes(&ctx.env, memory, count_ptr, size_ptr)
}

/// `environ_get(environ, environ_buf)`.
pub(crate) fn environ_get(
    ctx: &mut WasiCtx,
    memory: &mut GuestMemory<'_>,
    array_ptr: u32,
    buf_ptr: u32,
) -> WasiResult {
    strings(&ctx.env, memory, array_ptr, buf_ptr)
}
