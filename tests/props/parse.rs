//! Property tests: the `/proc` parsers never panic on arbitrary bytes, and the byte-exact
//! ones (cmdline, environ) lose nothing.

use procscope::collect::parse;
use procscope::collect::process::classify;
use procscope::collect::tables::parse_table;
use procscope::model::{Environ, Proto};
use proptest::prelude::*;

/// Bytes biased toward the characters these formats are made of.
fn procish() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            any::<u8>(),
            prop::sample::select(b"()[]:=\0\n\t ,/0123456789ABCDEFabcdef".to_vec()),
        ],
        0..400,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parsers_never_panic(b in procish()) {
        let _ = parse::stat(&b);
        let _ = parse::status(&b);
        let _ = parse::cgroups(&b);
        let _ = parse::cmdline(&b);
        let _ = Environ::from_raw(&b).iter().count();
        let _ = parse::ns_inode(&b);
        let _ = parse::bracket_inode(&b, b"socket:");
        let _ = parse::passwd(&b);
        let _ = classify(&b, None);
        for proto in Proto::ALL {
            let _ = parse_table(proto, 1, &b);
        }
    }

    #[test]
    fn table_parsers_never_panic_on_rows(rows in prop::collection::vec(procish(), 0..6)) {
        let mut text = b"header line\n".to_vec();
        for r in rows {
            text.extend_from_slice(&r);
            text.push(b'\n');
        }
        for proto in Proto::ALL {
            if let Err(e) = parse_table(proto, 1, &text) {
                prop_assert!(!e.to_string().contains('\n'), "multi-line error {e:?}");
            }
        }
    }

    #[test]
    fn stat_keeps_any_comm(comm in prop::collection::vec(any::<u8>(), 0..64), ppid in any::<u32>(), start in any::<u64>()) {
        let mut line = b"42 (".to_vec();
        line.extend_from_slice(&comm);
        line.extend_from_slice(format!(") S {ppid} 42 42 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 {start} 0 0\n").as_bytes());
        let s = parse::stat(&line).unwrap();
        prop_assert_eq!(s.comm.as_bytes(), &comm[..]);
        prop_assert_eq!(s.ppid, ppid);
        prop_assert_eq!(s.start_time, start);
    }

    #[test]
    fn cmdline_and_environ_are_byte_exact(entries in prop::collection::vec(prop::collection::vec(1u8..=255, 0..20), 1..8)) {
        let mut buf = Vec::new();
        for e in &entries {
            buf.extend_from_slice(e);
            buf.push(0);
        }
        let argv = parse::cmdline(&buf);
        prop_assert_eq!(argv.len(), entries.len());
        for (a, e) in argv.iter().zip(&entries) {
            prop_assert_eq!(a.as_bytes(), &e[..]);
        }
        let env = Environ::from_raw(&buf);
        prop_assert_eq!(env.len(), entries.len());
        prop_assert_eq!(env.iter().count(), entries.len());
        for (v, e) in env.iter().zip(&entries) {
            let mut back = v.name.to_vec();
            if let Some(val) = v.value {
                back.push(b'=');
                back.extend_from_slice(val);
            }
            prop_assert_eq!(&back, e);
        }
    }
}
