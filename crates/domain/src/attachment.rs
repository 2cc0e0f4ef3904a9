//! Files attached to a record (a receipt for a spending, the scan of a meeting's minutes,
//! the images or PDF of an imaging or pathology report): what kinds are taken, told by
//! their first bytes rather than by the name or the type a browser claims, and how large.

/// The most an attachment may weigh: a phone photo, a scanned page, a report's key image.
pub const MAX_BYTES: usize = 2 * 1024 * 1024;

/// Why a file is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileProblem {
    Empty,
    TooLarge,
    /// Not a JPEG, PNG or PDF.
    Kind,
}

impl FileProblem {
    pub fn code(self) -> &'static str {
        match self {
            FileProblem::Empty => "file_empty",
            FileProblem::TooLarge => "file_too_large",
            FileProblem::Kind => "file_kind",
        }
    }
}

/// The media type of a JPEG, PNG or PDF file, from its first bytes.
pub fn sniff(bytes: &[u8]) -> Result<&'static str, FileProblem> {
    if bytes.is_empty() {
        return Err(FileProblem::Empty);
    }
    if bytes.len() > MAX_BYTES {
        return Err(FileProblem::TooLarge);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok("image/jpeg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Ok("image/png")
    } else if bytes.starts_with(b"%PDF-") {
        Ok("application/pdf")
    } else {
        Err(FileProblem::Kind)
    }
}

/// A file name fit to keep and to give back: its last path part, without control
/// characters or quotes, at most 100 characters; `attachment` when nothing is left.
pub fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let kept: String = last
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(100)
        .collect();
    let kept = kept.trim().to_string();
    if kept.is_empty() {
        "attachment".into()
    } else {
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_known_by_its_first_bytes() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), Ok("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Ok("image/png"));
        assert_eq!(sniff(b"%PDF-1.7\n"), Ok("application/pdf"));
        // An HTML page named receipt.jpg is still an HTML page.
        assert_eq!(sniff(b"<html><script>"), Err(FileProblem::Kind));
        assert_eq!(sniff(b""), Err(FileProblem::Empty));
        let mut big = b"%PDF-".to_vec();
        big.resize(MAX_BYTES + 1, b' ');
        assert_eq!(sniff(&big), Err(FileProblem::TooLarge));
    }

    #[test]
    fn a_name_keeps_its_last_part_without_quotes_or_controls() {
        assert_eq!(clean_name("C:\\票据\\发票001.jpg"), "发票001.jpg");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\"b\r\n.pdf"), "ab.pdf");
        assert_eq!(clean_name("  "), "attachment");
    }
}
