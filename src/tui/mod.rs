//! The interactive terminal UI (ratatui + crossterm) over a snapshot.
