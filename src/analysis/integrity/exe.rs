//! What a running executable is compared with the file at its path, and which mapped files
//! stand out (deleted, memfd-backed, or executable code outside the library directories).

use crate::model::{ExeIntegrity, ExeVerdict, FileDigest, MappedFile};

/// Directories a dynamic loader takes shared libraries from on common distributions.
pub const LIBRARY_DIRS: &[&[u8]] = &[
    b"/lib/",
    b"/lib32/",
    b"/lib64/",
    b"/libx32/",
    b"/usr/lib/",
    b"/usr/lib32/",
    b"/usr/lib64/",
    b"/usr/libx32/",
    b"/usr/local/lib/",
    b"/usr/local/lib64/",
];

/// Whether two digests are the same content: the same file, or the same size and SHA-256.
fn same_content(a: &FileDigest, b: &FileDigest) -> bool {
    if (a.dev, a.inode) == (b.dev, b.inode) {
        return true;
    }
    a.size == b.size && a.sha256.is_some() && a.sha256 == b.sha256
}

/// The verdicts for one process's exe from what was read: `memfd` (nothing to compare with),
/// `deleted` (unlinked, nothing or the same content at its path), `replaced on disk` (another
/// content at its path), `matches`, and `on overlay upper layer` beside any of them.
pub fn exe_verdicts(ex: &ExeIntegrity) -> Vec<ExeVerdict> {
    let mut v = Vec::new();
    let Some(exe) = &ex.exe else { return v };
    if exe.memfd {
        v.push(ExeVerdict::Memfd);
    } else {
        match (&ex.running, &ex.on_disk) {
            (Some(r), Some(d)) if !same_content(r, d) => v.push(ExeVerdict::ReplacedOnDisk),
            (Some(_), Some(_)) if exe.deleted => v.push(ExeVerdict::Deleted),
            (Some(_), Some(_)) => v.push(ExeVerdict::Matches),
            // why: a deleted exe whose path could not be looked at is still deleted.
            (_, None) if exe.deleted => v.push(ExeVerdict::Deleted),
            _ => {}
        }
    }
    if ex.overlay_upper == Some(true) {
        v.push(ExeVerdict::OverlayUpper);
    }
    v
}

/// Flags of one mapped file: only executable mappings are judged (data files of any kind are
/// mapped from anywhere): `deleted`, `memfd`, and `outside library dirs` for code that is not
/// the exe itself and not under [`LIBRARY_DIRS`].
pub fn map_flags(m: &MappedFile, exe_path: Option<&[u8]>) -> Vec<String> {
    let mut f = Vec::new();
    if !m.exec {
        return f;
    }
    if m.memfd {
        f.push("memfd".to_string());
    } else if m.deleted {
        f.push("deleted".to_string());
    }
    let is_exe = exe_path == Some(m.path.as_bytes());
    let in_lib_dir = LIBRARY_DIRS
        .iter()
        .any(|d| m.path.as_bytes().starts_with(d));
    if !m.memfd && !is_exe && !in_lib_dir {
        f.push("outside library dirs".to_string());
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Exe, Unavailable};

    fn digest(inode: u64, sha: &str) -> FileDigest {
        FileDigest {
            dev: 1,
            inode,
            size: 10,
            sha256: Some(sha.into()),
        }
    }

    fn integrity(deleted: bool, memfd: bool, disk: Option<FileDigest>) -> ExeIntegrity {
        ExeIntegrity {
            exe: Some(Exe {
                path: "/bin/x".into(),
                deleted,
                memfd,
            }),
            running: Some(digest(5, "aa")),
            on_disk: disk,
            ..ExeIntegrity::default()
        }
    }

    #[test]
    fn verdicts() {
        let m = |ex: &ExeIntegrity| exe_verdicts(ex);
        assert_eq!(
            m(&integrity(false, false, Some(digest(5, "aa")))),
            [ExeVerdict::Matches]
        );
        assert_eq!(
            m(&integrity(false, false, Some(digest(6, "aa")))),
            [ExeVerdict::Matches]
        );
        assert_eq!(
            m(&integrity(true, false, Some(digest(6, "bb")))),
            [ExeVerdict::ReplacedOnDisk]
        );
        assert_eq!(m(&integrity(true, false, None)), [ExeVerdict::Deleted]);
        assert_eq!(m(&integrity(false, true, None)), [ExeVerdict::Memfd]);
        let mut up = integrity(false, false, Some(digest(5, "aa")));
        up.overlay_upper = Some(true);
        assert_eq!(m(&up), [ExeVerdict::Matches, ExeVerdict::OverlayUpper]);
        let mut denied = integrity(false, false, None);
        denied
            .unavailable
            .insert("on_disk".into(), Unavailable::Denied);
        assert!(m(&denied).is_empty());
    }

    #[test]
    fn flags_only_code() {
        let map = |p: &str, exec, deleted, memfd| MappedFile {
            path: p.into(),
            exec,
            deleted,
            memfd,
            ..MappedFile::default()
        };
        let exe = Some(b"/opt/app/bin".as_slice());
        assert!(
            map_flags(
                &map("/usr/lib/x86_64-linux-gnu/libc.so.6", true, false, false),
                exe
            )
            .is_empty()
        );
        assert!(map_flags(&map("/opt/app/bin", true, false, false), exe).is_empty());
        assert!(map_flags(&map("/tmp/data", false, true, false), exe).is_empty());
        assert_eq!(
            map_flags(&map("/tmp/evil.so", true, false, false), exe),
            ["outside library dirs"]
        );
        assert_eq!(
            map_flags(&map("/usr/lib/libx.so", true, true, false), exe),
            ["deleted"]
        );
        assert_eq!(
            map_flags(&map("/memfd:x", true, false, true), exe),
            ["memfd"]
        );
    }
}
