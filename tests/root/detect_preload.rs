//! `detect` reads `/etc/ld.so.preload` once per root: a container whose root lists a library
//! gets one `ld_so_preload` alert, on its oldest process, naming the entry; the host does not.

use crate::support::procscope;
use crate::support::rootfs::{Container, skip_reason};
use serde_json::Value;

fn preload_alerts() -> Vec<Value> {
    (crate::support::json_lines(procscope().args(["detect", "--json"])).into_iter())
        .filter(|a| a["rule"] == "ld_so_preload")
        .collect()
}

#[test]
fn a_preload_file_in_a_container_root_is_an_alert() {
    if let Some(why) = skip_reason() {
        eprintln!("skip: {why}");
        return;
    }
    let c = Container::start();
    let before = preload_alerts();
    assert!(
        !before
            .iter()
            .any(|a| a["pid"] == c.pid1 || a["pid"] == c.member),
        "{before:?}"
    );
    std::fs::write(
        c.rootfs.join("etc/ld.so.preload"),
        "# a comment\n/lib/libhook.so  /tmp/\x1b[31mx.so\n",
    )
    .expect("write the preload file");
    let after = preload_alerts();
    let mine: Vec<&Value> = (after.iter())
        .filter(|a| a["pid"] == c.pid1 || a["pid"] == c.member)
        .collect();
    assert_eq!(mine.len(), 1, "one alert for the root: {after:?}");
    let a = mine[0];
    assert_eq!(a["pid"], c.pid1, "on the root's oldest process");
    assert_eq!(a["priority"], "Error");
    let ev = a["evidence"].as_str().unwrap_or_default();
    assert!(
        ev.contains("/lib/libhook.so") && !ev.contains("a comment"),
        "{ev}"
    );
    assert!(ev.contains("the root of 2 process(es)"), "{ev}");
    // The text output escapes the entry's control bytes.
    let out = procscope().arg("detect").output().expect("run detect");
    let text = String::from_utf8_lossy(&out.stdout);
    let line = (text.lines())
        .find(|l| l.contains("/lib/libhook.so"))
        .unwrap_or_else(|| panic!("no preload line:\n{text}"));
    assert!(
        line.contains("/tmp/\\e[31mx.so") && !line.contains('\x1b'),
        "{line}"
    );
    // The host's own root has no such file here: no alert outside the container.
    assert_eq!(after.len(), before.len() + 1, "{after:?}");
}
