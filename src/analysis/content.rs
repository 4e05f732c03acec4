//! Views of file content for display, shared by `fs --cat` and the TUI: strings(1)-like runs
//! and a `hexdump -C`-like dump. Pure functions over bytes; their output is terminal-safe.

/// Runs of at least 4 printable ASCII characters (or tabs), like strings(1).
pub fn strings(b: &[u8]) -> Vec<&[u8]> {
    b.split(|&x| !(x == b'\t' || (0x20..0x7f).contains(&x)))
        .filter(|run| run.len() >= 4)
        .collect()
}

/// `hexdump -C` style lines: offset, 16 bytes in hex, printable ASCII.
pub fn hex_dump(b: &[u8]) -> Vec<String> {
    b.chunks(16)
        .enumerate()
        .map(|(i, chunk)| {
            let mut s = format!("{:08x} ", i * 16);
            for j in 0..16 {
                if j == 8 {
                    s.push(' ');
                }
                match chunk.get(j) {
                    Some(x) => s.push_str(&format!(" {x:02x}")),
                    None => s.push_str("   "),
                }
            }
            s.push_str("  |");
            s.extend(chunk.iter().map(|&x| {
                if (0x20..0x7f).contains(&x) {
                    x as char
                } else {
                    '.'
                }
            }));
            s.push('|');
            s
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_like_strings1() {
        let b = b"\x00\x01abc\x00hello world\xff\x1b[2Jxy\tzzzz\x7fend!";
        let got: Vec<&[u8]> = strings(b);
        assert_eq!(got, vec![&b"hello world"[..], b"[2Jxy\tzzzz", b"end!"]);
    }

    #[test]
    fn hex_dump_lines() {
        let d = hex_dump(b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x1b");
        assert_eq!(d.len(), 2);
        assert_eq!(
            d[0],
            "00000000  7f 45 4c 46 02 01 01 00  00 00 00 00 00 00 00 00  |.ELF............|"
        );
        assert!(d[1].starts_with("00000010  03 1b    "), "{}", d[1]);
        assert!(d[1].ends_with("|..|"), "{}", d[1]);
    }
}
