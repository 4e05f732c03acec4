//! Tracee memory and fds for decoding: `process_vm_readv` reads (capped), and fd targets from
//! `/proc/PID/fd/N` through `source`.

use crate::analysis::syscall::decode::{FdNames, Memory};
use crate::source::PidDir;
use nix::sys::uio::{RemoteIoVec, process_vm_readv};
use nix::unistd::Pid;
use std::io::IoSliceMut;

/// Most bytes one read takes from a tracee.
pub const READ_CAP: usize = 8192;

/// The memory of one tracee.
pub struct TraceeMemory(pub Pid);

impl Memory for TraceeMemory {
    fn read(&self, addr: u64, len: usize) -> Option<Vec<u8>> {
        let len = len.min(READ_CAP);
        let mut buf = vec![0u8; len];
        let remote = [RemoteIoVec {
            base: usize::try_from(addr).ok()?,
            len,
        }];
        let n = process_vm_readv(self.0, &mut [IoSliceMut::new(&mut buf)], &remote).ok()?;
        buf.truncate(n);
        Some(buf)
    }
}

/// The fds of one tracee, through its `/proc/PID` directory.
pub struct TraceeFds<'a>(pub Option<&'a PidDir>);

impl FdNames for TraceeFds<'_> {
    fn target(&self, fd: i32) -> Option<Vec<u8>> {
        if fd < 0 {
            return None;
        }
        self.0?.read_link(&format!("fd/{fd}")).ok()
    }
}
