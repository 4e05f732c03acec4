//! The fields procscope evaluates: names resolved once to a [`Field`], their types, and which
//! of Falco's fields are unknowable from state.

use super::vocab::FALCO_FIELDS;

/// A field procscope can extract from an inferred event.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Field {
    EvtType,
    EvtDir,
    EvtNum,
    EvtRes,
    EvtRawRes,
    EvtFailed,
    EvtSource,
    EvtHostname,
    EvtIsOpenRead,
    EvtIsOpenWrite,
    EvtIsOpenExec,
    EvtArg(String),
    ProcPid,
    ProcPpid,
    ProcVpid,
    ProcName,
    ProcExe,
    ProcExePath,
    ProcCmdline,
    ProcArgs,
    ProcPName,
    ProcPCmdline,
    ProcPExe,
    ProcPExePath,
    /// `proc.aname[n]`; `None`: any ancestor.
    ProcAName(Option<u32>),
    ProcAPid(Option<u32>),
    ProcAExePath(Option<u32>),
    ProcAExe(Option<u32>),
    ProcTty,
    ProcSid,
    ProcVpgid,
    ProcPgid,
    ProcCwd,
    ProcEnv(Option<String>),
    ProcIsExeFromMemfd,
    ProcIsExeUpperLayer,
    ProcNThreads,
    ProcIsSidLeader,
    ProcIsVpgidLeader,
    ProcStdType(i32),
    ProcStdName(i32),
    ThreadCapEffective,
    ThreadCapPermitted,
    ThreadTid,
    UserUid,
    UserName,
    UserLoginUid,
    UserLoginName,
    GroupGid,
    GroupName,
    ContainerId,
    ContainerFullId,
    ContainerName,
    ContainerImage,
    ContainerImageRepository,
    ContainerImageTag,
    ContainerPrivileged,
    ContainerType,
    ContainerInfo,
    K8sPodName,
    K8sPodUid,
    K8sNsName,
    FdNum,
    FdType,
    FdTypeChar,
    FdName,
    FdDirectory,
    FdFilename,
    FdSip,
    FdSport,
    FdCip,
    FdCport,
    FdLip,
    FdLport,
    FdRip,
    FdRport,
    FdL4Proto,
    FdSockFamily,
    FdIsServer,
    FdSipName,
    FdIno,
    ContainerHostPid,
    ContainerHostNetwork,
    ContainerHostIpc,
    /// procscope's own fields (not Falco's): the exe was deleted after exec; every
    /// capability is effective; credentials the secret scan found in environ (masked).
    PsExeDeleted,
    PsCapFull,
    PsSecret,
}

/// procscope's own fields, accepted beside Falco's.
pub const PROCSCOPE_FIELDS: [&str; 3] = [
    "procscope.cap_full",
    "procscope.exe_deleted",
    "procscope.secret",
];

/// How a field's values compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Str,
    Num,
    Bool,
    Ip,
}

/// Why a field name cannot be resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unresolved {
    /// Not one of Falco's fields (a typo).
    NotFalco,
    /// Falco's, but not knowable from state.
    Unknowable,
    /// Falco's field with an argument it does not take, or a bad one.
    BadArg(String),
}

/// Whether `name` is one of Falco's fields.
pub fn is_falco_field(name: &str) -> bool {
    FALCO_FIELDS.binary_search(&name).is_ok()
        || PROCSCOPE_FIELDS.contains(&name)
        || name.strip_prefix("evt.arg.").is_some_and(|r| !r.is_empty())
        || name
            .strip_prefix("evt.rawarg.")
            .is_some_and(|r| !r.is_empty())
}

fn index(arg: Option<&str>) -> Result<Option<u32>, Unresolved> {
    match arg {
        None => Ok(None),
        Some(a) => a
            .parse()
            .map(Some)
            .map_err(|_| Unresolved::BadArg(format!("[{a}] is not a number"))),
    }
}

/// Resolve a field name and its argument.
pub fn resolve(name: &str, arg: Option<&str>) -> Result<Field, Unresolved> {
    use Field::*;
    if !is_falco_field(name) {
        return Err(Unresolved::NotFalco);
    }
    if let Some(a) = name
        .strip_prefix("evt.arg.")
        .or_else(|| name.strip_prefix("evt.rawarg."))
    {
        return Ok(EvtArg(a.to_string()));
    }
    let indexed: Option<fn(Option<u32>) -> Field> = match name {
        "proc.aname" => Some(ProcAName),
        "proc.apid" => Some(ProcAPid),
        "proc.aexepath" => Some(ProcAExePath),
        "proc.aexe" => Some(ProcAExe),
        _ => None,
    };
    if let Some(make) = indexed {
        return Ok(make(index(arg)?));
    }
    if name == "proc.env" {
        return Ok(ProcEnv(arg.map(str::to_string)));
    }
    if name == "evt.arg" {
        return arg
            .map(|a| EvtArg(a.to_string()))
            .ok_or(Unresolved::Unknowable);
    }
    let f = plain(name)?;
    match arg {
        Some(a) => Err(Unresolved::BadArg(format!(
            "{name} takes no argument [{a}]"
        ))),
        None => Ok(f),
    }
}

fn plain(name: &str) -> Result<Field, Unresolved> {
    use Field::*;
    Ok(match name {
        "evt.type" => EvtType,
        "evt.dir" => EvtDir,
        "evt.num" => EvtNum,
        "evt.res" => EvtRes,
        "evt.rawres" => EvtRawRes,
        "evt.failed" => EvtFailed,
        "evt.source" => EvtSource,
        "evt.hostname" => EvtHostname,
        "evt.is_open_read" => EvtIsOpenRead,
        "evt.is_open_write" => EvtIsOpenWrite,
        "evt.is_open_exec" => EvtIsOpenExec,
        "proc.pid" => ProcPid,
        "proc.ppid" => ProcPpid,
        "proc.vpid" => ProcVpid,
        "proc.name" => ProcName,
        "proc.exe" => ProcExe,
        "proc.exepath" => ProcExePath,
        "proc.cmdline" => ProcCmdline,
        "proc.args" => ProcArgs,
        "proc.pname" => ProcPName,
        "proc.pcmdline" => ProcPCmdline,
        "proc.pexe" => ProcPExe,
        "proc.pexepath" => ProcPExePath,
        "proc.tty" => ProcTty,
        "proc.sid" => ProcSid,
        "proc.vpgid" => ProcVpgid,
        "proc.pgid" => ProcPgid,
        "proc.cwd" => ProcCwd,
        "proc.is_exe_from_memfd" => ProcIsExeFromMemfd,
        "proc.is_exe_upper_layer" => ProcIsExeUpperLayer,
        "proc.nthreads" => ProcNThreads,
        "proc.is_sid_leader" => ProcIsSidLeader,
        "proc.is_vpgid_leader" => ProcIsVpgidLeader,
        "proc.stdin.type" => ProcStdType(0),
        "proc.stdout.type" => ProcStdType(1),
        "proc.stderr.type" => ProcStdType(2),
        "proc.stdin.name" => ProcStdName(0),
        "proc.stdout.name" => ProcStdName(1),
        "proc.stderr.name" => ProcStdName(2),
        "proc.loginuid" | "user.loginuid" => UserLoginUid,
        "thread.cap_effective" => ThreadCapEffective,
        "thread.cap_permitted" => ThreadCapPermitted,
        "thread.tid" | "thread.vtid" => ThreadTid,
        "user.uid" => UserUid,
        "user.name" => UserName,
        "user.loginname" => UserLoginName,
        "group.gid" => GroupGid,
        "group.name" => GroupName,
        _ => return plain_more(name),
    })
}

/// The container, Kubernetes, fd and procscope classes of [`plain`].
fn plain_more(name: &str) -> Result<Field, Unresolved> {
    use Field::*;
    Ok(match name {
        "container.id" => ContainerId,
        "container.full_id" => ContainerFullId,
        "container.name" => ContainerName,
        "container.image" => ContainerImage,
        "container.image.repository" => ContainerImageRepository,
        "container.image.tag" => ContainerImageTag,
        "container.privileged" => ContainerPrivileged,
        "container.type" => ContainerType,
        "container.info" => ContainerInfo,
        "k8s.pod.name" => K8sPodName,
        "k8s.pod.uid" | "k8s.pod.id" => K8sPodUid,
        "k8s.ns.name" => K8sNsName,
        "fd.num" => FdNum,
        "fd.type" => FdType,
        "fd.typechar" => FdTypeChar,
        "fd.name" | "fd.nameraw" => FdName,
        "fd.directory" => FdDirectory,
        "fd.filename" => FdFilename,
        "fd.sip" => FdSip,
        "fd.sport" => FdSport,
        "fd.cip" => FdCip,
        "fd.cport" => FdCport,
        "fd.lip" => FdLip,
        "fd.lport" => FdLport,
        "fd.rip" => FdRip,
        "fd.rport" => FdRport,
        "fd.l4proto" => FdL4Proto,
        "fd.sockfamily" => FdSockFamily,
        "fd.is_server" => FdIsServer,
        "fd.sip.name" => FdSipName,
        "fd.ino" => FdIno,
        "container.host_pid" => ContainerHostPid,
        "container.host_network" => ContainerHostNetwork,
        "container.host_ipc" => ContainerHostIpc,
        "procscope.exe_deleted" => PsExeDeleted,
        "procscope.cap_full" => PsCapFull,
        "procscope.secret" => PsSecret,
        _ => return Err(Unresolved::Unknowable),
    })
}

impl Field {
    pub fn ty(&self) -> Type {
        use Field::*;
        match self {
            EvtNum | EvtRawRes | ProcPid | ProcPpid | ProcVpid | ProcTty | ProcSid | ProcVpgid
            | ProcPgid | ProcNThreads | ThreadTid | UserUid | UserLoginUid | GroupGid | FdNum
            | FdSport | FdCport | FdLport | FdRport | FdIno | ProcAPid(_) => Type::Num,
            EvtFailed | EvtIsOpenRead | EvtIsOpenWrite | EvtIsOpenExec | ProcIsExeFromMemfd
            | ProcIsExeUpperLayer | ProcIsSidLeader | ProcIsVpgidLeader | ContainerPrivileged
            | FdIsServer | ContainerHostPid | ContainerHostNetwork | ContainerHostIpc
            | PsExeDeleted | PsCapFull => Type::Bool,
            FdSip | FdCip | FdLip | FdRip => Type::Ip,
            _ => Type::Str,
        }
    }
}

/// Open flags as Falco prints them (`O_RDONLY|O_CLOEXEC`).
pub fn open_flags(flags: u32) -> String {
    const NAMES: [(u32, &str); 12] = [
        (0o100, "O_CREAT"),
        (0o200, "O_EXCL"),
        (0o400, "O_NOCTTY"),
        (0o1000, "O_TRUNC"),
        (0o2000, "O_APPEND"),
        (0o4000, "O_NONBLOCK"),
        (0o10000, "O_DSYNC"),
        (0o40000, "O_DIRECT"),
        (0o200000, "O_DIRECTORY"),
        (0o400000, "O_NOFOLLOW"),
        (0o1000000, "O_NOATIME"),
        (0o2000000, "O_CLOEXEC"),
    ];
    let mut out = String::from(match flags & 3 {
        0 => "O_RDONLY",
        1 => "O_WRONLY",
        _ => "O_RDWR",
    });
    for (bit, name) in NAMES {
        if flags & bit != 0 {
            out.push('|');
            out.push_str(name);
        }
    }
    out
}

/// Capability names by bit (capability.h), for `thread.cap_*`.
pub const CAPS: [&str; 41] = [
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
];

/// `CAP_A CAP_B ...` from a hex mask.
pub fn cap_names(hex: &str) -> Option<String> {
    let mask = u64::from_str_radix(hex.trim(), 16).ok()?;
    let names: Vec<&str> = CAPS
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & (1u64 << i) != 0)
        .map(|(_, n)| *n)
        .collect();
    Some(names.join(" "))
}
