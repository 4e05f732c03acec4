//! A sockaddr read from tracee memory, shown as strace does:
//! `{sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr("0.0.0.0")}`.

use super::decode::quote;
use super::flags::family;
use nix::libc;
use std::net::{Ipv4Addr, Ipv6Addr};

/// Most bytes of a sockaddr read (`sockaddr_storage`).
pub const MAX_LEN: usize = 128;

/// Format the bytes of a sockaddr (as long as the call's length says, capped).
pub fn format(b: &[u8]) -> String {
    let Some(fam) = b.get(..2).map(|f| u16::from_ne_bytes([f[0], f[1]]) as i32) else {
        return "{...}".into();
    };
    let port = || b.get(2..4).map(|p| u16::from_be_bytes([p[0], p[1]]));
    match fam {
        libc::AF_INET => match (port(), b.get(4..8)) {
            (Some(port), Some(a)) => format!(
                "{{sa_family=AF_INET, sin_port=htons({port}), sin_addr=inet_addr(\"{}\")}}",
                Ipv4Addr::new(a[0], a[1], a[2], a[3])
            ),
            _ => "{sa_family=AF_INET, ...}".into(),
        },
        libc::AF_INET6 => match (port(), b.get(8..24)) {
            (Some(port), Some(a)) => {
                let mut octets = [0u8; 16];
                octets.copy_from_slice(a);
                format!(
                    "{{sa_family=AF_INET6, sin6_port=htons({port}), sin6_addr=inet_pton(\"{}\")}}",
                    Ipv6Addr::from(octets)
                )
            }
            _ => "{sa_family=AF_INET6, ...}".into(),
        },
        libc::AF_UNIX => {
            let path = &b[2..];
            let shown = if path.first() == Some(&0) && path.len() > 1 {
                // why: an abstract socket's name starts with NUL and is not NUL-terminated.
                format!("@{}", quote(&path[1..], MAX_LEN))
            } else {
                let end = path.iter().position(|&c| c == 0).unwrap_or(path.len());
                quote(&path[..end], MAX_LEN)
            };
            format!("{{sa_family=AF_UNIX, sun_path={shown}}}")
        }
        f => format!("{{sa_family={}, ...}}", family(f)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inet_inet6_unix() {
        let mut v4 = (libc::AF_INET as u16).to_ne_bytes().to_vec();
        v4.extend_from_slice(&8080u16.to_be_bytes());
        v4.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(
            format(&v4),
            r#"{sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr("0.0.0.0")}"#
        );
        let mut v6 = (libc::AF_INET6 as u16).to_ne_bytes().to_vec();
        v6.extend_from_slice(&443u16.to_be_bytes());
        v6.extend_from_slice(&[0; 4]);
        v6.extend_from_slice(&Ipv6Addr::LOCALHOST.octets());
        assert!(format(&v6).contains("sin6_port=htons(443), sin6_addr=inet_pton(\"::1\")"));
        let mut un = (libc::AF_UNIX as u16).to_ne_bytes().to_vec();
        un.extend_from_slice(b"/run/x\x1b.sock\0junk");
        assert_eq!(
            format(&un),
            r#"{sa_family=AF_UNIX, sun_path="/run/x\e.sock"}"#
        );
        let mut abs = (libc::AF_UNIX as u16).to_ne_bytes().to_vec();
        abs.extend_from_slice(b"\0hidden");
        assert!(format(&abs).contains("sun_path=@\"hidden\""));
        assert_eq!(format(&[2]), "{...}");
        assert_eq!(format(&v4[..5]), "{sa_family=AF_INET, ...}");
    }
}
