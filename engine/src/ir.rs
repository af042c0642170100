//! The internal instruction format that the interpreter runs.
//!
//! Each function is translated once into a flat `[Instr]`. Operands are
//! *slots*: indices into the function's frame, which holds its locals first
//! and its operand stack after them. Branch targets are absolute instruction
//! indices resolved at translation (made relative when the code is threaded,
//! see `exec::dispatch`), so there is no control stack at run time.
//!
//! Every instruction is listed once, below, in one invocation of
//! [`define_ir!`](generate): its operands, whether it writes a result slot
//! or holds a branch target, the Wasm operators it translates, how the
//! translator fuses it from a pair of instructions, and its handler (a
//! function of `exec::num`, the value it computes, or, for `custom`
//! instructions, a handler written by hand under its name). The
//! instruction enum, the translator's tables and the interpreter's
//! handlers are all generated from the list; adding an instruction of a
//! generated kind is one line here plus its function in `exec::num`.

mod generate;
#[cfg(test)]
mod tests;

use wasmparser::Operator;

use generate::define_ir;

/// A frame-relative value slot.
pub(crate) type Slot = u16;

/// The slot operand that names the accumulator: the value the
/// instruction before computed, which every handler that writes a result
/// slot also leaves in a machine register passed from handler to handler
/// (no frame has this many slots). As a reader's operand it reads that
/// register ([`Instr::read_acc`]); as a writer's result it means the value
/// goes only there ([`Instr::acc_result`]: nothing else reads it). The
/// handler of an instruction is chosen for the operands that name it
/// ([`Instr::acc_use`]).
pub(crate) const ACC: Slot = Slot::MAX;

// The grammar, section by section (`Name` is the instruction; a family
// instruction is named as the Wasm operator it translates):
//
// - `binary`: `Name f [Swapped] [NameImm ty];` is `dst = f(lhs, rhs)`;
//   `Swapped` gives the same result with the operands exchanged, and
//   `NameImm` is the form with an immediate right operand of type `ty`.
// - `binary_trap`, `unary_trap`: `Name f;`, as `binary` and `unary`, but
//   `f` may trap.
// - `unary`: `Name f [Aliases];` is `dst = f(src)`; the Wasm operators in
//   brackets translate to it too.
// - `load`: `Name bytes widen [Aliases];` reads `bytes` bytes and widens
//   them to a slot value with `widen`.
// - `store`: `Name NameAbs bytes [Operators];` writes the low `bytes` bytes
//   of the value, for each Wasm operator listed; `NameAbs` is the form with
//   a constant address (the operator's constant address plus its offset,
//   when that fits in 32 bits).
// - `branch_cmp`: a comparison fused with the conditional branch that
//   reads it: the branch and its immediate form, the comparison and its
//   immediate form, the negated branch in both forms, the comparison's
//   function and the immediate's type.
// - `branch_eqz`: `Eqz Taken Negated;`: a branch on the result of `Eqz`
//   becomes `Taken` (or `Negated`) on its operand.
// - `fuse_binary`: `Name { slots; imms } = Op(Producer { fields }, x)
//   [if guard] => value;`: the binary operator `Op` whose operand (either
//   one) is the temporary written by `Producer`, the other being `x`, fuses
//   into `Name` (when the guard on the producer's fields holds, if there is
//   one), which computes `value` from its operands. `fuse_binary_imm`: the
//   same with an immediate right operand `x`, and no guard.
// - `fuse_chain`: `Name { ... } = Fused { fields } after Before { fields }
//   if guard => value;`: `Fused`, just fused, whose other operand was the
//   temporary that the instruction before it wrote, absorbs that one too.
// - `load_at`: `Name NameAdd Load bytes widen;`: `Load` from the temporary
//   written by an `I32AddImm` becomes `Name`, a load from `base + imm`, and
//   from the temporary written by an `I32Add`, `NameAdd`, a load from
//   `a + b` (both wrapping).
// - `custom`: `Name { fields } -> dst @ target;`: an instruction whose
//   handler is written by hand (`exec/control.rs`, `exec/entities.rs`),
//   with the field it writes as its result and its branch target, if any.
define_ir! {
    binary {
        I32Add i32_add [I32Add] [I32AddImm i32];
        I32Sub i32_sub [] [I32SubImm i32];
        I32Mul i32_mul [I32Mul] [I32MulImm i32];
        I32And i32_and [I32And] [I32AndImm i32];
        I32Or i32_or [I32Or] [I32OrImm i32];
        I32Xor i32_xor [I32Xor] [I32XorImm i32];
        I32Shl i32_shl [] [I32ShlImm i32];
        I32ShrS i32_shr_s [] [I32ShrSImm i32];
        I32ShrU i32_shr_u [] [I32ShrUImm i32];
        I32Rotl i32_rotl [] [I32RotlImm i32];
        I32Rotr i32_rotr [] [I32RotrImm i32];
        I32Eq i32_eq [I32Eq] [I32EqImm i32];
        I32Ne i32_ne [I32Ne] [I32NeImm i32];
        I32LtS i32_lt_s [I32GtS] [I32LtSImm i32];
        I32LtU i32_lt_u [I32GtU] [I32LtUImm i32];
        I32GtS i32_gt_s [I32LtS] [I32GtSImm i32];
        I32GtU i32_gt_u [I32LtU] [I32GtUImm i32];
        I32LeS i32_le_s [I32GeS] [I32LeSImm i32];
        I32LeU i32_le_u [I32GeU] [I32LeUImm i32];
        I32GeS i32_ge_s [I32LeS] [I32GeSImm i32];
        I32GeU i32_ge_u [I32LeU] [I32GeUImm i32];
        I64Add i64_add [I64Add] [I64AddImm i64];
        I64Sub i64_sub [] [I64SubImm i64];
        I64Mul i64_mul [I64Mul] [I64MulImm i64];
        I64And i64_and [I64And] [I64AndImm i64];
        I64Or i64_or [I64Or] [I64OrImm i64];
        I64Xor i64_xor [I64Xor] [I64XorImm i64];
        I64Shl i64_shl [] [I64ShlImm i64];
        I64ShrS i64_shr_s [] [I64ShrSImm i64];
        I64ShrU i64_shr_u [] [I64ShrUImm i64];
        I64Rotl i64_rotl [] [I64RotlImm i64];
        I64Rotr i64_rotr [] [I64RotrImm i64];
        I64Eq i64_eq [I64Eq] [I64EqImm i64];
        I64Ne i64_ne [I64Ne] [I64NeImm i64];
        I64LtS i64_lt_s [I64GtS] [I64LtSImm i64];
        I64LtU i64_lt_u [I64GtU] [I64LtUImm i64];
        I64GtS i64_gt_s [I64LtS] [I64GtSImm i64];
        I64GtU i64_gt_u [I64LtU] [I64GtUImm i64];
        I64LeS i64_le_s [I64GeS] [I64LeSImm i64];
        I64LeU i64_le_u [I64GeU] [I64LeUImm i64];
        I64GeS i64_ge_s [I64LeS] [I64GeSImm i64];
        I64GeU i64_ge_u [I64LeU] [I64GeUImm i64];
        F32Add f32_add [] [];
        F32Sub f32_sub [] [];
        F32Mul f32_mul [] [];
        F32Div f32_div [] [];
        F32Min f32_min [] [];
        F32Max f32_max [] [];
        F32Copysign f32_copysign [] [];
        F32Eq f32_eq [] [];
        F32Ne f32_ne [] [];
        F32Lt f32_lt [] [];
        F32Gt f32_gt [] [];
        F32Le f32_le [] [];
        F32Ge f32_ge [] [];
        F64Add f64_add [] [];
        F64Sub f64_sub [] [];
        F64Mul f64_mul [] [];
        F64Div f64_div [] [];
        F64Min f64_min [] [];
        F64Max f64_max [] [];
        F64Copysign f64_copysign [] [];
        F64Eq f64_eq [] [];
        F64Ne f64_ne [] [];
        F64Lt f64_lt [] [];
        F64Gt f64_gt [] [];
        F64Le f64_le [] [];
        F64Ge f64_ge [] [];
    }
    binary_trap {
        I32DivS i32_div_s;
        I32DivU i32_div_u;
        I32RemS i32_rem_s;
        I32RemU i32_rem_u;
        I64DivS i64_div_s;
        I64DivU i64_div_u;
        I64RemS i64_rem_s;
        I64RemU i64_rem_u;
    }
    unary {
        I32Clz i32_clz;
        I32Ctz i32_ctz;
        I32Popcnt i32_popcnt;
        I32Eqz i32_eqz;
        I32Extend8S i32_extend8_s;
        I32Extend16S i32_extend16_s;
        I64Clz i64_clz;
        I64Ctz i64_ctz;
        I64Popcnt i64_popcnt;
        I64Eqz i64_eqz [RefIsNull];
        I64Extend8S i64_extend8_s;
        I64Extend16S i64_extend16_s;
        I64Extend32S i64_extend32_s;
        I64ExtendI32S i64_extend_i32_s;
        I64ExtendI32U i64_extend_i32_u;
        F32Abs f32_abs;
        F32Neg f32_neg;
        F32Ceil f32_ceil;
        F32Floor f32_floor;
        F32Trunc f32_trunc;
        F32Nearest f32_nearest;
        F32Sqrt f32_sqrt;
        F64Abs f64_abs;
        F64Neg f64_neg;
        F64Ceil f64_ceil;
        F64Floor f64_floor;
        F64Trunc f64_trunc;
        F64Nearest f64_nearest;
        F64Sqrt f64_sqrt;
        F32ConvertI32S f32_convert_i32_s;
        F32ConvertI32U f32_convert_i32_u;
        F32ConvertI64S f32_convert_i64_s;
        F32ConvertI64U f32_convert_i64_u;
        F64ConvertI32S f64_convert_i32_s;
        F64ConvertI32U f64_convert_i32_u;
        F64ConvertI64S f64_convert_i64_s;
        F64ConvertI64U f64_convert_i64_u;
        F32DemoteF64 f32_demote_f64;
        F64PromoteF32 f64_promote_f32;
        I32TruncSatF32S i32_trunc_sat_f32_s;
        I32TruncSatF32U i32_trunc_sat_f32_u;
        I32TruncSatF64S i32_trunc_sat_f64_s;
        I32TruncSatF64U i32_trunc_sat_f64_u;
        I64TruncSatF32S i64_trunc_sat_f32_s;
        I64TruncSatF32U i64_trunc_sat_f32_u;
        I64TruncSatF64S i64_trunc_sat_f64_s;
        I64TruncSatF64U i64_trunc_sat_f64_u;
    }
    unary_trap {
        I32TruncF32S i32_trunc_f32_s;
        I32TruncF32U i32_trunc_f32_u;
        I32TruncF64S i32_trunc_f64_s;
        I32TruncF64U i32_trunc_f64_u;
        I64TruncF32S i64_trunc_f32_s;
        I64TruncF32U i64_trunc_f32_u;
        I64TruncF64S i64_trunc_f64_s;
        I64TruncF64U i64_trunc_f64_u;
    }
    load {
        I32Load 4 load_u32 [F32Load];
        I64Load 8 load_u64 [F64Load];
        I32Load8S 1 load_i32_8s;
        I32Load8U 1 load_8u;
        I32Load16S 2 load_i32_16s;
        I32Load16U 2 load_16u;
        I64Load8S 1 load_i64_8s;
        I64Load8U 1 load_8u;
        I64Load16S 2 load_i64_16s;
        I64Load16U 2 load_16u;
        I64Load32S 4 load_i64_32s;
        I64Load32U 4 load_u32;
    }
    store {
        Store8 Store8Abs 1 [I32Store8 I64Store8];
        Store16 Store16Abs 2 [I32Store16 I64Store16];
        Store32 Store32Abs 4 [I32Store F32Store I64Store32];
        Store64 Store64Abs 8 [I64Store F64Store];
    }
    branch_cmp {
        BrI32Eq BrI32EqImm I32Eq I32EqImm BrI32Ne BrI32NeImm i32_eq i32;
        BrI32Ne BrI32NeImm I32Ne I32NeImm BrI32Eq BrI32EqImm i32_ne i32;
        BrI32LtS BrI32LtSImm I32LtS I32LtSImm BrI32GeS BrI32GeSImm i32_lt_s i32;
        BrI32LtU BrI32LtUImm I32LtU I32LtUImm BrI32GeU BrI32GeUImm i32_lt_u i32;
        BrI32GtS BrI32GtSImm I32GtS I32GtSImm BrI32LeS BrI32LeSImm i32_gt_s i32;
        BrI32GtU BrI32GtUImm I32GtU I32GtUImm BrI32LeU BrI32LeUImm i32_gt_u i32;
        BrI32LeS BrI32LeSImm I32LeS I32LeSImm BrI32GtS BrI32GtSImm i32_le_s i32;
        BrI32LeU BrI32LeUImm I32LeU I32LeUImm BrI32GtU BrI32GtUImm i32_le_u i32;
        BrI32GeS BrI32GeSImm I32GeS I32GeSImm BrI32LtS BrI32LtSImm i32_ge_s i32;
        BrI32GeU BrI32GeUImm I32GeU I32GeUImm BrI32LtU BrI32LtUImm i32_ge_u i32;
        BrI64Eq BrI64EqImm I64Eq I64EqImm BrI64Ne BrI64NeImm i64_eq i64;
        BrI64Ne BrI64NeImm I64Ne I64NeImm BrI64Eq BrI64EqImm i64_ne i64;
        BrI64LtS BrI64LtSImm I64LtS I64LtSImm BrI64GeS BrI64GeSImm i64_lt_s i64;
        BrI64LtU BrI64LtUImm I64LtU I64LtUImm BrI64GeU BrI64GeUImm i64_lt_u i64;
        BrI64GtS BrI64GtSImm I64GtS I64GtSImm BrI64LeS BrI64LeSImm i64_gt_s i64;
        BrI64GtU BrI64GtUImm I64GtU I64GtUImm BrI64LeU BrI64LeUImm i64_gt_u i64;
        BrI64LeS BrI64LeSImm I64LeS I64LeSImm BrI64GtS BrI64GtSImm i64_le_s i64;
        BrI64LeU BrI64LeUImm I64LeU I64LeUImm BrI64GtU BrI64GtUImm i64_le_u i64;
        BrI64GeS BrI64GeSImm I64GeS I64GeSImm BrI64LtS BrI64LtSImm i64_ge_s i64;
        BrI64GeU BrI64GeUImm I64GeU I64GeUImm BrI64LtU BrI64LtUImm i64_ge_u i64;
    }
    branch_eqz {
        I32Eqz BrIfEqz BrIfNez;
        I64Eqz BrIfEqz64 BrIfNez64;
    }
    fuse_binary {
        /// `dst = a * b + c` (i64; fused `i64.mul`, `i64.add`).
        I64MulAdd { a, b, c } = I64Add(I64Mul { lhs: a, rhs: b }, c) => i64_add(i64_mul(a, b), c);
        /// `dst = a * imm + c` (i64; fused `i64.mul`, `i64.add`).
        I64MulImmAdd { a, c; imm: i64 } = I64Add(I64MulImm { lhs: a, imm }, c) => i64_add(i64_mul(a, imm), c);
        /// `dst = a + b + c` (i32; two fused `i32.add`).
        I32Add3 { a, b, c } = I32Add(I32Add { lhs: a, rhs: b }, c) => i32_add(i32_add(a, b), c);
        /// `dst = a + b + c` (i64; two fused `i64.add`).
        I64Add3 { a, b, c } = I64Add(I64Add { lhs: a, rhs: b }, c) => i64_add(i64_add(a, b), c);
        /// `dst = rotl(a, imm) ^ c` (i32; fused `i32.rotl`, `i32.xor`).
        I32RotlImmXor { a, c; imm: i32 } = I32Xor(I32RotlImm { lhs: a, imm }, c) => i32_xor(i32_rotl(a, imm), c);
        /// `dst = a * b + c + d` (i64; fused `i64.mul` and two `i64.add`).
        I64MulAdd2 { a, b, c, d } = I64Add(I64MulAdd { a, b, c }, d) => i64_add(i64_add(i64_mul(a, b), c), d);
        /// `dst = (a & imm) + c` (i64; fused `i64.and`, `i64.add`).
        I64AndImmAdd { a, c; imm: i64 } = I64Add(I64AndImm { lhs: a, imm }, c) => i64_add(i64_and(a, imm), c);
        /// `dst = a ^ b ^ c` (i64; two fused `i64.xor`).
        I64Xor3 { a, b, c } = I64Xor(I64Xor { lhs: a, rhs: b }, c) => i64_xor(i64_xor(a, b), c);
        /// `dst = rotl(a, imm) ^ c` (i64; fused `i64.rotl`, `i64.xor`).
        I64RotlImmXor { a, c; imm: i64 } = I64Xor(I64RotlImm { lhs: a, imm }, c) => i64_xor(i64_rotl(a, imm), c);
        /// `dst = (a ^ imm) & c` (i64; fused `i64.xor`, `i64.and`: with
        /// `imm = -1`, an and-not).
        I64XorImmAnd { a, c; imm: i64 } = I64And(I64XorImm { lhs: a, imm }, c) => i64_and(i64_xor(a, imm), c);
        /// `dst = (a ^ imm) & c` (i32; fused `i32.xor`, `i32.and`).
        I32XorImmAnd { a, c; imm: i32 } = I32And(I32XorImm { lhs: a, imm }, c) => i32_and(i32_xor(a, imm), c);
        /// `dst = (a >> imm) ^ c` (i32, unsigned shift; fused `i32.shr_u`,
        /// `i32.xor`).
        I32ShrUImmXor { a, c; imm: i32 } = I32Xor(I32ShrUImm { lhs: a, imm }, c) => i32_xor(i32_shr_u(a, imm), c);
        /// `dst = (a >> imm) + c` (i64, unsigned shift; fused `i64.shr_u`,
        /// `i64.add`): the carry of multi-word arithmetic.
        I64ShrUImmAdd { a, c; imm: i64 } = I64Add(I64ShrUImm { lhs: a, imm }, c) => i64_add(i64_shr_u(a, imm), c);
        /// `dst = (a << imm) | c` (i64; fused `i64.shl`, `i64.or`): a word
        /// assembled from bytes or halves (Ewasm's big-endian words).
        I64ShlImmOr { a, c; imm: i64 } = I64Or(I64ShlImm { lhs: a, imm }, c) => i64_or(i64_shl(a, imm), c);
        /// `dst = (a << imm) | c` (i32; fused `i32.shl`, `i32.or`).
        I32ShlImmOr { a, c; imm: i32 } = I32Or(I32ShlImm { lhs: a, imm }, c) => i32_or(i32_shl(a, imm), c);
        /// `dst = (a & imm) | c` (i64; fused `i64.and`, `i64.or`): a byte or
        /// field masked into a word.
        I64AndImmOr { a, c; imm: i64 } = I64Or(I64AndImm { lhs: a, imm }, c) => i64_or(i64_and(a, imm), c);
        /// `dst = (!a & c) ^ d` (i64; fused `i64.xor` with -1, `i64.and`,
        /// `i64.xor`): Keccak's chi, an and-not xored into a lane.
        I64AndNotXor { a, c, d } = I64Xor(I64XorImmAnd { a, c, imm }, d) if imm == -1 => i64_xor(i64_and(!a, c), d);
        /// `dst = (a ^ b) & c` (i32; fused `i32.xor`, `i32.and`): half of
        /// SHA-2's majority, `((a ^ b) & c) ^ (a & b)`.
        I32XorAnd { a, b, c } = I32And(I32Xor { lhs: a, rhs: b }, c) => i32_and(i32_xor(a, b), c);
        /// `dst = (a & b) ^ c` (i32; fused `i32.and`, `i32.xor`).
        I32AndXor { a, b, c } = I32Xor(I32And { lhs: a, rhs: b }, c) => i32_xor(i32_and(a, b), c);
        /// `dst = (rotl(a, imm) ^ c) + d` (i32; fused `i32.rotl`,
        /// `i32.xor`, `i32.add`): SHA-256's big sigma, added on.
        I32RotlImmXorAdd { a, c, d; imm: i32 } = I32Add(I32RotlImmXor { a, c, imm }, d) => i32_add(i32_xor(i32_rotl(a, imm), c), d);
        /// `dst = ((a >> imm) ^ c) + d` (i32, unsigned shift; fused
        /// `i32.shr_u`, `i32.xor`, `i32.add`): SHA-256's small sigma of
        /// the message schedule, added on.
        I32ShrUImmXorAdd { a, c, d; imm: i32 } = I32Add(I32ShrUImmXor { a, c, imm }, d) => i32_add(i32_xor(i32_shr_u(a, imm), c), d);
        /// `dst = ((a ^ imm) & c) + d` (i32; fused `i32.xor`, `i32.and`,
        /// `i32.add`): SHA-256's choice, `(e & f) + (!e & g)`, its second
        /// half added on.
        I32XorImmAndAdd { a, c, d; imm: i32 } = I32Add(I32XorImmAnd { a, c, imm }, d) => i32_add(i32_and(i32_xor(a, imm), c), d);
    }
    fuse_binary_imm {
        /// `dst = (a + b) >> imm` (i64, unsigned; fused `i64.add`,
        /// `i64.shr_u`).
        I64AddShrUImm { a, b; imm: i64 } = I64ShrU(I64Add { lhs: a, rhs: b }, imm) => i64_shr_u(i64_add(a, b), imm);
        /// `dst = a + b + imm` (i32; fused `i32.add`, `i32.add`).
        I32Add2Imm { a, b; imm: i32 } = I32Add(I32Add { lhs: a, rhs: b }, imm) => i32_add(i32_add(a, b), imm);
        /// `dst = rotl(a ^ b, imm)` (i64; fused `i64.xor`, `i64.rotl`).
        I64XorRotlImm { a, b; imm: i64 } = I64Rotl(I64Xor { lhs: a, rhs: b }, imm) => i64_rotl(i64_xor(a, b), imm);
    }
    fuse_chain {
        /// `dst = rotl(a, imm_a) ^ rotl(b, imm_b)` (i32; fused
        /// `i32.rotl`, `i32.rotl`, `i32.xor`): the second rotation, fused
        /// with the xor, absorbs the first, whose result it read as `c`
        /// (and not as `b`).
        I32RotlXorRotl { a, b; imm_a: i32, imm_b: i32 }
            = I32RotlImmXor { a: b, c, imm: imm_b } after I32RotlImm { dst: t, lhs: a, imm: imm_a }
            if t == c && t != b
            => i32_xor(i32_rotl(a, imm_a), i32_rotl(b, imm_b));
        /// `dst = a * b + (c >> imm)` (i64, unsigned shift; fused
        /// `i64.mul`, `i64.shr_u`, `i64.add`): a partial product plus the
        /// carry, in multi-word multiplication. The shift is kept in 32
        /// bits (it counts modulo 64), so the instruction stays 16 bytes.
        I64MulShrUImmAdd { a, b, c; imm: u32 }
            = I64ShrUImmAdd { a: c, c: t2, imm } after I64Mul { dst: t, lhs: a, rhs: b }
            if t == t2 && t != c
            => i64_add(i64_mul(a, b), i64_shr_u(c, imm));
        /// `dst = a * b + (c & imm)` (i64; fused `i64.and`, `i64.mul`,
        /// `i64.add`): a partial product plus the low word of the last.
        /// Only for a mask that fits in 32 bits (zero-extended), so the
        /// instruction stays 16 bytes.
        I64MulAndImmAdd { a, b, c; imm: u32 }
            = I64MulAdd { a, b, c: t2 } after I64AndImm { dst: t, lhs: c, imm }
            if t == t2 && t != a && t != b && imm as u64 <= u64::from(u32::MAX)
            => i64_add(i64_mul(a, b), i64_and(c, imm));
        /// `dst = (a & imm) + (b >> shift)` (i64, unsigned shift; fused
        /// `i64.shr_u`, `i64.and`, `i64.add`): the carry out of one limb
        /// added to the low word of the next, in multi-word arithmetic.
        /// Only for a mask that fits in 32 bits; the shift is kept in 32
        /// bits (it counts modulo 64).
        I64AndImmAddShrU { a, b; imm: u32, shift: u32 }
            = I64AndImmAdd { a, c: t2, imm } after I64ShrUImm { dst: t, lhs: b, imm: shift }
            if t == t2 && t != a && imm as u64 <= u64::from(u32::MAX)
            => i64_add(i64_and(a, imm), i64_shr_u(b, shift));
        /// `dst = a * b + (lo & 0xffff_ffff) + (hi >> 32)` (i64; fused
        /// `i64.mul` and `i64.add` with [`Instr::I64AndImmAddShrU`]): one
        /// limb of a multi-word product with 32-bit limbs, the carry of the
        /// last limb and the low word of this one added on.
        I64MulAddLoHi { a, b, lo, hi }
            = I64MulAdd { a, b, c: t2 } after I64AndImmAddShrU { dst: t, a: lo, b: hi, imm: mask, shift }
            if t == t2 && t != a && t != b && mask == u32::MAX && shift % 64 == 32
            => i64_add(i64_add(i64_mul(a, b), i64_and(lo, 0xffff_ffff)), i64_shr_u(hi, 32));
        /// `dst = a * b + (lo & 0xffff_ffff) + (hi >> 32)` (i64; fused
        /// [`Instr::I64MulAndImmAdd`] and then [`Instr::I64ShrUImmAdd`]):
        /// [`Instr::I64MulAddLoHi`] with the carry added last, the order
        /// in which `mul256`'s compiler writes each limb. The sum wraps
        /// the same in either order; the carry's word must not be the
        /// temporary, which the pair wrote before reading it.
        I64MulLoAddHi { a, b, lo, hi }
            = I64ShrUImmAdd { a: hi, c: t2, imm: shift } after I64MulAndImmAdd { dst: t, a, b, c: lo, imm: mask }
            if t == t2 && t != hi && mask == u32::MAX && shift % 64 == 32
            => i64_add(i64_add(i64_mul(a, b), i64_and(lo, 0xffff_ffff)), i64_shr_u(hi, 32));
        /// `dst = a * imm + (lo & 0xffff_ffff) + (hi >> 32)` (i64; as
        /// [`Instr::I64MulAddLoHi`] with a constant factor, as in a
        /// Montgomery reduction's `m * p[j]`). Only for a factor that fits
        /// in 32 bits.
        I64MulImmAddLoHi { a, lo, hi; imm: u32 }
            = I64MulImmAdd { a, c: t2, imm } after I64AndImmAddShrU { dst: t, a: lo, b: hi, imm: mask, shift }
            if t == t2 && t != a && mask == u32::MAX && shift % 64 == 32 && imm as u64 <= u64::from(u32::MAX)
            => i64_add(i64_add(i64_mul(a, imm), i64_and(lo, 0xffff_ffff)), i64_shr_u(hi, 32));
        /// `dst = ((a ^ b) & z) ^ (a & b)` (i32; fused `i32.xor`,
        /// `i32.and`, `i32.and`, `i32.xor`): the majority of three words,
        /// in SHA-2's rounds.
        I32Maj { a, b, z }
            = I32AndXor { a, b, c: t2 } after I32XorAnd { dst: t, a: x, b: y, c: z }
            if t == t2 && t != a && t != b && ((a == x && b == y) || (a == y && b == x))
            => i32_xor(i32_and(i32_xor(a, b), z), i32_and(a, b));
    }
    load_at {
        /// `i32.load` at `offset` from address `base + imm` (wrapping, as
        /// the fused `i32.add` computes it).
        I32LoadAt I32LoadAdd I32Load 4 load_u32;
        /// `i64.load` at `offset` from address `base + imm` (wrapping).
        I64LoadAt I64LoadAdd I64Load 8 load_u64;
    }
    custom {
        /// Traps with `Unreachable`.
        Unreachable;
        /// Charges `amount` fuel.
        ConsumeFuel { amount: u64 };
        /// Charges what metering block `block` of the function costs,
        /// and records it in the store's profile.
        ProfileFuel { block: u32 };
        /// `dst = src`.
        Copy { dst: Slot, src: Slot };
        /// Two copies, in order: `d0 = s0; d1 = s1`.
        Copy2 { d0: Slot, s0: Slot, d1: Slot, s1: Slot };
        /// Three copies, in order.
        Copy3 { d0: Slot, s0: Slot, d1: Slot, s1: Slot, d2: Slot, s2: Slot };
        /// `dst = src`, then jumps to `target` (a copy and the `br` after
        /// it: a value carried to a loop's head or a block's end).
        CopyBr { dst: Slot, src: Slot, target: u32 } @ target;
        /// Two copies, in order, then a jump to `target`.
        Copy2Br { d0: Slot, s0: Slot, d1: Slot, s1: Slot, target: u32 } @ target;
        /// Moves slots `src..src + len` to `dst..dst + len` (as if
        /// through a temporary buffer); both spans lie in the frame.
        CopySpan { dst: Slot, src: Slot, len: u32 };
        /// `dst = value`.
        Const64 { dst: Slot, value: u64 } -> dst;
        /// `dst = if cond != 0 { a } else { b }`.
        Select { dst: Slot, cond: Slot, a: Slot, b: Slot } -> dst;
        /// Jumps to `target`.
        Br { target: u32 } @ target;
        /// Jumps to `target` when `cond` (i32) is not zero.
        BrIfNez { cond: Slot, target: u32 } @ target;
        /// Jumps to `target` when `cond` (i32) is zero.
        BrIfEqz { cond: Slot, target: u32 } @ target;
        /// Jumps to `target` when `cond` (i64) is not zero.
        BrIfNez64 { cond: Slot, target: u32 } @ target;
        /// Jumps to `target` when `cond` (i64) is zero.
        BrIfEqz64 { cond: Slot, target: u32 } @ target;
        /// `dst = lhs + imm` (i32, wrapping), then jumps to `target` when
        /// `dst` is not zero (fused `i32.add` and `br_if`, a `local.tee`
        /// between them or not): a loop's countdown. No peephole rewrites
        /// its `dst` later: it is not declared as its result.
        BrI32AddImmNez { dst: Slot, lhs: Slot, imm: i32, target: u32 } @ target;
        /// `dst = lhs + imm` (i32, wrapping), then jumps to `target` when
        /// `dst` is zero (fused `i32.add` and `br_if` to a false branch:
        /// an `if`).
        BrI32AddImmEqz { dst: Slot, lhs: Slot, imm: i32, target: u32 } @ target;
        /// Jumps through the table of `len + 1` `Br` instructions that
        /// follows: entry `index`, or the last one when out of range.
        BrTable { index: Slot, len: u32 };
        /// Returns; the results are already in slots `0..n`.
        Return;
        /// Copies `src` to slot 0 and returns.
        ReturnSlot { src: Slot };
        /// Calls function `func` among the module's own (not imported)
        /// functions; the callee's frame starts at `base`.
        CallInternal { func: u32, base: Slot };
        /// Calls function `func` of the instance's function index space.
        CallImported { func: u32, base: Slot };
        /// Calls through table `table` at the index in slot `index`,
        /// checking the engine-wide type id `ty`.
        CallIndirect { ty: u32, table: u32, index: Slot, base: Slot };
        /// `dst = global`.
        GlobalGet { dst: Slot, global: u32 } -> dst;
        /// `global = src`.
        GlobalSet { src: Slot, global: u32 };
        /// `dst = memory.size`.
        MemorySize { dst: Slot } -> dst;
        /// `dst = memory.grow(delta)`; `dst` may equal `delta`.
        MemoryGrow { dst: Slot, delta: Slot };
        /// `memory.fill(dst, value, len)`.
        MemoryFill { dst: Slot, value: Slot, len: Slot };
        /// `memory.copy(dst, src, len)`.
        MemoryCopy { dst: Slot, src: Slot, len: Slot };
        /// `memory.init(data, dst, src, len)`.
        MemoryInit { data: u32, dst: Slot, src: Slot, len: Slot };
        /// `data.drop(data)`.
        DataDrop { data: u32 };
        /// `dst = table[index]`.
        TableGet { dst: Slot, table: u32, index: Slot } -> dst;
        /// `table[index] = value`.
        TableSet { table: u32, index: Slot, value: Slot };
        /// `dst = table.size`.
        TableSize { dst: Slot, table: u32 } -> dst;
        /// `dst = table.grow(init, delta)`; the operands are at
        /// `args` (init) and `args + 1` (delta), the result at `args`.
        TableGrow { table: u32, args: Slot };
        /// `table.fill`; the operands are at `args..args+3` (dst, value, len).
        TableFill { table: u32, args: Slot };
        /// `table.copy`; the operands are at `args..args+3` (dst, src, len).
        TableCopy { dst_table: u32, src_table: u32, args: Slot };
        /// `table.init`; the operands are at `args..args+3` (dst, src, len).
        TableInit { table: u32, elem: u32, args: Slot };
        /// `elem.drop(elem)`.
        ElemDrop { elem: u32 };
        /// `dst = ref.func func` (function index space of the instance).
        RefFunc { dst: Slot, func: u32 } -> dst;
    }
}

/// [`Instr::acc_use`] of an instruction with result slot `dst` (0 for
/// none) and slot operands `operands`.
fn acc_of(dst: Slot, operands: &[Slot]) -> (bool, u8) {
    let read = operands
        .iter()
        .position(|&slot| slot == ACC)
        .map_or(0, |at| at as u8 + 1);
    (dst == ACC, read)
}

/// [`Instr::read_acc`] over an instruction's slot operands (`t` is not
/// [`ACC`]).
fn read_acc_in(operands: &mut [&mut Slot], t: Slot) -> bool {
    let mut reading = None;
    for (at, slot) in operands.iter().enumerate() {
        if **slot == ACC || (**slot == t && reading.is_some()) {
            return false;
        }
        if **slot == t {
            reading = Some(at);
        }
    }
    match reading.and_then(|at| operands.get_mut(at)) {
        Some(slot) => {
            **slot = ACC;
            true
        }
        None => false,
    }
}

/// [`read_acc_in`] for an instruction with one slot operand.
#[inline(always)]
fn read_acc_1(operand: &mut Slot, t: Slot) -> bool {
    let reads = *operand == t;
    if reads {
        *operand = ACC;
    }
    reads
}

/// [`read_acc_in`] for an instruction with two slot operands.
#[inline(always)]
fn read_acc_2(a: &mut Slot, b: &mut Slot, t: Slot) -> bool {
    if *a == ACC || *b == ACC {
        return false;
    }
    match (*a == t, *b == t) {
        (true, false) => *a = ACC,
        (false, true) => *b = ACC,
        _ => return false,
    }
    true
}

/// [`Instr::frame_slots`] of an instruction with result slot `dst` and
/// slot operands `operands` (at most four).
fn slots_of(dst: Slot, operands: &[Slot], pure: bool) -> (Slot, [Slot; 4], usize, bool) {
    let mut reads = [0; 4];
    let n = operands.len().min(4);
    reads[..n].copy_from_slice(&operands[..n]);
    (dst, reads, n, pure)
}
