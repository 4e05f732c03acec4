//! Pure analysis over a snapshot: container identity, secrets, masking of secret values.

pub mod container;
pub mod containers;
pub mod interesting;
pub mod mask;
pub mod secrets;
