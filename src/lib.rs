//! procscope: a Linux `/proc` forensics inspector. Layers: `source` (all filesystem access),
//! `model` (plain serde data), `collect` (source to snapshot), `analysis` (pure functions over a
//! snapshot), `present` (UI-neutral rows of escaped cells, shared by the two front ends), `cli`
//! (text and JSON commands) and `tui` (the interactive browser).

pub mod analysis;
pub mod cli;
pub mod collect;
pub mod model;
pub mod present;
pub mod source;
pub mod trace;
pub mod tui;
