//! Hostile inputs: modules shaped to make a VM spend time or memory out of
//! proportion to their size ([`shapes`]), and contracts that attack an
//! Ewasm node with modest gas ([`attacks`]), each class of the project's
//! threat list with the outcome it must have.

pub mod attacks;
pub mod run;
pub mod shapes;

pub use shapes::{Shape, VALUES};
