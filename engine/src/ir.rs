//! The internal instruction format that the interpreter runs.
//!
//! Each function is translated once into a flat `[Instr]`. Operands are
//! *slots*: indices into the function's frame, which holds its locals first
//! and its operand stack after them. Branch targets are absolute instruction
//! indices resolved at translation (made relative when the code is threaded,
//! see `exec::dispatch`), so there is no control stack at run time. Besides
//! the generated operators, hand-written instructions cover control flow,
//! entities, and fused pairs of operators (`fuse_binary`).
//!
//! Every numeric, memory and fused-branch operator is listed once, in
//! [`for_each_op`]; the instruction enum, the translator's operator tables
//! and the interpreter's handlers are all generated from that list.

/// A frame-relative value slot.
pub(crate) type Slot = u16;

/// The single list of generated operators, handed to the macro `$m`.
///
/// - `binary`: `dst = f(lhs, rhs)`; `[swap]` names the operator that gives
///   the same result with the operands exchanged, `[imm ty]` the variant
///   with an immediate right operand and the immediate's type.
/// - `binary_trap`, `unary_trap`: as `binary`, `unary`, but `f` may trap.
/// - `load`: bytes read and the function that widens them to a slot value.
/// - `store`: bytes written (the low bytes of the value).
/// - `branch_cmp`: a comparison fused with a conditional branch: the branch
///   variant and its immediate form, the comparison and its immediate form,
///   the negated branch in both forms, the comparison's function and the
///   immediate's type.
macro_rules! for_each_op {
    ($m:ident) => {
        $m! {
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
            I64Eqz i64_eqz;
            I64Extend8S i64_extend8_s;
            I64Extend16S i64_extend16_s;
            I64Extend32S i64_extend32_s;
            I32WrapI64 i32_wrap_i64;
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
            I32Load 4 load_u32;
            I64Load 8 load_u64;
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
            Store8 1;
            Store16 2;
            Store32 4;
            Store64 8;
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
        }
    };
}
pub(crate) use for_each_op;

macro_rules! define_instr {
    (
        binary { $($bin:ident $bf:ident [$($bsw:ident)?] [$($bimm:ident $bimmty:ty)?];)* }
        binary_trap { $($bt:ident $btf:ident;)* }
        unary { $($un:ident $uf:ident;)* }
        unary_trap { $($ut:ident $utf:ident;)* }
        load { $($ld:ident $ldn:literal $ldf:ident;)* }
        store { $($st:ident $stn:literal;)* }
        branch_cmp { $($bc:ident $bci:ident $bccmp:ident $bccmpi:ident $bcneg:ident $bcnegi:ident $bcf:ident $bcty:ty;)* }
    ) => {
        /// One interpreter instruction.
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub(crate) enum Instr {
            $( $bin { dst: Slot, lhs: Slot, rhs: Slot }, )*
            $( $( $bimm { dst: Slot, lhs: Slot, imm: $bimmty }, )? )*
            $( $bt { dst: Slot, lhs: Slot, rhs: Slot }, )*
            $( $un { dst: Slot, src: Slot }, )*
            $( $ut { dst: Slot, src: Slot }, )*
            $( $ld { dst: Slot, addr: Slot, offset: u32 }, )*
            $( $st { addr: Slot, value: Slot, offset: u32 }, )*
            $( $bc { lhs: Slot, rhs: Slot, target: u32 }, )*
            $( $bci { lhs: Slot, imm: $bcty, target: u32 }, )*
            /// Traps with `Unreachable`.
            Unreachable,
            /// Charges `amount` fuel.
            ConsumeFuel { amount: u64 },
            /// Charges what metering block `block` of the function costs,
            /// and records it in the store's profile.
            ProfileFuel { block: u32 },
            /// `dst = src`.
            Copy { dst: Slot, src: Slot },
            /// Two copies, in order: `d0 = s0; d1 = s1`.
            Copy2 { d0: Slot, s0: Slot, d1: Slot, s1: Slot },
            /// Three copies, in order.
            Copy3 { d0: Slot, s0: Slot, d1: Slot, s1: Slot, d2: Slot, s2: Slot },
            /// Moves slots `src..src + len` to `dst..dst + len` (as if
            /// through a temporary buffer); both spans lie in the frame.
            CopySpan { dst: Slot, src: Slot, len: u32 },
            /// `dst = value`.
            Const64 { dst: Slot, value: u64 },
            /// `dst = a * b + c` (i64; fused `i64.mul`, `i64.add`).
            I64MulAdd { dst: Slot, a: Slot, b: Slot, c: Slot },
            /// `dst = a * imm + c` (i64; fused `i64.mul`, `i64.add`).
            I64MulImmAdd { dst: Slot, a: Slot, c: Slot, imm: i64 },
            /// `dst = a + b + c` (i32; two fused `i32.add`).
            I32Add3 { dst: Slot, a: Slot, b: Slot, c: Slot },
            /// `dst = a + b + c` (i64; two fused `i64.add`).
            I64Add3 { dst: Slot, a: Slot, b: Slot, c: Slot },
            /// `dst = rotl(a, imm) ^ c` (i32; fused `i32.rotl`, `i32.xor`).
            I32RotlImmXor { dst: Slot, a: Slot, c: Slot, imm: i32 },
            /// `dst = a * b + c + d` (i64; fused `i64.mul` and two `i64.add`).
            I64MulAdd2 { dst: Slot, a: Slot, b: Slot, c: Slot, d: Slot },
            /// `dst = (a & imm) + c` (i64; fused `i64.and`, `i64.add`).
            I64AndImmAdd { dst: Slot, a: Slot, c: Slot, imm: i64 },
            /// `dst = (a + b) >> imm` (i64, unsigned; fused `i64.add`,
            /// `i64.shr_u`).
            I64AddShrUImm { dst: Slot, a: Slot, b: Slot, imm: i64 },
            /// `dst = a + b + imm` (i32; fused `i32.add`, `i32.add`).
            I32Add2Imm { dst: Slot, a: Slot, b: Slot, imm: i32 },
            /// `dst = rotl(a, imm_a) ^ rotl(b, imm_b)` (i32; fused
            /// `i32.rotl`, `i32.rotl`, `i32.xor`).
            I32RotlXorRotl { dst: Slot, a: Slot, b: Slot, imm_a: i32, imm_b: i32 },
            /// `dst = a ^ b ^ c` (i64; two fused `i64.xor`).
            I64Xor3 { dst: Slot, a: Slot, b: Slot, c: Slot },
            /// `dst = rotl(a, imm) ^ c` (i64; fused `i64.rotl`, `i64.xor`).
            I64RotlImmXor { dst: Slot, a: Slot, c: Slot, imm: i64 },
            /// `dst = rotl(a ^ b, imm)` (i64; fused `i64.xor`, `i64.rotl`).
            I64XorRotlImm { dst: Slot, a: Slot, b: Slot, imm: i64 },
            /// `dst = (a ^ imm) & c` (i64; fused `i64.xor`, `i64.and`: with
            /// `imm = -1`, an and-not).
            I64XorImmAnd { dst: Slot, a: Slot, c: Slot, imm: i64 },
            /// `dst = (a ^ imm) & c` (i32; fused `i32.xor`, `i32.and`).
            I32XorImmAnd { dst: Slot, a: Slot, c: Slot, imm: i32 },
            /// `dst = (a >> imm) ^ c` (i32, unsigned shift; fused
            /// `i32.shr_u`, `i32.xor`).
            I32ShrUImmXor { dst: Slot, a: Slot, c: Slot, imm: i32 },
            /// `i32.load` at `offset` from address `base + imm` (wrapping, as
            /// the fused `i32.add` computes it).
            I32LoadAt { dst: Slot, base: Slot, imm: i32, offset: u32 },
            /// `i64.load` at `offset` from address `base + imm` (wrapping).
            I64LoadAt { dst: Slot, base: Slot, imm: i32, offset: u32 },
            /// `dst = if cond != 0 { a } else { b }`.
            Select { dst: Slot, cond: Slot, a: Slot, b: Slot },
            /// Jumps to `target`.
            Br { target: u32 },
            /// Jumps to `target` when `cond` (i32) is not zero.
            BrIfNez { cond: Slot, target: u32 },
            /// Jumps to `target` when `cond` (i32) is zero.
            BrIfEqz { cond: Slot, target: u32 },
            /// Jumps to `target` when `cond` (i64) is not zero.
            BrIfNez64 { cond: Slot, target: u32 },
            /// Jumps to `target` when `cond` (i64) is zero.
            BrIfEqz64 { cond: Slot, target: u32 },
            /// Jumps through the table of `len + 1` `Br` instructions that
            /// follows: entry `index`, or the last one when out of range.
            BrTable { index: Slot, len: u32 },
            /// Returns; the results are already in slots `0..n`.
            Return,
            /// Copies `src` to slot 0 and returns.
            ReturnSlot { src: Slot },
            /// Calls function `func` among the module's own (not imported)
            /// functions; the callee's frame starts at `base`.
            CallInternal { func: u32, base: Slot },
            /// Calls function `func` of the instance's function index space.
            CallImported { func: u32, base: Slot },
            /// Calls through table `table` at the index in slot `index`,
            /// checking the engine-wide type id `ty`.
            CallIndirect { ty: u32, table: u32, index: Slot, base: Slot },
            /// `dst = global`.
            GlobalGet { dst: Slot, global: u32 },
            /// `global = src`.
            GlobalSet { src: Slot, global: u32 },
            /// `dst = memory.size`.
            MemorySize { dst: Slot },
            /// `dst = memory.grow(delta)`; `dst` may equal `delta`.
            MemoryGrow { dst: Slot, delta: Slot },
            /// `memory.fill(dst, value, len)`.
            MemoryFill { dst: Slot, value: Slot, len: Slot },
            /// `memory.copy(dst, src, len)`.
            MemoryCopy { dst: Slot, src: Slot, len: Slot },
            /// `memory.init(data, dst, src, len)`.
            MemoryInit { data: u32, dst: Slot, src: Slot, len: Slot },
            /// `data.drop(data)`.
            DataDrop { data: u32 },
            /// `dst = table[index]`.
            TableGet { dst: Slot, table: u32, index: Slot },
            /// `table[index] = value`.
            TableSet { table: u32, index: Slot, value: Slot },
            /// `dst = table.size`.
            TableSize { dst: Slot, table: u32 },
            /// `dst = table.grow(init, delta)`; the operands are at
            /// `args` (init) and `args + 1` (delta), the result at `args`.
            TableGrow { table: u32, args: Slot },
            /// `table.fill`; the operands are at `args..args+3` (dst, value, len).
            TableFill { table: u32, args: Slot },
            /// `table.copy`; the operands are at `args..args+3` (dst, src, len).
            TableCopy { dst_table: u32, src_table: u32, args: Slot },
            /// `table.init`; the operands are at `args..args+3` (dst, src, len).
            TableInit { table: u32, elem: u32, args: Slot },
            /// `elem.drop(elem)`.
            ElemDrop { elem: u32 },
            /// `dst = ref.func func` (function index space of the instance).
            RefFunc { dst: Slot, func: u32 },
        }

        /// A binary operator, as the translator sees it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum BinOp {
            $( $bin, )*
            $( $bt, )*
        }

        impl BinOp {
            /// The instruction `dst = self(lhs, rhs)`.
            pub(crate) fn instr(self, dst: Slot, lhs: Slot, rhs: Slot) -> Instr {
                match self {
                    $( BinOp::$bin => Instr::$bin { dst, lhs, rhs }, )*
                    $( BinOp::$bt => Instr::$bt { dst, lhs, rhs }, )*
                }
            }

            /// The instruction `dst = self(lhs, value)` with the constant
            /// as an immediate, if there is one. `value` holds the bits of
            /// the constant (an `i32` zero-extended); the immediate keeps
            /// the operator's width.
            pub(crate) fn instr_imm(self, dst: Slot, lhs: Slot, value: u64) -> Option<Instr> {
                match self {
                    $( $( BinOp::$bin => Some(Instr::$bimm { dst, lhs, imm: value as $bimmty }), )? )*
                    _ => None,
                }
            }

            /// The operator equal to this one with its operands exchanged.
            pub(crate) fn swapped(self) -> Option<BinOp> {
                match self {
                    $( $( BinOp::$bin => Some(BinOp::$bsw), )? )*
                    _ => None,
                }
            }
        }

        /// Fuses a comparison instruction (slot or immediate form) into a
        /// branch to `target`, taken when the comparison holds, or when it
        /// fails if `negate` is set. `None` if `cmp` is no such comparison.
        pub(crate) fn fuse_branch(cmp: Instr, negate: bool, target: u32) -> Option<Instr> {
            Some(match (cmp, negate) {
                $(
                    (Instr::$bccmp { lhs, rhs, .. }, false) => Instr::$bc { lhs, rhs, target },
                    (Instr::$bccmp { lhs, rhs, .. }, true) => Instr::$bcneg { lhs, rhs, target },
                    (Instr::$bccmpi { lhs, imm, .. }, false) => Instr::$bci { lhs, imm, target },
                    (Instr::$bccmpi { lhs, imm, .. }, true) => Instr::$bcnegi { lhs, imm, target },
                )*
                _ => return None,
            })
        }

        /// Fuses `dst = op(x, t)` (either operand order) with `producer`,
        /// the instruction that wrote temporary `t`, which only `op`
        /// reads. `None` if the pair has no fused form.
        pub(crate) fn fuse_binary(op: BinOp, dst: Slot, x: Slot, producer: Instr) -> Option<Instr> {
            Some(match (op, producer) {
                (BinOp::I64Add, Instr::I64Mul { lhs: a, rhs: b, .. }) => {
                    Instr::I64MulAdd { dst, a, b, c: x }
                }
                (BinOp::I64Add, Instr::I64MulImm { lhs: a, imm, .. }) => {
                    Instr::I64MulImmAdd { dst, a, c: x, imm }
                }
                (BinOp::I32Add, Instr::I32Add { lhs: a, rhs: b, .. }) => {
                    Instr::I32Add3 { dst, a, b, c: x }
                }
                (BinOp::I64Add, Instr::I64Add { lhs: a, rhs: b, .. }) => {
                    Instr::I64Add3 { dst, a, b, c: x }
                }
                (BinOp::I32Xor, Instr::I32RotlImm { lhs: a, imm, .. }) => {
                    Instr::I32RotlImmXor { dst, a, c: x, imm }
                }
                (BinOp::I64Add, Instr::I64MulAdd { a, b, c, .. }) => {
                    Instr::I64MulAdd2 { dst, a, b, c, d: x }
                }
                (BinOp::I64Add, Instr::I64AndImm { lhs: a, imm, .. }) => {
                    Instr::I64AndImmAdd { dst, a, c: x, imm }
                }
                (BinOp::I64Xor, Instr::I64Xor { lhs: a, rhs: b, .. }) => {
                    Instr::I64Xor3 { dst, a, b, c: x }
                }
                (BinOp::I64Xor, Instr::I64RotlImm { lhs: a, imm, .. }) => {
                    Instr::I64RotlImmXor { dst, a, c: x, imm }
                }
                (BinOp::I64And, Instr::I64XorImm { lhs: a, imm, .. }) => {
                    Instr::I64XorImmAnd { dst, a, c: x, imm }
                }
                (BinOp::I32And, Instr::I32XorImm { lhs: a, imm, .. }) => {
                    Instr::I32XorImmAnd { dst, a, c: x, imm }
                }
                (BinOp::I32Xor, Instr::I32ShrUImm { lhs: a, imm, .. }) => {
                    Instr::I32ShrUImmXor { dst, a, c: x, imm }
                }
                _ => return None,
            })
        }

        /// Fuses `dst = op(t, value)` (an operator with an immediate right
        /// operand) with `producer`, the instruction that wrote temporary
        /// `t`, which only `op` reads. `None` if the pair has no fused form.
        pub(crate) fn fuse_binary_imm(op: BinOp, dst: Slot, value: u64, producer: Instr) -> Option<Instr> {
            Some(match (op, producer) {
                (BinOp::I64ShrU, Instr::I64Add { lhs: a, rhs: b, .. }) => {
                    Instr::I64AddShrUImm { dst, a, b, imm: value as i64 }
                }
                (BinOp::I32Add, Instr::I32Add { lhs: a, rhs: b, .. }) => {
                    Instr::I32Add2Imm { dst, a, b, imm: value as i32 }
                }
                (BinOp::I64Rotl, Instr::I64Xor { lhs: a, rhs: b, .. }) => {
                    Instr::I64XorRotlImm { dst, a, b, imm: value as i64 }
                }
                _ => return None,
            })
        }

        /// The branch target of a branch instruction, for patching.
        pub(crate) fn branch_target(instr: &mut Instr) -> Option<&mut u32> {
            match instr {
                $( Instr::$bc { target, .. } => Some(target), )*
                $( Instr::$bci { target, .. } => Some(target), )*
                Instr::Br { target }
                | Instr::BrIfNez { target, .. }
                | Instr::BrIfEqz { target, .. }
                | Instr::BrIfNez64 { target, .. }
                | Instr::BrIfEqz64 { target, .. } => Some(target),
                _ => None,
            }
        }

        /// The destination slot of an instruction that writes exactly one
        /// slot as its last effect, so that the translator may redirect it.
        pub(crate) fn result_slot(instr: &mut Instr) -> Option<&mut Slot> {
            match instr {
                $( Instr::$bin { dst, .. } => Some(dst), )*
                $( $( Instr::$bimm { dst, .. } => Some(dst), )? )*
                $( Instr::$bt { dst, .. } => Some(dst), )*
                $( Instr::$un { dst, .. } => Some(dst), )*
                $( Instr::$ut { dst, .. } => Some(dst), )*
                $( Instr::$ld { dst, .. } => Some(dst), )*
                Instr::Const64 { dst, .. }
                | Instr::I64MulAdd { dst, .. }
                | Instr::I64MulImmAdd { dst, .. }
                | Instr::I32Add3 { dst, .. }
                | Instr::I64Add3 { dst, .. }
                | Instr::I32RotlImmXor { dst, .. }
                | Instr::I64MulAdd2 { dst, .. }
                | Instr::I64AndImmAdd { dst, .. }
                | Instr::I64AddShrUImm { dst, .. }
                | Instr::I32Add2Imm { dst, .. }
                | Instr::I32RotlXorRotl { dst, .. }
                | Instr::I64Xor3 { dst, .. }
                | Instr::I64RotlImmXor { dst, .. }
                | Instr::I64XorRotlImm { dst, .. }
                | Instr::I64XorImmAnd { dst, .. }
                | Instr::I32XorImmAnd { dst, .. }
                | Instr::I32ShrUImmXor { dst, .. }
                | Instr::I32LoadAt { dst, .. }
                | Instr::I64LoadAt { dst, .. }
                | Instr::Select { dst, .. }
                | Instr::GlobalGet { dst, .. }
                | Instr::MemorySize { dst }
                | Instr::TableGet { dst, .. }
                | Instr::TableSize { dst, .. }
                | Instr::RefFunc { dst, .. } => Some(dst),
                _ => None,
            }
        }
    };
}

for_each_op!(define_instr);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instructions_stay_sixteen_bytes() {
        assert_eq!(std::mem::size_of::<Instr>(), 16);
    }
}
