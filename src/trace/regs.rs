//! The syscall registers of a stopped tracee (PTRACE_GETREGS on x86_64, PTRACE_GETREGSET
//! NT_PRSTATUS on aarch64, both through nix's safe `getregs`).

use nix::sys::ptrace;
use nix::unistd::Pid;

/// Syscall number, the six argument registers, and the return register.
#[derive(Clone, Copy, Debug)]
pub struct Regs {
    pub nr: i64,
    pub args: [u64; 6],
    pub ret: i64,
}

/// Read the registers of stopped tracee `pid`.
#[cfg(target_arch = "x86_64")]
pub fn get(pid: Pid) -> nix::Result<Regs> {
    let r = ptrace::getregs(pid)?;
    Ok(Regs {
        nr: r.orig_rax as i64,
        args: [r.rdi, r.rsi, r.rdx, r.r10, r.r8, r.r9],
        ret: r.rax as i64,
    })
}

/// Read the registers of stopped tracee `pid`. At a syscall exit x0 holds the return value
/// (the first argument is gone): arguments are taken at entry.
#[cfg(target_arch = "aarch64")]
pub fn get(pid: Pid) -> nix::Result<Regs> {
    let r = ptrace::getregs(pid)?;
    let mut args = [0u64; 6];
    args.copy_from_slice(&r.regs[..6]);
    Ok(Regs {
        nr: r.regs[8] as i64,
        args,
        ret: r.regs[0] as i64,
    })
}

/// Other architectures: no register layout known.
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
pub fn get(_pid: Pid) -> nix::Result<Regs> {
    Err(nix::errno::Errno::ENOSYS)
}
