//! What a snapshot document would cost in memory, counted in one streaming pass before it is
//! deserialized: counts of processes, threads, fds, argv and environ entries, sockets and
//! string bytes, each with a limit, and an estimate of the bytes the model would take (a
//! one-byte JSON value can cost hundreds of bytes once it is a `Process`). Nothing is kept
//! but counters, so the pass itself costs no more than its buffers.

use crate::model::{Fd, NetNs, Process, Socket, Thread};
use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use std::cell::RefCell;
use std::fmt;

/// The limits a document must stay under.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub processes: u64,
    pub threads: u64,
    pub fds_per_process: u64,
    pub fds: u64,
    pub argv_per_process: u64,
    pub environ_bytes_per_process: u64,
    pub sockets: u64,
    pub string_bytes: u64,
    /// Estimated bytes of the loaded model.
    pub memory: u64,
}

/// Limits well above any real host (pid_max is at most 4,194,304; `nr_open` defaults to
/// 1,048,576; environ and argv are read capped at 16 MiB) and under what memory holds.
pub const LIMITS: Limits = Limits {
    processes: 4_194_304,
    threads: 8_388_608,
    fds_per_process: 1_048_576,
    fds: 16_777_216,
    argv_per_process: 2_097_152,
    environ_bytes_per_process: 16 << 20,
    sockets: 16_777_216,
    string_bytes: 1 << 30,
    memory: 2 << 30,
};

/// Counters of one pass, and the `format`/`schema` values met at the top level.
#[derive(Debug, Default)]
pub struct Budget {
    pub limits: Option<Limits>,
    pub format: Option<String>,
    pub schema: Option<u64>,
    processes: u64,
    threads: u64,
    fds: u64,
    fds_here: u64,
    argv_here: u64,
    environ_here: u64,
    sockets: u64,
    strings: u64,
    memory: u64,
    /// The limit passed, once one is.
    pub exceeded: Option<String>,
}

/// Where a value sits, as far as its cost is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Top,
    Other,
    Processes,
    Threads,
    Fds,
    Cmdline,
    Environ,
    Sockets,
    Netns,
    /// Below an environ entry: its strings count towards the process's environ bytes.
    InEnviron,
}

impl Ctx {
    fn of_key(self, key: &str) -> Ctx {
        match (self, key) {
            (Ctx::InEnviron, _) => Ctx::InEnviron,
            (Ctx::Top, "processes") => Ctx::Processes,
            (Ctx::Top, "sockets") => Ctx::Sockets,
            (Ctx::Top, "netns") => Ctx::Netns,
            (_, "threads") => Ctx::Threads,
            (_, "fds") => Ctx::Fds,
            (_, "cmdline") => Ctx::Cmdline,
            (_, "environ") => Ctx::Environ,
            _ => Ctx::Other,
        }
    }
}

impl Budget {
    pub fn new(limits: Limits) -> Self {
        Budget {
            limits: Some(limits),
            ..Budget::default()
        }
    }

    fn check(&mut self, what: &str, n: u64, limit: u64) -> Result<(), String> {
        if n > limit {
            let msg = format!("more than {limit} {what}");
            self.exceeded = Some(msg.clone());
            return Err(msg);
        }
        Ok(())
    }

    fn charge(&mut self, bytes: u64) -> Result<(), String> {
        let l = self.limits.unwrap_or(LIMITS);
        self.memory = self.memory.saturating_add(bytes);
        self.check("bytes of memory once loaded", self.memory, l.memory)
    }

    fn string(&mut self, ctx: Ctx, len: u64) -> Result<(), String> {
        let l = self.limits.unwrap_or(LIMITS);
        self.strings = self.strings.saturating_add(len);
        self.check("bytes of strings", self.strings, l.string_bytes)?;
        if ctx == Ctx::InEnviron || ctx == Ctx::Environ {
            self.environ_here = self.environ_here.saturating_add(len);
            let n = self.environ_here;
            self.check(
                "environ bytes in one process",
                n,
                l.environ_bytes_per_process,
            )?;
        }
        self.charge(len + 24)
    }

    /// An element of the array `ctx` begins.
    fn element(&mut self, ctx: Ctx) -> Result<(), String> {
        let l = self.limits.unwrap_or(LIMITS);
        let cost = match ctx {
            Ctx::Processes => {
                self.processes += 1;
                (self.fds_here, self.argv_here, self.environ_here) = (0, 0, 0);
                self.check("processes", self.processes, l.processes)?;
                size_of::<Process>()
            }
            Ctx::Threads => {
                self.threads += 1;
                self.check("threads", self.threads, l.threads)?;
                size_of::<Thread>()
            }
            Ctx::Fds => {
                self.fds += 1;
                self.fds_here += 1;
                self.check("fds", self.fds, l.fds)?;
                let n = self.fds_here;
                self.check("fds in one process", n, l.fds_per_process)?;
                size_of::<Fd>()
            }
            Ctx::Cmdline => {
                self.argv_here += 1;
                let n = self.argv_here;
                self.check("argv entries in one process", n, l.argv_per_process)?;
                24
            }
            Ctx::Sockets => {
                self.sockets += 1;
                self.check("sockets", self.sockets, l.sockets)?;
                size_of::<Socket>()
            }
            Ctx::Netns => size_of::<NetNs>(),
            Ctx::Environ | Ctx::InEnviron => 16,
            Ctx::Top | Ctx::Other => 16,
        };
        self.charge(cost as u64)
    }
}

/// A JSON value whose cost is counted, in context.
pub struct Counted<'a> {
    pub budget: &'a RefCell<Budget>,
    ctx: Ctx,
}

impl<'a> Counted<'a> {
    /// The whole document.
    pub fn document(budget: &'a RefCell<Budget>) -> Self {
        Counted {
            budget,
            ctx: Ctx::Top,
        }
    }
}

fn fail<E: serde::de::Error>(r: Result<(), String>) -> Result<(), E> {
    r.map_err(E::custom)
}

impl<'de> DeserializeSeed<'de> for Counted<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Counted<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<(), E> {
        fail(self.budget.borrow_mut().charge(1))
    }
    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<(), E> {
        fail(self.budget.borrow_mut().charge(8))
    }
    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<(), E> {
        fail(self.budget.borrow_mut().charge(8))
    }
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<(), E> {
        fail(self.budget.borrow_mut().charge(8))
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        fail(self.budget.borrow_mut().charge(1))
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<(), E> {
        self.visit_unit()
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
        fail(self.budget.borrow_mut().string(self.ctx, v.len() as u64))
    }
    fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<(), E> {
        fail(self.budget.borrow_mut().string(self.ctx, v.len() as u64))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let inner = match self.ctx {
            Ctx::Environ => Ctx::InEnviron,
            c => c,
        };
        loop {
            fail::<A::Error>(self.budget.borrow_mut().element(self.ctx))?;
            let seed = Counted {
                budget: self.budget,
                ctx: if inner == Ctx::InEnviron {
                    inner
                } else {
                    Ctx::Other
                },
            };
            if seq.next_element_seed(seed)?.is_none() {
                return Ok(());
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // why: an element of `processes` is an object whose keys say what its arrays are.
        let here = match self.ctx {
            Ctx::Top => Ctx::Top,
            Ctx::InEnviron => Ctx::InEnviron,
            _ => Ctx::Other,
        };
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            fail::<A::Error>(self.budget.borrow_mut().string(here, key.len() as u64))?;
            fail::<A::Error>(self.budget.borrow_mut().charge(48))?;
            if here == Ctx::Top && key == "format" {
                let v: serde_json::Value = map.next_value()?;
                self.budget.borrow_mut().format =
                    Some(v.as_str().map_or_else(|| v.to_string(), str::to_string));
                continue;
            }
            if here == Ctx::Top && key == "schema" {
                let v: serde_json::Value = map.next_value()?;
                self.budget.borrow_mut().schema = v.as_u64();
                continue;
            }
            let ctx = here.of_key(&key);
            map.next_value_seed(Counted {
                budget: self.budget,
                ctx,
            })?;
        }
        Ok(())
    }
}
