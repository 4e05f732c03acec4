//! The `-c` summary: calls, errors and time per syscall, as `strace -c` lays it out, and its
//! JSON form `{"syscalls": [...], "total": {...}}`.

use serde::Serialize;
use std::collections::HashMap;
use std::time::Duration;

/// Counts gathered while tracing.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    by_name: HashMap<String, (u64, u64, Duration)>,
}

/// One row of the table.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Row {
    pub syscall: String,
    pub calls: u64,
    pub errors: u64,
    pub seconds: f64,
    pub usecs_per_call: u64,
    pub percent: f64,
}

/// The table: rows sorted by time (then calls, then name), and the total.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Table {
    pub syscalls: Vec<Row>,
    pub total: Row,
}

impl Summary {
    /// Count one finished call of `name`.
    pub fn add(&mut self, name: &str, error: bool, time: Duration) {
        if let Some(e) = self.by_name.get_mut(name) {
            e.0 += 1;
            e.1 += error as u64;
            e.2 += time;
        } else {
            self.by_name
                .insert(name.to_string(), (1, error as u64, time));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    /// The rows so far.
    pub fn table(&self) -> Table {
        let total_time: Duration = self.by_name.values().map(|v| v.2).sum();
        let row = |name: &str, calls: u64, errors: u64, t: Duration| Row {
            syscall: name.to_string(),
            calls,
            errors,
            seconds: t.as_secs_f64(),
            usecs_per_call: (t.as_micros() as u64).checked_div(calls).unwrap_or(0),
            percent: if total_time.is_zero() {
                0.0
            } else {
                100.0 * t.as_secs_f64() / total_time.as_secs_f64()
            },
        };
        let mut names: Vec<(&String, &(u64, u64, Duration))> = self.by_name.iter().collect();
        names.sort_by(|a, b| {
            (b.1.2, b.1.0)
                .cmp(&(a.1.2, a.1.0))
                .then_with(|| a.0.cmp(b.0))
        });
        let syscalls = names
            .into_iter()
            .map(|(n, v)| row(n, v.0, v.1, v.2))
            .collect::<Vec<_>>();
        let calls = syscalls.iter().map(|r| r.calls).sum();
        let errors = syscalls.iter().map(|r| r.errors).sum();
        let mut total = row("total", calls, errors, total_time);
        total.percent = 100.0;
        Table { syscalls, total }
    }
}

impl Table {
    /// The text of `strace -c`: header, rows, rule, total.
    pub fn text(&self) -> String {
        let rule = "------ ----------- ----------- --------- --------- ----------------";
        let line = |r: &Row| {
            let errors = if r.errors == 0 {
                String::new()
            } else {
                r.errors.to_string()
            };
            format!(
                "{:6.2} {:11.6} {:11} {:9} {:>9} {}",
                r.percent, r.seconds, r.usecs_per_call, r.calls, errors, r.syscall
            )
        };
        let mut out = String::from("% time     seconds  usecs/call     calls    errors syscall\n");
        out.push_str(rule);
        out.push('\n');
        for r in &self.syscalls {
            out.push_str(&line(r));
            out.push('\n');
        }
        out.push_str(rule);
        out.push('\n');
        out.push_str(&line(&self.total));
        out.push('\n');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_by_time_with_total() {
        let mut s = Summary::default();
        s.add("read", false, Duration::from_micros(30));
        s.add("read", true, Duration::from_micros(10));
        s.add("close", false, Duration::from_micros(60));
        s.add("uname", false, Duration::ZERO);
        let t = s.table();
        let names: Vec<_> = t.syscalls.iter().map(|r| r.syscall.as_str()).collect();
        assert_eq!(names, ["close", "read", "uname"]);
        assert_eq!((t.syscalls[1].calls, t.syscalls[1].errors), (2, 1));
        assert_eq!(t.syscalls[1].usecs_per_call, 20);
        assert!((t.syscalls[0].percent - 60.0).abs() < 1e-9);
        assert_eq!((t.total.calls, t.total.errors), (4, 1));
        let text = t.text();
        assert!(text.starts_with("% time     seconds  usecs/call     calls    errors syscall\n"));
        assert!(
            text.contains(" 60.00    0.000060          60         1           close\n"),
            "{text}"
        );
        assert!(
            text.contains(" 40.00    0.000040          20         2         1 read\n"),
            "{text}"
        );
        assert!(
            text.ends_with("100.00    0.000100          25         4         1 total\n"),
            "{text}"
        );
        let json = serde_json::to_value(&t).unwrap_or_default();
        assert_eq!(json["total"]["calls"], 4);
        assert_eq!(json["syscalls"][0]["syscall"], "close");
        assert!(json["syscalls"][0]["usecs_per_call"].is_u64());
    }
}
