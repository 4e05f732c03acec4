//! Pure analysis over a snapshot: container identity, secrets, masking of secret values,
//! interesting paths of a root, and the differences between two snapshots.

pub mod container;
pub mod containers;
pub mod diff;
pub mod interesting;
pub mod mask;
pub mod secrets;
