//! Pure analysis over a snapshot: container identity, masking of secret values, and the
//! differences between two snapshots.

pub mod container;
pub mod containers;
pub mod diff;
pub mod mask;
