//! `procscope trace`: strace for responders. One line per call (`[pid N] name(args) = ret`),
//! `-c` the summary table, `--json` objects; output to stderr or `-o FILE`.

use super::Global;
use crate::analysis::syscall::Filter;
use crate::analysis::syscall::summary::Summary;
use crate::trace::background::stop_after;
use crate::trace::session::{self, Call, Config, End, Sink, Target};
use crate::trace::spawn::Stopper;
use anyhow::{Context, Result, bail};
use clap::Args;
use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Args)]
pub struct TraceArgs {
    /// Follow threads and children, new ones too.
    #[arg(short = 'f')]
    pub follow: bool,
    /// Count calls, errors and time per syscall; print the summary at the end.
    #[arg(short = 'c')]
    pub count: bool,
    /// Time each call by wall clock from entry to exit (CLOCK_MONOTONIC).
    #[arg(short = 'w')]
    pub wall: bool,
    /// Detach after SECS seconds.
    #[arg(long, value_name = "SECS")]
    pub duration: Option<f64>,
    /// Only these syscalls or classes (file, network, process, signal, memory), comma-separated.
    #[arg(short = 'e', value_name = "SET")]
    pub expr: Option<String>,
    /// Write the trace to FILE instead of stderr.
    #[arg(short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Processes to attach to.
    pub pids: Vec<u32>,
    /// A command to start and trace from its first syscall (after `--`).
    #[arg(last = true, value_name = "CMD")]
    pub command: Vec<OsString>,
}

struct Lines<'a> {
    w: &'a mut dyn Write,
    json: bool,
    prefix: bool,
    failed: Option<std::io::Error>,
}

impl Sink for Lines<'_> {
    fn call(&mut self, c: &Call) {
        if self.failed.is_some() {
            return;
        }
        let r = if self.json {
            let v = serde_json::json!({
                "pid": c.pid, "syscall": c.name, "nr": c.nr, "args": c.args, "regs": c.regs,
                "ret": c.ret, "result": c.ret_text, "error": c.is_error(), "seconds": c.time.as_secs_f64(),
            });
            writeln!(self.w, "{v}")
        } else if self.prefix {
            writeln!(
                self.w,
                "[pid {}] {}({}) = {}",
                c.pid, c.name, c.args, c.ret_text
            )
        } else {
            writeln!(self.w, "{}({}) = {}", c.name, c.args, c.ret_text)
        };
        if let Err(e) = r {
            self.failed = Some(e);
        }
    }
}

fn target(a: &TraceArgs) -> Result<Target> {
    match (a.pids.is_empty(), a.command.is_empty()) {
        (false, true) => Ok(Target::Pids(a.pids.clone())),
        (true, false) => Ok(Target::Command(a.command.clone())),
        (true, true) => bail!("trace needs PID... or -- CMD ARGS..."),
        (false, false) => bail!("trace takes PIDs or a command, not both"),
    }
}

/// Run `trace`; returns the traced command's exit status (0 when attaching).
pub fn run(g: &Global, a: &TraceArgs) -> Result<i32> {
    let target = target(a)?;
    let filter = match &a.expr {
        Some(e) => Filter::parse(e).map_err(anyhow::Error::msg)?,
        None => Filter::default(),
    };
    if let Some(d) = a.duration
        && !(d > 0.0 && d < 1e9)
    {
        bail!("--duration must be a positive number of seconds");
    }
    let mut out: Box<dyn Write> = match &a.output {
        // why: line-buffered, so a trace file can be followed while the trace runs.
        Some(p) => Box::new(std::io::LineWriter::new(
            crate::source::open::create_output(p)
                .with_context(|| format!("cannot write {}", p.display()))?,
        )),
        None => Box::new(std::io::stderr()),
    };
    let cfg = Config {
        follow: a.follow,
        wall: a.wall,
        filter,
        decode: !a.count,
    };
    let stop = Stopper::default();
    let done = Arc::new(AtomicBool::new(false));
    let _timer = a
        .duration
        .map(|d| stop_after(stop.clone(), Duration::from_secs_f64(d), done.clone()));
    let _signals = on_interrupt(&stop)?;
    let summary = Arc::new(Mutex::new(Summary::default()));
    let prefix = a.follow || a.pids.len() > 1;
    let mut sink = Lines {
        w: &mut *out,
        json: g.json,
        prefix,
        failed: None,
    };
    let mut quiet = session::NoSink;
    let sink: &mut dyn Sink = if a.count { &mut quiet } else { &mut sink };
    let end = session::run(&target, &cfg, &stop, &summary, sink);
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let end = end?;
    if a.count {
        let table = summary.lock().unwrap_or_else(|p| p.into_inner()).table();
        if g.json {
            writeln!(out, "{}", serde_json::to_string(&table)?)?;
        } else {
            write!(out, "{}", table.text())?;
        }
    }
    out.flush()?;
    Ok(match end {
        End::Exited(Some(code)) => code,
        _ => 0,
    })
}

/// Ctrl-C and SIGTERM stop the trace (detach, then the summary) instead of killing procscope.
fn on_interrupt(stop: &Stopper) -> Result<signal_hook::iterator::Handle> {
    let mut signals = signal_hook::iterator::Signals::new([
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGTERM,
    ])?;
    let handle = signals.handle();
    let stop = stop.clone();
    std::thread::spawn(move || {
        if signals.forever().next().is_some() {
            stop.stop();
        }
    });
    Ok(handle)
}

/// Exit with the traced command's status, as strace does (its output is flushed already).
pub fn exit_with(code: i32) {
    if code != 0 {
        std::process::exit(code);
    }
}
