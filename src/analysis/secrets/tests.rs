//! Unit tests of the engine over hand-built processes.

use super::*;
use crate::model::{EnvEntry, Process};

fn proc_with(env: &[(&str, &str)], argv: &[&str]) -> Snapshot {
    let p = Process {
        pid: 42,
        start_time: 7,
        comm: Bytes::from("app"),
        cmdline: argv.iter().map(|a| Bytes::from(*a)).collect(),
        environ: Some(
            env.iter()
                .map(|(n, v)| EnvEntry {
                    name: Bytes::from(*n),
                    value: Some(Bytes::from(*v)),
                })
                .collect(),
        ),
        ..Process::default()
    };
    Snapshot {
        processes: vec![p],
        ..Snapshot::default()
    }
}

fn rules() -> RuleSet {
    RuleSet::builtin().unwrap()
}

fn found(env: &[(&str, &str)], argv: &[&str]) -> Vec<Finding> {
    scan_with(&proc_with(env, argv), &rules(), true)
}

#[test]
fn provider_keys_are_found_and_example_keys_are_not() {
    let f = found(&[("AWS_ACCESS_KEY_ID", "AKIAZ7Q2XK4M3N5P6R7T")], &[]);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].rule, "aws-access-key-id");
    assert_eq!(f[0].severity, Severity::Critical);
    assert!(found(&[("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")], &[]).is_empty());
}

#[test]
fn plain_and_high_entropy_secret_names() {
    let f = found(&[("DB_PASSWORD", "hunter2")], &[]);
    assert_eq!(f[0].rule, "secret-name-value");
    assert_eq!(f[0].severity, Severity::Medium);
    let f = found(&[("SECRET", "098273450928734509872345")], &[]);
    assert_eq!(f.len(), 1);
    let f = found(&[("API_TOKEN", "q8Zt1XbVn3Rk0sLp9WmE4yTa")], &[]);
    assert_eq!(f[0].rule, "secret-name-high-entropy");
    for (n, v) in [
        ("PASSWORD_STORE_DIR", "/root/.password-store"),
        ("GIT_ASKPASS", "/usr/lib/git-core/git-gui--askpass"),
        ("PWD", "/home/x"),
        ("TOKEN_TTL", "3600"),
        ("AUTH_ENABLED", "true"),
        ("GIT_COMMIT", "3f9a1c0e7b2d4f6a8c1e3b5d7f9a2c4e6b8d0f1a"),
        ("DB_PASSWORD", ""),
    ] {
        assert!(found(&[(n, v)], &[]).is_empty(), "{n}={v}");
    }
}

#[test]
fn placeholders_are_not_reported() {
    for v in [
        "changeme",
        "${DB_PASS}",
        "<password>",
        "xxxxxxxxxxxx",
        "your_api_key_here",
    ] {
        let f = found(&[("DB_PASSWORD", v)], &[]);
        assert!(f.is_empty(), "{v}: {f:?}");
    }
    // a real token in an example-looking place is still a finding
    let f = found(
        &[("EXAMPLE_TOKEN", "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")],
        &[],
    );
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::Critical);
}

#[test]
fn checksum_and_claimed_prefixes() {
    // right prefix, wrong checksum: low; right prefix, impossible body: nothing
    let f = found(
        &[("GITHUB_TOKEN", "ghp_Zq8Zt1XbVn3Rk0sLp9WmE4yTa7HcJ20XngAj")],
        &[],
    );
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].severity, Severity::Low);
    assert!(found(&[("GITHUB_TOKEN", "ghp_abc")], &[]).is_empty());
}

#[test]
fn structured_fields_found_and_masked_exactly() {
    let man = "kind: Secret\nstringData:\n  password: Qw8rT5yU2iO9pA\n  user: app\n";
    let f = found(&[("APP_MANIFEST", man)], &[]);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(
        f[0].name.as_bytes(),
        "APP_MANIFEST › stringData.password".as_bytes()
    );
    let mut s = proc_with(&[("APP_MANIFEST", man)], &[]);
    mask_snapshot(&mut s, &rules());
    let env = s.processes[0].environ.as_ref().unwrap();
    let v = String::from_utf8_lossy(env.get(0).unwrap().value.unwrap()).into_owned();
    assert_eq!(
        v,
        "kind: Secret\nstringData:\n  password: Qw8r…(14)\n  user: app\n"
    );
    // a leaf that cannot be located verbatim masks the whole value (never too little)
    let esc = r#"{"db": {"password": "\u0051w8rT5yU2iO9pA"}}"#;
    let f = found(&[("APP_CONFIG", esc)], &[]);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].span, (0, esc.len()));
    assert_eq!(f[0].name.as_bytes(), "APP_CONFIG › db.password".as_bytes());
}

#[test]
fn headers_and_spaced_passphrases() {
    let f = found(
        &[],
        &[
            "curl",
            "-H",
            "X-Datadog-ApiKey: 9f8e7d6c5b4a39281706f5e4d3c2b1a0",
            "https://x",
        ],
    );
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].span, (18, 50));
    let f = found(&[], &["tool", "--passphrase", "tulip orbit seven lantern"]);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].span, (0, 25));
    assert!(found(&[], &["curl", "-u", "user:password", "https://x"]).is_empty());
}

#[test]
fn cmdline_flags_and_leads() {
    let f = found(
        &[],
        &["app", "--password=s3cretPass", "--token", "abcdef123456"],
    );
    let names: Vec<_> = f.iter().map(|x| x.name.lossy().into_owned()).collect();
    assert_eq!(names, ["--password", "--token"], "{f:?}");
    assert_eq!(f[0].span, (11, 21));
    let f = found(
        &[],
        &[
            "kube-apiserver",
            "--tls-private-key-file=/etc/k8s/pki/apiserver.key",
        ],
    );
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0].lead && f[0].value == "/etc/k8s/pki/apiserver.key");
    let f = found(
        &[],
        &[
            "curl",
            "-H",
            "Authorization: Bearer abcDEF123456789xyz",
            "https://x",
        ],
    );
    assert_eq!(f[0].rule, "authorization-header");
    assert_eq!(f[0].name.lossy(), "-H");
}

#[test]
fn masking_replaces_only_matched_values() {
    let mut s = proc_with(
        &[
            ("DATABASE_URL", "postgres://app:Zx9Qw8Er7Ty6@db:5432/app"),
            ("HOME", "/root"),
        ],
        &["app", "--password=s3cretPass"],
    );
    mask_snapshot(&mut s, &rules());
    let p = &s.processes[0];
    let env = p.environ.as_ref().unwrap();
    assert_eq!(
        env.get(0).unwrap().value.unwrap(),
        "postgres://app:Zx9Q…(12)@db:5432/app".as_bytes()
    );
    assert_eq!(env.get(1).unwrap().value.unwrap(), b"/root");
    assert_eq!(p.cmdline[1].lossy(), "--password=s3cr…(10)");
    assert!(s.meta.masked);
}

#[test]
fn kubernetes_token_is_told_from_a_plain_jwt() {
    // {"alg":"RS256"} . {"iss":"kubernetes/serviceaccount","sub":"x"} . sig
    let k8s = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2NvdW50Iiwic3ViIjoieCJ9.c2lnbmF0dXJlLWJ5dGVz";
    let f = found(&[("KUBE_TOKEN", k8s)], &[]);
    assert_eq!(f[0].rule, "kubernetes-service-account-token", "{f:?}");
    let plain = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    let f = found(&[("X", plain)], &[]);
    assert_eq!(f[0].rule, "jwt", "{f:?}");
}

#[test]
fn bad_user_regex_names_the_rule() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("r.yaml");
    std::fs::write(&p, "rules:\n  - id: broken\n    regex: 'a(b'\n").unwrap();
    let e = crate::collect::rules::load(Some(&p))
        .unwrap_err()
        .to_string();
    assert!(e.contains("rule broken") && !e.contains('\n'), "{e}");
}

#[test]
fn findings_carry_container_and_pod() {
    let mut s = proc_with(
        &[("GITHUB_TOKEN", "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")],
        &[],
    );
    s.processes[0].container = Some(crate::model::Container {
        runtime: "containerd".into(),
        id: Some("4f2a".repeat(16)),
        pod_uid: Some("0b1c2d3e-1111-2222-3333-444455556666".into()),
        qos: None,
    });
    let f = scan(&s, &rules());
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].container.as_deref(), Some("4f2a".repeat(16).as_str()));
    assert_eq!(
        f[0].pod_uid.as_deref(),
        Some("0b1c2d3e-1111-2222-3333-444455556666")
    );
    assert_eq!(f[0].value, "ghp_…(40)");
    let j = serde_json::to_value(&f[0]).unwrap();
    for k in [
        "pid",
        "start_time",
        "comm",
        "container",
        "source",
        "name",
        "rule",
        "severity",
        "description",
        "value",
        "entropy",
    ] {
        assert!(j.get(k).is_some(), "missing {k} in {j}");
    }
    assert_eq!(j["source"], "environ");
    assert_eq!(j["severity"], "critical");
}
