//! The netlink socket of one network namespace (made in a throwaway thread that enters it)
//! and the dump loop over it: send one request, receive datagrams until NLMSG_DONE, bounded
//! in time (a receive timeout) and in size (`MAX_REPLY`).

use super::{Batch, DiagError, InetDiag, UnixDiag, inet, parse_batch, unix};
use crate::model::{Pid, Proto, Unavailable};
use crate::source::ProcRoot;
use rustix::fd::{AsFd, OwnedFd};
use rustix::fs::{Mode, OFlags};
use rustix::io::Errno;
use rustix::net::netlink::{self, SocketAddrNetlink};
use rustix::net::{AddressFamily, RecvFlags, SendFlags, SocketFlags, SocketType};
use std::time::Duration;

/// Stop a reply that never ends (a well-behaved kernel sends NLMSG_DONE long before).
const MAX_REPLY: usize = 1 << 30;

fn why(e: Errno) -> Unavailable {
    match e {
        Errno::ACCESS | Errno::PERM => Unavailable::Denied,
        Errno::SRCH => Unavailable::Gone,
        _ => Unavailable::Unparsable(format!("sock_diag: {}", std::io::Error::from(e))),
    }
}

fn netlink_socket() -> Result<OwnedFd, Errno> {
    rustix::net::socket_with(
        AddressFamily::NETLINK,
        SocketType::DGRAM,
        SocketFlags::CLOEXEC,
        Some(netlink::SOCK_DIAG),
    )
}

/// A sock_diag socket in the network namespace behind `ns` (an open `ns/net` link). why:
/// netlink answers only for the namespace a socket was created in, and setns(2) changes the
/// calling thread, so a throwaway thread enters the namespace, creates the socket and ends;
/// the socket stays bound to that namespace, and no other thread of procscope moves.
fn socket_in(ns: OwnedFd) -> Result<OwnedFd, Errno> {
    let t = std::thread::Builder::new()
        .name("procscope-netns".into())
        .spawn(move || {
            rustix::thread::move_into_link_name_space(
                ns.as_fd(),
                Some(rustix::thread::LinkNameSpaceType::Network),
            )?;
            netlink_socket()
        })
        .map_err(|_| Errno::AGAIN)?;
    t.join().unwrap_or(Err(Errno::IO))
}

/// A netlink socket answering for one network namespace; each dump is one query on it.
#[derive(Debug)]
pub struct DiagSocket {
    fd: OwnedFd,
    seq: u32,
    /// Why an earlier dump broke off: its rest may still be queued (and the kernel refuses a
    /// second dump while one runs), so later queries give this instead of asking.
    broken: Option<Unavailable>,
}

impl DiagSocket {
    /// A socket for the network namespace `ns`, entered through member `pid`. Only on the
    /// live procfs; `Err` says why not (the caller falls back to the text tables).
    pub fn open(root: &ProcRoot, pid: Pid, ns: u64) -> Result<Self, Unavailable> {
        if !root.is_live() {
            return Err(Unavailable::Missing);
        }
        // why: our own namespace needs no setns (nor the privilege for it). The kernel's
        // /proc/thread-self, not the root's: a proc root of another pid namespace may not show us.
        let own = rustix::fs::stat("/proc/thread-self/ns/net").map(|s| s.st_ino);
        let fd = if own == Ok(ns) {
            netlink_socket().map_err(why)?
        } else {
            let target = rustix::fs::openat(
                &root.dir,
                format!("{pid}/ns/net"),
                OFlags::RDONLY | OFlags::CLOEXEC,
                Mode::empty(),
            )
            .map_err(why)?;
            // why: the pid may have exited and been reused since the namespace was listed.
            if rustix::fs::fstat(&target).map_err(why)?.st_ino != ns {
                return Err(Unavailable::Gone);
            }
            socket_in(target).map_err(why)?
        };
        // why: a blocked recv would hang the scan; the kernel answers a dump at once.
        rustix::net::sockopt::set_socket_timeout(
            &fd,
            rustix::net::sockopt::Timeout::Recv,
            Some(Duration::from_secs(5)),
        )
        .map_err(why)?;
        Ok(DiagSocket {
            fd,
            seq: 0x7073_6330,
            broken: None,
        })
    }

    /// Every unix socket of the namespace.
    pub fn unix(&mut self) -> Result<Vec<UnixDiag>, Unavailable> {
        self.dump(unix::request, unix::parse_msg)
    }

    /// Every TCP or UDP socket of one family, as `net/{tcp,tcp6,udp,udp6}` (the table
    /// `proto` names) lists them; another `proto` is `Missing`.
    pub fn inet(&mut self, proto: Proto) -> Result<Vec<InetDiag>, Unavailable> {
        let Some((family, protocol)) = inet::table(proto) else {
            return Err(Unavailable::Missing);
        };
        self.dump(
            |seq| inet::request(seq, family, protocol),
            move |body: &[u8]| inet::parse_msg(body, family),
        )
    }

    /// Send one dump request and read its reply to NLMSG_DONE.
    fn dump<T>(
        &mut self,
        request: impl Fn(u32) -> Vec<u8>,
        msg: impl Fn(&[u8]) -> Result<T, DiagError> + Copy,
    ) -> Result<Vec<T>, Unavailable> {
        if let Some(why) = &self.broken {
            return Err(why.clone());
        }
        self.seq = self.seq.wrapping_add(1);
        let seq = self.seq;
        let nl = SocketAddrNetlink::new(0, 0);
        rustix::net::sendto(&self.fd, &request(seq), SendFlags::empty(), &nl).map_err(why)?;
        let got = self.receive(seq, msg);
        // why: a kernel error ends its dump; anything else may leave the dump running.
        if let Err(e) = &got
            && !matches!(e, Reply::Kernel(_))
        {
            self.broken = Some(e.why());
        }
        got.map_err(|e| e.why())
    }

    fn receive<T>(
        &self,
        seq: u32,
        msg: impl Fn(&[u8]) -> Result<T, DiagError> + Copy,
    ) -> Result<Vec<T>, Reply> {
        let mut buf = vec![0u8; 64 << 10];
        let mut out = Vec::new();
        let mut total = 0usize;
        loop {
            let n = match rustix::net::recv(&self.fd, &mut buf[..], RecvFlags::empty()) {
                Ok((got, _)) => got,
                Err(Errno::INTR) => continue,
                Err(e) => return Err(Reply::Io(why(e))),
            };
            if n == 0 {
                return Err(Reply::Io(Unavailable::Unparsable(
                    "sock_diag: reply ended early".into(),
                )));
            }
            total += n;
            match parse_batch(&buf[..n], seq, &mut out, msg) {
                Ok(Batch::Done) => return Ok(out),
                Ok(Batch::More) if total < MAX_REPLY => {}
                Ok(Batch::More) => {
                    return Err(Reply::Io(Unavailable::Unparsable(
                        "sock_diag: endless reply".into(),
                    )));
                }
                Err(DiagError::Kernel(e)) => return Err(Reply::Kernel(e)),
                Err(e) => return Err(Reply::Io(Unavailable::Unparsable(e.to_string()))),
            }
        }
    }
}

/// How a dump failed: the kernel refused it (the socket can ask again) or it broke off.
enum Reply {
    Kernel(String),
    Io(Unavailable),
}

impl Reply {
    fn why(&self) -> Unavailable {
        match self {
            Reply::Kernel(e) => Unavailable::Unparsable(DiagError::Kernel(e.clone()).to_string()),
            Reply::Io(why) => why.clone(),
        }
    }
}

/// Every unix socket of the network namespace `ns`, entered through member `pid` (one
/// [`DiagSocket`] query).
pub fn unix_sockets(root: &ProcRoot, pid: Pid, ns: u64) -> Result<Vec<UnixDiag>, Unavailable> {
    DiagSocket::open(root, pid, ns)?.unix()
}
