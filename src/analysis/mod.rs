//! Pure analysis: container identity, masking of secret values, the interesting paths of a
//! container root and views of file content.

pub mod container;
pub mod containers;
pub mod content;
pub mod interesting;
pub mod mask;
