//! Pure analysis over a snapshot: container identity, secrets, masking of secret values, the
//! interesting paths of a container root, views of file content, and the differences between
//! two snapshots.

pub mod container;
pub mod containers;
pub mod content;
pub mod detect;
pub mod diff;
pub mod integrity;
pub mod interesting;
pub mod mask;
pub mod masking;
pub mod secrets;
pub mod syscall;
pub mod usage;
