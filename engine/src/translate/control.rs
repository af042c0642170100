//! Control frames of the translator: blocks, loops, ifs and the function.

/// What opened a control frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ControlKind {
    /// The function body: a branch to it returns.
    Function,
    /// `block` (and any frame opened in unreachable code).
    Block,
    /// `loop`, whose label is its head.
    Loop {
        /// The instruction index of the loop's head.
        head: u32,
    },
    /// `if`, with the branch to patch to its `else` (or `end`).
    If {
        /// The conditional branch taken when the condition is zero.
        else_branch: usize,
    },
    /// The `else` arm of an `if`.
    Else,
}

/// One open control frame.
#[derive(Debug)]
pub(super) struct Control {
    pub(super) kind: ControlKind,
    /// The operand stack height at entry, below the parameters.
    pub(super) height: u32,
    pub(super) params: u32,
    pub(super) results: u32,
    /// Branches to patch with the frame's end.
    pub(super) patches: Vec<usize>,
    /// Whether the frame was entered in reachable code.
    pub(super) reachable: bool,
    /// The static cost of the frame's current metering block so far, while
    /// a frame inside it is open (the translator's `fuel` holds the
    /// innermost frame's).
    pub(super) fuel: u64,
    /// The `ConsumeFuel` that charges it, if one was emitted.
    pub(super) fuel_at: Option<usize>,
}

impl Control {
    pub(super) fn new(
        kind: ControlKind,
        height: u32,
        params: u32,
        results: u32,
        reachable: bool,
    ) -> Self {
        Self {
            kind,
            height,
            params,
            results,
            patches: Vec::new(),
            reachable,
            // A metering block starts at 1: the price of its `end`.
            fuel: 1,
            fuel_at: None,
        }
    }

    /// How many values a branch to this frame's label carries.
    pub(super) fn branch_arity(&self) -> u32 {
        match self.kind {
            ControlKind::Loop { .. } => self.params,
            _ => self.results,
        }
    }
}
