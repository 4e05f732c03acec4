//! Unit tests of the update step.
