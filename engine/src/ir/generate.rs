//! `define_ir!`: expands the instruction list of `ir.rs` into the
//! instruction set and everything derived from it.
//!
//! It is the only macro that reads the list's grammar (documented with the
//! list). From one invocation it generates:
//!
//! - `Instr`, every variant with its operands;
//! - the translator's view: `BinOp` (with each operator's immediate and
//!   swapped forms), `Simple::of` (which Wasm operators translate to which
//!   plain instruction), the fusion tables `fuse_binary`,
//!   `fuse_binary_imm`, `fuse_chain`, `fuse_load` and `fuse_branch`,
//!   `result_slot` and `branch_target`;
//! - `for_each_handler!`, the list again in one uniform shape,
//!   `kind Name (arguments);`, from which `exec::handlers` makes the
//!   handlers of the generated kinds and the table from instruction to
//!   handler (`handler_of`), without reading this grammar again;
//! - for tests, `Instr::NAMES` and `Instr::name`.

macro_rules! define_ir {
    (
        binary {
            $( $bin:ident $bf:ident [$($bsw:ident)?] [$($bimm:ident $bimmty:ty)?]; )*
        }
        binary_trap {
            $( $bt:ident $btf:ident; )*
        }
        unary {
            $( $un:ident $uf:ident $([$($ua:ident)*])?; )*
        }
        unary_trap {
            $( $ut:ident $utf:ident; )*
        }
        load {
            $( $ld:ident $ldn:literal $ldf:ident $([$($lda:ident)*])?; )*
        }
        store {
            $( $st:ident $stat:ident $stn:literal [$($sta:ident)*]; )*
        }
        branch_cmp {
            $( $bc:ident $bci:ident $bccmp:ident $bccmpi:ident $bcneg:ident $bcnegi:ident $bcf:ident $bcty:ty; )*
        }
        branch_eqz {
            $( $bz:ident $bzyes:ident $bzno:ident; )*
        }
        fuse_binary {
            $(
                $(#[$fbdoc:meta])*
                $fb:ident { $($fbs:ident),* $(; $($fbi:ident: $fbity:ty),*)? }
                    = $fbop:ident($fbp:ident { $($fbpf:ident $(: $fbpv:ident)?),* }, $fbx:ident)
                    $(if $fbguard:expr)?
                    => $fbv:expr;
            )*
        }
        fuse_binary_imm {
            $(
                $(#[$fidoc:meta])*
                $fi:ident { $($fis:ident),* $(; $($fii:ident: $fiity:ty),*)? }
                    = $fiop:ident($fip:ident { $($fipf:ident $(: $fipv:ident)?),* }, $fix:ident)
                    => $fiv:expr;
            )*
        }
        fuse_chain {
            $(
                $(#[$fcdoc:meta])*
                $fc:ident { $($fcs:ident),* $(; $($fci:ident: $fcity:ty),*)? }
                    = $fccons:ident { $($fccf:ident $(: $fccv:ident)?),* }
                    after $fcp:ident { $($fcpf:ident $(: $fcpv:ident)?),* }
                    if $fcguard:expr
                    => $fcv:expr;
            )*
        }
        load_at {
            $( $(#[$ladoc:meta])* $la:ident $lr:ident $lald:ident $lan:literal $laf:ident; )*
        }
        custom {
            $(
                $(#[$cdoc:meta])*
                $c:ident $({ $($cf:ident: $cty:ty),* })? $(-> $cdst:ident)? $(@ $ctarget:ident)?;
            )*
        }
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
            $(
                #[doc = concat!("`", stringify!($st), "` at a constant address (the operator's address and offset added).")]
                $stat { value: Slot, address: u32 },
            )*
            $( $bc { lhs: Slot, rhs: Slot, target: u32 }, )*
            $( $bci { lhs: Slot, imm: $bcty, target: u32 }, )*
            $( $(#[$fbdoc])* $fb { dst: Slot, $($fbs: Slot,)* $($($fbi: $fbity,)*)? }, )*
            $( $(#[$fidoc])* $fi { dst: Slot, $($fis: Slot,)* $($($fii: $fiity,)*)? }, )*
            $( $(#[$fcdoc])* $fc { dst: Slot, $($fcs: Slot,)* $($($fci: $fcity,)*)? }, )*
            $( $(#[$ladoc])* $la { dst: Slot, base: Slot, imm: i32, offset: u32 }, )*
            $(
                #[doc = concat!("`", stringify!($lald), "` at `offset` from address `a + b` (wrapping, as the fused `i32.add` computes it).")]
                $lr { dst: Slot, a: Slot, b: Slot, offset: u32 },
            )*
            $( $(#[$cdoc])* $c $({ $($cf: $cty),* })?, )*
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

            /// Writes `dst = self(lhs, value)` with the constant as an
            /// immediate into `to`, if there is such a form (as
            /// [`BinOp::instr_imm`]); `false`, `to` untouched, if not.
            /// Written in place: an instruction built elsewhere and copied
            /// is read back whole just after it was written in parts (a
            /// store-forwarding stall).
            #[inline(always)]
            pub(crate) fn write_imm(self, to: &mut Instr, dst: Slot, lhs: Slot, value: u64) -> bool {
                match self {
                    $( $(
                        BinOp::$bin => {
                            *to = Instr::$bimm { dst, lhs, imm: value as $bimmty };
                            true
                        }
                    )? )*
                    _ => false,
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

        /// The shape of a Wasm operator that becomes one plain instruction.
        #[derive(Debug, Clone, Copy)]
        pub(crate) enum Simple {
            /// `dst = op(lhs, rhs)`.
            Binary(BinOp),
            /// Makes `dst = op(src)`.
            Unary(fn(Slot, Slot) -> Instr),
            /// Makes the load `dst = [addr + offset]`, with the offset.
            Load(fn(Slot, Slot, u32) -> Instr, u64),
            /// Makes the store `[addr + offset] = value`, and the store
            /// `[address] = value` at a constant address, with the offset.
            Store(fn(Slot, Slot, u32) -> Instr, fn(Slot, u32) -> Instr, u64),
        }

        impl Simple {
            /// The plain instruction that `op` translates to, if it is a
            /// numeric operator, a load or a store. Inlined: the visitor,
            /// which has just built `op`, gets a constant.
            #[inline(always)]
            pub(crate) fn of(op: &Operator<'_>) -> Option<Simple> {
                Some(match op {
                    $( Operator::$bin => Simple::Binary(BinOp::$bin), )*
                    $( Operator::$bt => Simple::Binary(BinOp::$bt), )*
                    $(
                        Operator::$un $($( | Operator::$ua )*)? => {
                            Simple::Unary(|dst, src| Instr::$un { dst, src })
                        }
                    )*
                    $(
                        Operator::$ut => Simple::Unary(|dst, src| Instr::$ut { dst, src }),
                    )*
                    $(
                        Operator::$ld { memarg } $($( | Operator::$lda { memarg } )*)? => {
                            Simple::Load(|dst, addr, offset| Instr::$ld { dst, addr, offset }, memarg.offset)
                        }
                    )*
                    $(
                        $( | Operator::$sta { memarg } )* => {
                            Simple::Store(
                                |addr, value, offset| Instr::$st { addr, value, offset },
                                |value, address| Instr::$stat { value, address },
                                memarg.offset,
                            )
                        }
                    )*
                    _ => return None,
                })
            }
        }

        /// Fuses the instruction that computed a branch condition (slot or
        /// immediate form of a comparison, or an `eqz`) into a branch to
        /// `target`, taken when the condition is not zero, or when it is
        /// if `negate` is set. `None` if `cond` has no such form.
        pub(crate) fn fuse_branch(cond: Instr, negate: bool, target: u32) -> Option<Instr> {
            Some(match (cond, negate) {
                $(
                    (Instr::$bccmp { lhs, rhs, .. }, false) => Instr::$bc { lhs, rhs, target },
                    (Instr::$bccmp { lhs, rhs, .. }, true) => Instr::$bcneg { lhs, rhs, target },
                    (Instr::$bccmpi { lhs, imm, .. }, false) => Instr::$bci { lhs, imm, target },
                    (Instr::$bccmpi { lhs, imm, .. }, true) => Instr::$bcnegi { lhs, imm, target },
                )*
                $(
                    (Instr::$bz { src, .. }, false) => Instr::$bzyes { cond: src, target },
                    (Instr::$bz { src, .. }, true) => Instr::$bzno { cond: src, target },
                )*
                _ => return None,
            })
        }

        /// Fuses `dst = op(x, t)` (either operand order) with `producer`,
        /// the instruction that wrote temporary `t`, which only `op`
        /// reads. `None` if the pair has no fused form.
        pub(crate) fn fuse_binary(op: BinOp, dst: Slot, x: Slot, producer: Instr) -> Option<Instr> {
            Some(match (op, producer) {
                $(
                    (BinOp::$fbop, Instr::$fbp { $($fbpf $(: $fbpv)?,)* .. }) $(if $fbguard)? => {
                        let $fbx = x;
                        Instr::$fb { dst, $($fbs,)* $($($fbi,)*)? }
                    }
                )*
                _ => return None,
            })
        }

        /// Fuses `dst = op(t, value)` (an operator with an immediate right
        /// operand) with `producer`, the instruction that wrote temporary
        /// `t`, which only `op` reads. `None` if the pair has no fused form.
        pub(crate) fn fuse_binary_imm(op: BinOp, dst: Slot, value: u64, producer: Instr) -> Option<Instr> {
            Some(match (op, producer) {
                $(
                    (BinOp::$fiop, Instr::$fip { $($fipf $(: $fipv)?,)* .. }) => {
                        let $fix = value as _;
                        Instr::$fi { dst, $($fis,)* $($($fii,)*)? }
                    }
                )*
                _ => return None,
            })
        }

        /// Fuses `fused`, an instruction just fused whose other operand
        /// is a temporary that only it reads, with `before`, the
        /// instruction before it, if that wrote the temporary. `None` if
        /// the pair has no fused form.
        // An immediate is converted to its field's type (the guard checks
        // the conversion loses nothing that matters), a no-op where the
        // types already agree.
        #[allow(clippy::unnecessary_cast)]
        pub(crate) fn fuse_chain(fused: Instr, before: Instr) -> Option<Instr> {
            match (fused, before) {
                $(
                    (
                        Instr::$fccons { dst, $($fccf $(: $fccv)?,)* .. },
                        Instr::$fcp { $($fcpf $(: $fcpv)?,)* .. },
                    ) if $fcguard => Some(Instr::$fc { dst, $($fcs,)* $($($fci: $fci as $fcity,)*)? }),
                )*
                _ => None,
            }
        }

        /// Fuses `load`, a load from the address in temporary `t`, with
        /// `producer`, the `base + imm` or `a + b` that wrote `t`, which
        /// only the load reads. `None` if the load has no such form.
        pub(crate) fn fuse_load(load: Instr, producer: Instr) -> Option<Instr> {
            match (load, producer) {
                $(
                    (Instr::$lald { dst, offset, .. }, Instr::I32AddImm { lhs: base, imm, .. }) => {
                        Some(Instr::$la { dst, base, imm, offset })
                    }
                    (Instr::$lald { dst, offset, .. }, Instr::I32Add { lhs: a, rhs: b, .. }) => {
                        Some(Instr::$lr { dst, a, b, offset })
                    }
                )*
                _ => None,
            }
        }

        /// The branch target of a branch instruction, for patching.
        pub(crate) fn branch_target(instr: &mut Instr) -> Option<&mut u32> {
            match instr {
                $( Instr::$bc { target, .. } => Some(target), )*
                $( Instr::$bci { target, .. } => Some(target), )*
                $( $( Instr::$c { $ctarget, .. } => Some($ctarget), )? )*
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
                $( Instr::$fb { dst, .. } => Some(dst), )*
                $( Instr::$fi { dst, .. } => Some(dst), )*
                $( Instr::$fc { dst, .. } => Some(dst), )*
                $( Instr::$la { dst, .. } => Some(dst), )*
                $( Instr::$lr { dst, .. } => Some(dst), )*
                $( $( Instr::$c { $cdst, .. } => Some($cdst), )? )*
                _ => None,
            }
        }

        impl Instr {
            /// Whether this instruction writes its result only to the
            /// accumulator ([`ACC`]), and which of its slot operands
            /// (counted from 1, in the order of its fields; 0 for none) it
            /// reads from it: the variant of its handler.
            pub(crate) fn acc_use(&self) -> (bool, u8) {
                match *self {
                    $( Instr::$bin { dst, lhs, rhs } => acc_of(dst, &[lhs, rhs]), )*
                    $( $( Instr::$bimm { dst, lhs, .. } => acc_of(dst, &[lhs]), )? )*
                    $( Instr::$bt { dst, lhs, rhs } => acc_of(dst, &[lhs, rhs]), )*
                    $( Instr::$un { dst, src } => acc_of(dst, &[src]), )*
                    $( Instr::$ut { dst, src } => acc_of(dst, &[src]), )*
                    $( Instr::$ld { dst, addr, .. } => acc_of(dst, &[addr]), )*
                    $( Instr::$st { addr, value, .. } => acc_of(0, &[addr, value]), )*
                    $( Instr::$stat { value, .. } => acc_of(0, &[value]), )*
                    $( Instr::$bc { lhs, rhs, .. } => acc_of(0, &[lhs, rhs]), )*
                    $( Instr::$bci { lhs, .. } => acc_of(0, &[lhs]), )*
                    $( Instr::$fb { dst, $($fbs,)* .. } => acc_of(dst, &[$($fbs),*]), )*
                    $( Instr::$fi { dst, $($fis,)* .. } => acc_of(dst, &[$($fis),*]), )*
                    $( Instr::$fc { dst, $($fcs,)* .. } => acc_of(dst, &[$($fcs),*]), )*
                    $( Instr::$la { dst, base, .. } => acc_of(dst, &[base]), )*
                    $( Instr::$lr { dst, a, b, .. } => acc_of(dst, &[a, b]), )*
                    // The custom instructions whose handlers read their
                    // one slot operand from the accumulator when it names
                    // it: the branches a comparison, an `eqz` or an
                    // `i32.add` with an immediate fuses into, and the
                    // return of one value.
                    Instr::BrIfNez { cond, .. }
                    | Instr::BrIfEqz { cond, .. }
                    | Instr::BrIfNez64 { cond, .. }
                    | Instr::BrIfEqz64 { cond, .. } => acc_of(0, &[cond]),
                    Instr::BrI32AddImmNez { lhs, .. } | Instr::BrI32AddImmEqz { lhs, .. } => {
                        acc_of(0, &[lhs])
                    }
                    Instr::ReturnSlot { src } => acc_of(0, &[src]),
                    _ => (false, 0),
                }
            }

            /// For an instruction whose only effect on the frame is its
            /// result slot (numeric operators, loads, fused ones): that
            /// slot, the slots it reads (the first `n` of the array), and
            /// whether it can neither trap nor read memory, so that the
            /// translator may move it past others.
            pub(crate) fn frame_slots(&self) -> Option<(Slot, [Slot; 4], usize, bool)> {
                match *self {
                    $( Instr::$bin { dst, lhs, rhs } => Some((dst, [lhs, rhs, 0, 0], 2, true)), )*
                    $( $( Instr::$bimm { dst, lhs, .. } => Some((dst, [lhs, 0, 0, 0], 1, true)), )? )*
                    $( Instr::$bt { dst, lhs, rhs } => Some((dst, [lhs, rhs, 0, 0], 2, false)), )*
                    $( Instr::$un { dst, src } => Some((dst, [src, 0, 0, 0], 1, true)), )*
                    $( Instr::$ut { dst, src } => Some((dst, [src, 0, 0, 0], 1, false)), )*
                    $( Instr::$ld { dst, addr, .. } => Some((dst, [addr, 0, 0, 0], 1, false)), )*
                    $( Instr::$fb { dst, $($fbs,)* .. } => Some(slots_of(dst, &[$($fbs),*], true)), )*
                    $( Instr::$fi { dst, $($fis,)* .. } => Some(slots_of(dst, &[$($fis),*], true)), )*
                    $( Instr::$fc { dst, $($fcs,)* .. } => Some(slots_of(dst, &[$($fcs),*], true)), )*
                    $( Instr::$la { dst, base, .. } => Some((dst, [base, 0, 0, 0], 1, false)), )*
                    $( Instr::$lr { dst, a, b, .. } => Some((dst, [a, b, 0, 0], 2, false)), )*
                    _ => None,
                }
            }

            /// The result slot of an instruction whose handler leaves its
            /// result in the accumulator too, and can leave it only there
            /// ([`Instr::acc_use`]).
            pub(crate) fn acc_result(&mut self) -> Option<&mut Slot> {
                match self {
                    $( Instr::$bin { dst, .. } => Some(dst), )*
                    $( $( Instr::$bimm { dst, .. } => Some(dst), )? )*
                    $( Instr::$bt { dst, .. } => Some(dst), )*
                    $( Instr::$un { dst, .. } => Some(dst), )*
                    $( Instr::$ut { dst, .. } => Some(dst), )*
                    $( Instr::$ld { dst, .. } => Some(dst), )*
                    $( Instr::$fb { dst, .. } => Some(dst), )*
                    $( Instr::$fi { dst, .. } => Some(dst), )*
                    $( Instr::$fc { dst, .. } => Some(dst), )*
                    $( Instr::$la { dst, .. } => Some(dst), )*
                    $( Instr::$lr { dst, .. } => Some(dst), )*
                    _ => None,
                }
            }

            /// Makes the slot operand that reads `t` read the accumulator
            /// instead, if exactly one does, none reads the accumulator
            /// already, and this instruction's handler can
            /// ([`Instr::acc_use`]). `false`, nothing changed, if not.
            pub(crate) fn read_acc(&mut self, t: Slot) -> bool {
                if t == ACC {
                    return false;
                }
                match self {
                    $( Instr::$bin { lhs, rhs, .. } => read_acc_2(lhs, rhs, t), )*
                    $( $( Instr::$bimm { lhs, .. } => read_acc_1(lhs, t), )? )*
                    $( Instr::$bt { lhs, rhs, .. } => read_acc_2(lhs, rhs, t), )*
                    $( Instr::$un { src, .. } => read_acc_1(src, t), )*
                    $( Instr::$ut { src, .. } => read_acc_1(src, t), )*
                    $( Instr::$ld { addr, .. } => read_acc_1(addr, t), )*
                    $( Instr::$st { addr, value, .. } => read_acc_2(addr, value, t), )*
                    $( Instr::$stat { value, .. } => read_acc_1(value, t), )*
                    $( Instr::$bc { lhs, rhs, .. } => read_acc_2(lhs, rhs, t), )*
                    $( Instr::$bci { lhs, .. } => read_acc_1(lhs, t), )*
                    $( Instr::$fb { $($fbs,)* .. } => read_acc_in(&mut [$($fbs),*], t), )*
                    $( Instr::$fi { $($fis,)* .. } => read_acc_in(&mut [$($fis),*], t), )*
                    $( Instr::$fc { $($fcs,)* .. } => read_acc_in(&mut [$($fcs),*], t), )*
                    $( Instr::$la { base, .. } => read_acc_1(base, t), )*
                    $( Instr::$lr { a, b, .. } => read_acc_2(a, b, t), )*
                    Instr::BrIfNez { cond, .. }
                    | Instr::BrIfEqz { cond, .. }
                    | Instr::BrIfNez64 { cond, .. }
                    | Instr::BrIfEqz64 { cond, .. } => read_acc_1(cond, t),
                    Instr::BrI32AddImmNez { lhs, .. } | Instr::BrI32AddImmEqz { lhs, .. } => {
                        read_acc_1(lhs, t)
                    }
                    Instr::ReturnSlot { src } => read_acc_1(src, t),
                    _ => false,
                }
            }
        }

        #[cfg(test)]
        impl Instr {
            /// Every instruction's name, in the order of the list.
            pub(crate) const NAMES: &'static [&'static str] = &[
                $( stringify!($bin), )*
                $( $( stringify!($bimm), )? )*
                $( stringify!($bt), )*
                $( stringify!($un), )*
                $( stringify!($ut), )*
                $( stringify!($ld), )*
                $( stringify!($st), )*
                $( stringify!($stat), )*
                $( stringify!($bc), stringify!($bci), )*
                $( stringify!($fb), )*
                $( stringify!($fi), )*
                $( stringify!($fc), )*
                $( stringify!($la), )*
                $( stringify!($lr), )*
                $( stringify!($c), )*
            ];

            /// This instruction's name.
            pub(crate) fn name(&self) -> &'static str {
                match self {
                    $( Instr::$bin { .. } => stringify!($bin), )*
                    $( $( Instr::$bimm { .. } => stringify!($bimm), )? )*
                    $( Instr::$bt { .. } => stringify!($bt), )*
                    $( Instr::$un { .. } => stringify!($un), )*
                    $( Instr::$ut { .. } => stringify!($ut), )*
                    $( Instr::$ld { .. } => stringify!($ld), )*
                    $( Instr::$st { .. } => stringify!($st), )*
                    $( Instr::$stat { .. } => stringify!($stat), )*
                    $( Instr::$bc { .. } => stringify!($bc), Instr::$bci { .. } => stringify!($bci), )*
                    $( Instr::$fb { .. } => stringify!($fb), )*
                    $( Instr::$fi { .. } => stringify!($fi), )*
                    $( Instr::$fc { .. } => stringify!($fc), )*
                    $( Instr::$la { .. } => stringify!($la), )*
                    $( Instr::$lr { .. } => stringify!($lr), )*
                    $( Instr::$c { .. } => stringify!($c), )*
                }
            }
        }

        /// Hands every instruction to the macro `$m` as
        /// `kind Name (arguments);`, the one shape its handler needs:
        /// `binary`, `binary_imm`, `binary_trap`, `unary`, `unary_trap`,
        /// `branch_cmp` and `branch_cmp_imm` with their function in
        /// `exec::num`; `load` and `load_at` with their width in bytes and
        /// widening function; `store` with its width; `fused` with its
        /// slot operands, its immediates and the value it computes; and
        /// `custom`, whose handler is written by hand under the
        /// instruction's name.
        macro_rules! for_each_handler {
            ($m:ident) => {
                $m! {
                    $( binary $bin ($bf); )*
                    $( $( binary_imm $bimm ($bf); )? )*
                    $( binary_trap $bt ($btf); )*
                    $( unary $un ($uf); )*
                    $( unary_trap $ut ($utf); )*
                    $( load $ld ($ldn $ldf); )*
                    $( store $st ($stn); )*
                    $( store_abs $stat ($stn); )*
                    $( branch_cmp $bc ($bcf); branch_cmp_imm $bci ($bcf); )*
                    $( fused $fb ({ $($fbs),* ; $($($fbi),*)? } $fbv); )*
                    $( fused $fi ({ $($fis),* ; $($($fii),*)? } $fiv); )*
                    $( fused $fc ({ $($fcs),* ; $($($fci),*)? } $fcv); )*
                    $( load_at $la ($lan $laf); )*
                    $( load_add $lr ($lan $laf); )*
                    $( custom $c (); )*
                }
            };
        }
        pub(crate) use for_each_handler;
    };
}
pub(super) use define_ir;
