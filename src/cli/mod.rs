//! Non-interactive subcommands: the same data as the TUI, as text tables or `--json`.

mod containers;
mod detect;
mod diff;
pub mod fs;
mod hidden;
#[cfg(test)]
mod hostile_tests;
mod hosts;
mod inspect;
mod integrity;
mod output;
mod record;
mod secrets;
mod sockets;
mod threads;
mod trace;
mod tree;
mod tree_json;

use crate::analysis::secrets::RuleSet;
use crate::collect;
use crate::model::{NO_ROOT_IN_SNAPSHOT, Parts, Pid, Snapshot};
use crate::source::snapshot_file;
use anyhow::Result;
use clap::{Args, Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;

pub use hosts::is_multi as is_multi_host;
pub use output::{Out, error_line};

/// Longest TUI refresh interval accepted (a day): a larger one would overflow the clock.
pub const MAX_INTERVAL_SECS: u64 = 86_400;

/// Linux /proc forensics: processes, fds, sockets, environ secrets and container roots.
#[derive(Debug, Parser)]
#[command(name = "procscope", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    /// With no subcommand (the TUI): take a new snapshot every SECS seconds (0 to 86400; 0: never).
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(0..=MAX_INTERVAL_SECS))]
    pub interval: Option<u64>,
    /// With no subcommand (the TUI): mark processes started (+) or changed (~) since this
    /// saved snapshot, and count those gone.
    #[arg(long, value_name = "OLD")]
    pub diff: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options every subcommand takes.
#[derive(Debug, Args, Clone)]
pub struct Global {
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// Read this directory instead of /proc (a copied /proc or a fixture).
    #[arg(long, global = true, value_name = "DIR", default_value = "/proc")]
    pub proc_root: PathBuf,
    /// The host's root, where its own files are read (user names from `etc/passwd`, runtime
    /// state under `run/`). Default: the parent of a proc root named `proc` (`/host/proc` →
    /// `/host`); none for other copies.
    #[arg(long, global = true, value_name = "DIR", env = "PROCSCOPE_HOST_ROOT")]
    pub host_root: Option<PathBuf>,
    /// Show secret values unmasked (and store them unmasked with `snapshot -o`).
    #[arg(long, global = true)]
    pub reveal: bool,
    /// Add secret rules from this YAML file (same id replaces a built-in; `enabled: false` drops one).
    #[arg(long, global = true, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Read a saved snapshot file (JSON, or gzip-compressed JSON) instead of a live proc root.
    /// Give it several times, or a directory, to read many hosts (newest file per host).
    #[arg(
        long,
        global = true,
        value_name = "FILE|DIR",
        conflicts_with = "proc_root"
    )]
    pub snapshot: Vec<PathBuf>,
    /// With a `--snapshot DIR` of many files: every file of each host, not only the newest.
    #[arg(long, global = true)]
    pub all_times: bool,
}

impl Global {
    /// Scan options for the proc root these options name.
    pub fn collect_options(&self) -> collect::Options {
        collect::Options {
            host_root: self.host_root.clone(),
            ..collect::Options::default()
        }
    }

    /// Whether the data comes from a snapshot file rather than a proc root (no container roots,
    /// nothing to re-read).
    pub fn offline(&self) -> bool {
        !self.snapshot.is_empty()
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Process tree like `pstree -p`, marking namespace, container and uid changes.
    Tree(tree::TreeArgs),
    /// Everything about one process.
    Inspect(inspect::InspectArgs),
    /// Sockets of every network namespace, like `ss -tuanp`.
    Sockets(sockets::SocketsArgs),
    /// Containers and pods found, with their processes.
    Containers,
    /// Browse and read a process's root filesystem, resolved inside the root.
    Fs(fs::FsArgs),
    /// The whole snapshot as one JSON document (evidence: `-o FILE` or `-o FILE.json.gz`).
    Snapshot(SnapshotArgs),
    /// Credentials in every process's environment and command line, values masked.
    Secrets(secrets::SecretsArgs),
    /// What changed between two snapshots (NEW defaults to the live system).
    Diff(diff::DiffArgs),
    /// A snapshot every N seconds into a directory (`HOST-TIME.json.gz`, atomic), keeping the newest.
    Record(record::RecordArgs),
    /// Processes hidden from /proc (masked entries, pids the listing hides), with the evidence.
    Hidden(hidden::HiddenArgs),
    /// Trace syscalls like strace (`-f -c -w`, attach to PIDs or `-- CMD`), read-only.
    Trace(trace::TraceArgs),
    /// Falco rules over events inferred from state (`-r FILE` adds rules, like Falco's).
    Detect(detect::DetectArgs),
}

#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// Write to FILE instead of stdout, gzip-compressed when FILE ends in `.gz`.
    /// The file is created anew (mode 0600) and renamed into place; an existing file or
    /// symlink is refused unless `--force`.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// With -o: replace an existing FILE (a symlink is replaced itself, never followed).
    #[arg(long, requires = "output")]
    pub force: bool,
}

/// Take a snapshot from the configured source: the `--snapshot` file, else the proc root.
pub fn load(g: &Global) -> Result<Snapshot> {
    load_for(g, Parts::ALL, None)
}

/// [`load`], reading of a proc root only `parts` (of only the pids `only`, when given); a
/// snapshot file is read whole.
pub fn load_for(g: &Global, parts: Parts, only: Option<Vec<Pid>>) -> Result<Snapshot> {
    if let Some(path) = g.snapshot.first() {
        return read_file(path);
    }
    let opt = collect::Options {
        parts,
        only,
        ..g.collect_options()
    };
    let mut snap = collect::snapshot_at(&g.proc_root, &opt)?;
    runtime_meta(&mut snap, g);
    Ok(snap)
}

/// What subcommand `cmd` prints, and so what its scan reads: the tree's own files always,
/// the other parts only where the output shows them.
pub fn parts_for(cmd: &Command, json: bool) -> (Parts, Option<Vec<Pid>>) {
    // why: container tags and the namespaced mark need cgroups, namespaces and the root link.
    let identity = Parts {
        links: true,
        cgroups: true,
        namespaces: true,
        ..Parts::NONE
    };
    match cmd {
        // why: the tree's marks need the root link, not exe and cwd.
        Command::Tree(a) => (
            Parts {
                threads: a.threads || json,
                hidden: true,
                links: false,
                root: true,
                ..identity
            },
            None,
        ),
        Command::Sockets(_) => (
            Parts {
                fds: true,
                sockets: true,
                ..Parts::NONE
            },
            None,
        ),
        Command::Containers => (identity, None),
        Command::Secrets(_) => (
            Parts {
                environ: true,
                ..identity
            },
            None,
        ),
        Command::Inspect(a) if !a.peers => (Parts::ALL, Some(vec![a.pid])),
        _ => (Parts::ALL, None),
    }
}

/// Read a snapshot file, with a note on stderr for each kind of inconsistency repaired.
pub fn read_file(path: &std::path::Path) -> Result<Snapshot> {
    let (snap, notes) = snapshot_file::read_snapshot_noted(path)?;
    for n in notes {
        eprintln!(
            "procscope: note: {}: {}",
            crate::model::escape(&path.display().to_string()),
            n
        );
    }
    Ok(snap)
}

/// Names, images and pods of containers from the runtimes' state beneath the host root.
fn runtime_meta(snap: &mut Snapshot, g: &Global) {
    use crate::source::hostfs;
    let root = g
        .host_root
        .clone()
        .or_else(|| hostfs::host_root_of(&g.proc_root));
    if let Some(h) = root.and_then(|r| hostfs::HostRoot::open(&r).ok()) {
        collect::runtime_meta::annotate(snap, &h);
    }
}

/// The secret rules: built-in, merged with `--rules FILE` when given.
pub fn load_rules(g: &Global) -> Result<RuleSet> {
    Ok(collect::rules::load(g.rules.as_deref())?)
}

/// Apply the masking policy: unless revealing, every value a secret rule matches (environ values,
/// the secret part of argv entries) is replaced by its mask. A snapshot already masked (a file
/// written without `--reveal`) is left as it is: masking twice would corrupt the masks, and
/// `--reveal` cannot bring the values back (a note says so). Loads the rules each call; prefer
/// [`prepare_with`] when they are at hand.
pub fn prepare(snap: Snapshot, g: &Global) -> Result<Snapshot> {
    let rules = load_rules(g)?;
    Ok(prepare_with(snap, g, &rules))
}

/// [`prepare`] with rules already loaded.
pub fn prepare_with(snap: Snapshot, g: &Global, rules: &RuleSet) -> Snapshot {
    if g.reveal && snap.meta.masked {
        note_masked();
    }
    mask_unless(snap, g.reveal, rules)
}

/// Mask `snap` with `rules` unless `reveal` or it is masked already; `meta.masked` says which
/// (the policy is `analysis::masking::prepare`).
pub fn mask_unless(snap: Snapshot, reveal: bool, rules: &RuleSet) -> Snapshot {
    crate::analysis::masking::prepare(snap, reveal, Some(rules))
}

/// Tell the user that `--reveal` cannot unmask values masked in a snapshot file.
fn note_masked() {
    eprintln!(
        "procscope: note: this snapshot was written masked; --reveal cannot unmask its values"
    );
}

fn stdout_is_tty() -> bool {
    std::io::IsTerminal::is_terminal(&std::io::stdout())
}

/// Run subcommand `cmd` with the global options `g`, writing to `out`. (No subcommand is the
/// TUI, which `main` starts: this module never imports it.)
pub fn run(g: &Global, cmd: &Command, out: &mut dyn Write) -> Result<()> {
    if hosts::is_multi(g) {
        return hosts::run(g, cmd, &mut Out::new(out, g.json));
    }
    if let Command::Fs(a) = cmd {
        // why: reading one root needs no scan of every process; a snapshot file holds none.
        if g.offline() {
            anyhow::bail!("{NO_ROOT_IN_SNAPSHOT}");
        }
        return fs::run(g, a, &mut Out::new(out, g.json), stdout_is_tty());
    }
    if let Command::Trace(a) = cmd {
        return trace::run(g, a).map(trace::exit_with);
    }
    if let Command::Detect(a) = cmd {
        return detect::run(g, a, &mut Out::new(out, g.json));
    }
    if let Command::Record(a) = cmd {
        return record::run(g, a, &mut Out::new(out, g.json));
    }
    if let Command::Diff(a) = cmd {
        // why: diff loads and masks its two snapshots itself.
        return diff::run(g, a, &mut Out::new(out, g.json));
    }
    if let Command::Hidden(a) = cmd {
        return hidden::run(g, a, &mut Out::new(out, g.json));
    }
    let rules = load_rules(g)?;
    if let Command::Secrets(a) = cmd {
        // why: findings come from the unmasked snapshot; nothing else of it is printed.
        let grep = a.grep()?;
        let (parts, only) = parts_for(cmd, g.json);
        let snap = load_for(g, parts, only)?;
        let mut o = Out::new(out, g.json);
        return secrets::run(&snap, &rules, &grep, a, g.reveal, &mut o);
    }
    // why: the process exits right after printing; freeing a snapshot of a busy host (hundreds
    // of thousands of allocations) would only delay the exit.
    let (parts, only) = parts_for(cmd, g.json);
    let snap = std::mem::ManuallyDrop::new(prepare_with(load_for(g, parts, only)?, g, &rules));
    let snap: &Snapshot = &snap;
    let mut o = Out::new(out, g.json);
    match cmd {
        Command::Secrets(_)
        | Command::Fs(_)
        | Command::Diff(_)
        | Command::Record(_)
        | Command::Hidden(_)
        | Command::Trace(_)
        | Command::Detect(_) => Ok(()),
        Command::Tree(a) => tree::run(snap, a, &mut o),
        Command::Inspect(a) => inspect::run(snap, a, &mut o),
        Command::Sockets(a) => sockets::run(snap, a, &mut o),
        Command::Containers => containers::run(snap, &mut o),
        Command::Snapshot(a) => match &a.output {
            Some(path) => {
                let overwrite = if a.force {
                    snapshot_file::Overwrite::Allow
                } else {
                    snapshot_file::Overwrite::Refuse
                };
                Ok(snapshot_file::write_snapshot_to(path, snap, overwrite)?)
            }
            // why: the snapshot is a document for machines (and `jq`); compact JSON is a
            // third smaller and faster to write than pretty-printed.
            None => {
                crate::model::json::write_json(snap, &mut *o.w)?;
                writeln!(o.w)?;
                Ok(())
            }
        },
    }
}
