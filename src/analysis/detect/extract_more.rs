//! Field values of the container, Kubernetes and fd classes.

use super::events::{Event, Kind};
use super::extract::{Ctx, Val, fd_type};
use super::fields::Field;
use crate::model::{Proto, Socket, endpoint};
use std::borrow::Cow;

fn st(x: &str) -> Option<Val<'_>> {
    Some(Val::Str(Cow::Borrowed(x)))
}

/// Split an image reference into repository and tag (`docker.io/library/busybox:1.36`).
pub fn split_image(image: &str) -> (&str, Option<&str>) {
    let no_digest = image.split('@').next().unwrap_or(image);
    let slash = no_digest.rfind('/').map_or(0, |i| i + 1);
    match no_digest[slash..].rfind(':') {
        Some(i) => (&no_digest[..slash + i], Some(&no_digest[slash + i + 1..])),
        None => (no_digest, None),
    }
}

pub fn extract<'a>(c: &Ctx<'a>, e: &Event<'a>, f: &Field) -> Option<Val<'a>> {
    use Field::*;
    let p = e.proc;
    let ctr = p.container.as_ref();
    let meta = p.container_meta.as_ref();
    match f {
        ContainerId => Some(match ctr.and_then(|c| c.id.as_deref()) {
            Some(id) => Val::Str(Cow::Borrowed(id.get(..12).unwrap_or(id))),
            None if ctr.is_some() => return None,
            None => Val::Str(Cow::Borrowed("host")),
        }),
        ContainerFullId => Some(match ctr {
            Some(c) => Val::Str(Cow::Borrowed(c.id.as_deref()?)),
            None => Val::Str(Cow::Borrowed("host")),
        }),
        ContainerName => match ctr {
            None => st("host"),
            Some(_) => meta?.name.as_deref().and_then(st),
        },
        ContainerImage => meta?.image.as_deref().and_then(st),
        ContainerImageRepository => st(split_image(meta?.image.as_deref()?).0),
        ContainerImageTag => st(split_image(meta?.image.as_deref()?).1?),
        ContainerPrivileged => meta?.privileged.map(Val::Bool),
        ContainerType => ctr.map(|c| Val::Str(Cow::Borrowed(c.runtime.as_str()))),
        ContainerInfo => st(""),
        K8sPodName => meta?.pod_name.as_deref().and_then(st),
        K8sNsName => meta?.pod_namespace.as_deref().and_then(st),
        K8sPodUid => ctr?.pod_uid.as_deref().and_then(st),
        ContainerHostPid | ContainerHostNetwork | ContainerHostIpc => {
            ctr?;
            let kind = match f {
                ContainerHostPid => "pid",
                ContainerHostNetwork => "net",
                _ => "ipc",
            };
            let host = c.idx.process(1)?.namespaces.get(kind)?;
            Some(Val::Bool(p.namespaces.get(kind)? == host))
        }
        PsExeDeleted => p.exe.as_ref().map(|x| Val::Bool(x.deleted)),
        PsCapFull => {
            let mask = u64::from_str_radix(p.cap_eff.as_deref()?.trim(), 16).ok()?;
            let all = (1u64 << super::fields::CAPS.len()) - 1;
            Some(Val::Bool(mask & all == all))
        }
        PsSecret => c
            .secrets
            .get(&(p.pid, p.start_time))
            .map(|v| Val::Str(Cow::Owned(v.clone()))),
        _ => fd_field(c, e, f),
    }
}

/// Local and remote ends, and whether the local end is the server.
struct Ends<'a> {
    lip: Option<&'a str>,
    lport: Option<u16>,
    rip: Option<&'a str>,
    rport: Option<u16>,
    server: bool,
}

fn ends<'a>(c: &Ctx<'a>, s: &'a Socket) -> Ends<'a> {
    let lip = if s.proto == Proto::Unix {
        None
    } else {
        std::str::from_utf8(s.local_addr.as_bytes()).ok()
    };
    Ends {
        lip,
        lport: s.local_port,
        rip: s.remote_addr.as_deref().filter(|_| s.proto != Proto::Unix),
        rport: s.remote_port,
        server: c.idx.is_server(s),
    }
}

/// Falco's `fd.name` of a socket (`client->server`), or the fd's link text.
pub fn fd_name<'a>(c: &Ctx<'a>, e: &Event<'a>) -> Option<Val<'a>> {
    let fd = e.fd?;
    let Some(s) = e.sock else {
        return Some(Val::Str(fd.target.lossy()));
    };
    if s.proto == Proto::Unix {
        return Some(Val::Str(s.local_addr.lossy()));
    }
    let x = ends(c, s);
    let l = endpoint(x.lip.unwrap_or(""), x.lport);
    if s.is_listening() || x.rip.is_none() {
        return Some(Val::Str(Cow::Owned(l)));
    }
    let r = endpoint(x.rip.unwrap_or(""), x.rport);
    let (cl, sv) = if x.server { (r, l) } else { (l, r) };
    Some(Val::Str(Cow::Owned(format!("{cl}->{sv}"))))
}

fn fd_field<'a>(c: &Ctx<'a>, e: &Event<'a>, f: &Field) -> Option<Val<'a>> {
    use Field::*;
    let fd = e.fd?;
    let sock = e.sock;
    match f {
        FdNum => Some(Val::Num(fd.fd.into())),
        FdType => Some(Val::Str(match sock {
            Some(s) => Cow::Borrowed(match s.proto {
                Proto::Tcp | Proto::Udp | Proto::Raw => "ipv4",
                Proto::Tcp6 | Proto::Udp6 | Proto::Raw6 => "ipv6",
                Proto::Unix => "unix",
                Proto::Packet => "packet",
            }),
            None => Cow::Borrowed(fd_type(c, e.proc, fd)),
        })),
        FdTypeChar => {
            let t = match extract(c, e, &FdType)? {
                Val::Str(t) => t,
                _ => return None,
            };
            let ch = match t.as_ref() {
                "file" => "f",
                "directory" => "d",
                "ipv4" => "4",
                "ipv6" => "6",
                "unix" => "u",
                "pipe" => "p",
                "event" => "e",
                "signalfd" => "s",
                "eventpoll" => "l",
                "inotify" => "i",
                "timerfd" => "t",
                "packet" => "o",
                _ => "o",
            };
            Some(Val::Str(Cow::Borrowed(ch)))
        }
        FdName => fd_name(c, e),
        FdDirectory | FdFilename => {
            if sock.is_some() || !fd.target.as_bytes().starts_with(b"/") {
                return None;
            }
            let t = fd.target.lossy();
            if matches!(fd.kind, crate::model::FdKind::Dir) && *f == FdDirectory {
                return Some(Val::Str(t));
            }
            let cut = t.rfind('/')?;
            Some(Val::Str(Cow::Owned(if *f == FdDirectory {
                if cut == 0 {
                    "/".to_string()
                } else {
                    t[..cut].to_string()
                }
            } else {
                t[cut + 1..].to_string()
            })))
        }
        FdIno => fd.inode.map(|i| Val::Num(i as i64)),
        _ => sock_field(c, e, sock?, f),
    }
}

/// Fields of a socket fd (`fd.sip`, `fd.lport`, `fd.l4proto`, ...).
fn sock_field<'a>(c: &Ctx<'a>, e: &Event<'a>, s: &'a Socket, f: &Field) -> Option<Val<'a>> {
    use Field::*;
    let num = |n: Option<u16>| n.map(|n| Val::Num(n.into()));
    let ip = |a: Option<&'a str>| a.map(|a| Val::Str(Cow::Borrowed(a)));
    if s.proto == Proto::Unix || s.proto == Proto::Packet {
        return match f {
            FdSockFamily => st(if s.proto == Proto::Unix {
                "unix"
            } else {
                "packet"
            }),
            FdIsServer => Some(Val::Bool(c.idx.is_server(s))),
            _ => None,
        };
    }
    let x = ends(c, s);
    let (sip, sport, cip, cport) = if x.server {
        (x.lip, x.lport, x.rip, x.rport)
    } else {
        (x.rip, x.rport, x.lip, x.lport)
    };
    match f {
        FdSip => ip(sip),
        FdSport => num(sport),
        FdCip => ip(cip),
        FdCport => num(cport),
        FdLip => ip(x.lip),
        FdLport => num(x.lport),
        FdRip => ip(x.rip),
        FdRport => num(x.rport),
        FdL4Proto => st(match s.proto {
            Proto::Tcp | Proto::Tcp6 => "tcp",
            Proto::Udp | Proto::Udp6 => "udp",
            _ => "raw",
        }),
        FdSockFamily => st("ip"),
        FdIsServer => Some(Val::Bool(x.server)),
        FdSipName => {
            let host = e.proc.env("KUBERNETES_SERVICE_HOST")?;
            (sip?.as_bytes() == host && e.kind != Kind::Execve).then_some(Val::Str(Cow::Borrowed(
                "kubernetes.default.svc.cluster.local",
            )))
        }
        _ => None,
    }
}
