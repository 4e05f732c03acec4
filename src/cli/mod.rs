//! Non-interactive subcommands: the same data as the TUI, as text tables or `--json`.

mod containers;
pub mod fs;
mod inspect;
mod output;
mod secrets;
mod sockets;
mod tree;

use crate::analysis::secrets::RuleSet;
use crate::collect;
use crate::model::Snapshot;
use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;

pub use output::Out;

/// Linux /proc forensics: processes, fds, sockets, environ secrets and container roots.
#[derive(Debug, Parser)]
#[command(name = "procscope", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    /// With no subcommand (the TUI): take a new snapshot every SECS seconds.
    #[arg(long, value_name = "SECS")]
    pub interval: Option<u64>,
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
    /// Show secret values unmasked.
    #[arg(long, global = true)]
    pub reveal: bool,
    /// Add secret rules from this YAML file (same id replaces a built-in; `enabled: false` drops one).
    #[arg(long, global = true, value_name = "FILE")]
    pub rules: Option<PathBuf>,
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
    /// The whole snapshot as one JSON document.
    Snapshot(SnapshotArgs),
    /// Credentials in every process's environment and command line, values masked.
    Secrets(secrets::SecretsArgs),
}

#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// Write to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Take a snapshot from the configured source.
pub fn load(g: &Global) -> Result<Snapshot> {
    let snap = collect::snapshot_at(&g.proc_root, &collect::Options::default())?;
    Ok(snap)
}

/// The secret rules: built-in, merged with `--rules FILE` when given.
pub fn load_rules(g: &Global) -> Result<RuleSet> {
    Ok(RuleSet::load(g.rules.as_deref())?)
}

/// Apply the masking policy: unless revealing, every value a secret rule matches (environ values,
/// the secret part of argv entries) is replaced by its mask. Loads the rules each call; prefer
/// [`prepare_with`] when they are at hand.
pub fn prepare(snap: Snapshot, g: &Global) -> Result<Snapshot> {
    let rules = load_rules(g)?;
    Ok(prepare_with(snap, g, &rules))
}

/// [`prepare`] with rules already loaded.
pub fn prepare_with(mut snap: Snapshot, g: &Global, rules: &RuleSet) -> Snapshot {
    if g.reveal {
        snap.meta.masked = false;
    } else {
        crate::analysis::secrets::mask_snapshot(&mut snap, rules);
    }
    snap
}

fn stdout_is_tty() -> bool {
    std::io::IsTerminal::is_terminal(&std::io::stdout())
}

/// Run a subcommand, writing to `out`.
pub fn run(cli: &Cli, out: &mut dyn Write) -> Result<()> {
    let g = &cli.global;
    let Some(cmd) = &cli.command else {
        return crate::tui::run(&crate::tui::Options {
            proc_root: g.proc_root.clone(),
            reveal: g.reveal,
            interval: cli.interval,
        });
    };
    if let Command::Fs(a) = cmd {
        // why: reading one root needs no scan of every process.
        return fs::run(g, a, &mut Out::new(out, g.json), stdout_is_tty());
    }
    let rules = load_rules(g)?;
    if let Command::Secrets(a) = cmd {
        // why: findings come from the unmasked snapshot; nothing else of it is printed.
        let grep = a.grep()?;
        let snap = load(g)?;
        let mut o = Out::new(out, g.json);
        return secrets::run(&snap, &rules, &grep, a, g.reveal, &mut o);
    }
    let snap = prepare_with(load(g)?, g, &rules);
    let mut o = Out::new(out, g.json);
    match cmd {
        Command::Secrets(_) => Ok(()),
        Command::Tree(a) => tree::run(&snap, a, &mut o),
        Command::Inspect(a) => inspect::run(&snap, a, &mut o),
        Command::Sockets(a) => sockets::run(&snap, a, &mut o),
        Command::Containers => containers::run(&snap, &mut o),
        Command::Fs(a) => fs::run(g, a, &mut o, stdout_is_tty()),
        Command::Snapshot(a) => match &a.output {
            Some(path) => {
                let f = std::fs::File::create(path)
                    .with_context(|| format!("cannot create {}", path.display()))?;
                let mut w = std::io::BufWriter::new(f);
                serde_json::to_writer(&mut w, &snap)?;
                w.flush()?;
                Ok(())
            }
            None => o.json(&snap),
        },
    }
}
