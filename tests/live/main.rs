//! Tests against real processes this test binary spawns (environ, fds, sockets, peers, secrets).

#[path = "../support/mod.rs"]
mod support;

mod agreement;
mod edges;
mod peers;
mod secrets;
mod snapshot;
