//! procscope binary: parse the command line, run a subcommand (or the TUI), and turn any
//! error into one line on stderr with a non-zero exit.

use clap::Parser;
use procscope::cli::{self, Cli};
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version: clap's own text on stdout.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            // why: usage errors get the same one-line shape as every other error.
            let text = e.to_string();
            let head: Vec<&str> = text
                .lines()
                .take_while(|l| !l.starts_with("Usage:"))
                .map(str::trim)
                .filter(|l| {
                    !l.is_empty()
                        && !l.starts_with("tip:")
                        && !l.starts_with("For more information")
                })
                .collect();
            let joined = head.join(" ");
            let first = joined.strip_prefix("error: ").unwrap_or(&joined);
            let _ = writeln!(
                std::io::stderr(),
                "procscope: {} (see --help)",
                procscope::model::escape(first)
            );
            return ExitCode::from(2);
        }
    };
    let result = match cli.command {
        None => procscope::tui::run(&procscope::tui::Options {
            hosts: if cli::is_multi_host(&cli.global) {
                cli.global.snapshot.clone()
            } else {
                Vec::new()
            },
            proc_root: cli.global.proc_root.clone(),
            snapshot: cli.global.snapshot.first().cloned(),
            rules: cli.global.rules.clone(),
            reveal: cli.global.reveal,
            interval: cli.interval,
            diff: cli.diff.clone(),
        }),
        Some(cmd) => run_command(cli.global, cmd),
    };
    finish(result)
}

/// Run a subcommand on a worker thread with a large stack, its output buffered to stdout.
fn run_command(g: cli::Global, cmd: cli::Command) -> anyhow::Result<()> {
    // why: a fork chain thousands deep makes deep JSON; give serialization a large stack.
    let worker = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
            cli::run(&g, &cmd, &mut out).and_then(|()| Ok(out.flush()?))
        });
    match worker {
        Ok(h) => h
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("internal error"))),
        Err(e) => Err(e.into()),
    }
}

/// The exit status for `result`, with an error as one escaped line on stderr.
fn finish(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let msg = cli::error_line(&e);
            let _ = writeln!(
                std::io::stderr(),
                "procscope: {}",
                procscope::model::escape(&msg)
            );
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}

// why: a scan allocates hundreds of thousands of small strings from two threads; mimalloc
// avoids glibc's per-arena mprotect growth and consolidation measured in the scan profile.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
