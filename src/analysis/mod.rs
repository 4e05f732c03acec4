//! Pure analysis over a snapshot: container identity, masking of secret values.

pub mod container;
pub mod containers;
pub mod interesting;
pub mod mask;
