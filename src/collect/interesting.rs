//! Looking for the interesting paths inside a root, through [`RootFs`] only: globs are expanded
//! by listing directories inside the root, walks are bounded in depth and size. The list and its
//! matching are pure (`analysis::interesting`); this module does the reading.

use crate::analysis::interesting::{
    InterestingList, Pattern, components, expand_home, glob_match, homes_from_passwd, path_matches,
};
use crate::model::{Bytes, FsKind, InterestingHit};
use crate::source::rootfs::{DEFAULT_MAX_ENTRIES, FileContent, RootFs};

/// Most home directories considered (a passwd file could name thousands).
const MAX_HOMES: usize = 256;
/// Most paths one glob pattern expands to.
const MAX_GLOB: usize = 4096;
/// Depth and entry budget of an `executables` walk.
const MAX_DEPTH: usize = 8;
const MAX_WALK: usize = 50_000;
/// Largest passwd file read to find home directories.
const PASSWD_CAP: u64 = 1 << 20;

/// Home directories of the root: those in its `/etc/passwd`, `/root`, and every `/home/*`
/// directory; deduplicated, at most 256. Missing files simply contribute nothing.
pub fn homes(fs: &RootFs) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    if let Ok(c) = fs.read(b"/etc/passwd", PASSWD_CAP) {
        out.extend(homes_from_passwd(&c.bytes));
    }
    out.push(b"/root".to_vec());
    if let Ok(l) = fs.list(b"/home", DEFAULT_MAX_ENTRIES) {
        for e in l.entries.into_iter().filter(|e| e.kind == FsKind::Dir) {
            out.push(join(b"/home", e.name.as_bytes()));
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|h| {
        let norm: Vec<u8> = h.strip_suffix(b"/").unwrap_or(h).to_vec();
        !norm.is_empty() && seen.insert(norm)
    });
    out.truncate(MAX_HOMES);
    out
}

fn join(dir: &[u8], name: &[u8]) -> Vec<u8> {
    let mut p = dir.to_vec();
    if !p.ends_with(b"/") {
        p.push(b'/');
    }
    p.extend_from_slice(name);
    p
}

/// Expand the `*` components of an absolute pattern by listing directories inside the root.
fn expand_globs(fs: &RootFs, pattern: &[u8]) -> Vec<Vec<u8>> {
    let mut cur: Vec<Vec<u8>> = vec![b"/".to_vec()];
    for comp in components(pattern) {
        let mut next = Vec::new();
        for base in &cur {
            if comp.contains(&b'*') {
                let Ok(l) = fs.list(base, DEFAULT_MAX_ENTRIES) else {
                    continue;
                };
                for e in l.entries {
                    if glob_match(comp, e.name.as_bytes()) && next.len() < MAX_GLOB {
                        next.push(join(base, e.name.as_bytes()));
                    }
                }
            } else {
                next.push(join(base, comp));
            }
        }
        cur = next;
    }
    cur
}

/// Every executable regular file below `dir` (symlinks are not followed), bounded.
fn executables(fs: &RootFs, dir: &[u8], depth: usize, budget: &mut usize, out: &mut Vec<Vec<u8>>) {
    // why: never read more entries than the walk may still look at.
    let Ok(l) = fs.list(dir, (*budget).min(DEFAULT_MAX_ENTRIES)) else {
        return;
    };
    for e in l.entries {
        if *budget == 0 {
            return;
        }
        *budget -= 1;
        let path = join(dir, e.name.as_bytes());
        if e.is_executable_file() {
            out.push(path);
        } else if e.kind == FsKind::Dir && depth < MAX_DEPTH {
            executables(fs, &path, depth + 1, budget, out);
        }
    }
}

fn concrete_paths(fs: &RootFs, p: &Pattern, homes: &[Vec<u8>]) -> Vec<Vec<u8>> {
    expand_home(&p.path, homes)
        .iter()
        .flat_map(|abs| expand_globs(fs, abs))
        .collect()
}

/// The paths of `list` present in the root, in list order: each with what it is, whether it is
/// a secret, and the file it leads to (symlinks followed inside the root). A path reached by
/// several entries is reported once, sensitive if any entry says so.
pub fn find_interesting(fs: &RootFs, list: &InterestingList) -> Vec<InterestingHit> {
    let homes = homes(fs);
    let mut hits: Vec<InterestingHit> = Vec::new();
    let mut index = std::collections::HashMap::<Vec<u8>, usize>::new();
    for p in &list.paths {
        for base in concrete_paths(fs, p, &homes) {
            let found: Vec<(Vec<u8>, _)> = if p.executables {
                let mut paths = Vec::new();
                let mut budget = MAX_WALK;
                executables(fs, &base, 0, &mut budget, &mut paths);
                paths
                    .into_iter()
                    .filter_map(|path| fs.stat(&path).ok().map(|e| (path, e)))
                    .collect()
            } else {
                fs.resolve(&base)
                    .ok()
                    .map(|e| (base, e))
                    .into_iter()
                    .collect()
            };
            for (path, entry) in found {
                if let Some(&i) = index.get(&path) {
                    hits[i].sensitive |= p.sensitive;
                    continue;
                }
                index.insert(path.clone(), hits.len());
                hits.push(InterestingHit {
                    path: Bytes(path),
                    what: p.what.clone(),
                    sensitive: p.sensitive,
                    entry,
                });
            }
        }
    }
    hits
}

/// Whether a file read from `path` is a secret as a whole by the list: its path matches a
/// sensitive pattern that masks whole, or it is the same file (device and inode) as one such a
/// pattern leads to, whatever symlink or hard link reached it. (Content that looks like a key or
/// a token is judged by `analysis::masking::content_mask`.)
pub fn is_whole_secret(fs: &RootFs, list: &InterestingList, path: &[u8], c: &FileContent) -> bool {
    let homes = homes(fs);
    let mut abs = b"/".to_vec();
    abs.extend_from_slice(path);
    list.paths.iter().filter(|p| p.masks_whole()).any(|p| {
        expand_home(&p.path, &homes)
            .iter()
            .any(|pat| path_matches(pat, &abs))
            || concrete_paths(fs, p, &homes).iter().any(|q| {
                fs.resolve(q)
                    .is_ok_and(|e| (e.dev, e.inode) == (c.dev, c.inode))
            })
    })
}
