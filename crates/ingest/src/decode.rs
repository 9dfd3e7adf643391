//! Bytes to text, as CRM exports and spreadsheets actually write them.
//!
//! Salesforce and HubSpot write UTF-8 with a byte-order mark; Excel's "CSV UTF-16" writes
//! UTF-16 with a BOM; an older Excel "CSV" writes Windows-1252. A BOM is trusted; otherwise
//! valid UTF-8 is UTF-8 and anything else is read as Windows-1252, which never fails.

use std::borrow::Cow;

/// The text of a file and the encoding it was read as.
pub fn decode(bytes: &[u8]) -> (Cow<'_, str>, &'static str) {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return (String::from_utf8_lossy(rest), "UTF-8 (BOM)");
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return (Cow::Owned(utf16(rest, u16::from_le_bytes)), "UTF-16LE");
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return (Cow::Owned(utf16(rest, u16::from_be_bytes)), "UTF-16BE");
    }
    match std::str::from_utf8(bytes) {
        // Valid UTF-8 is read in place, not copied.
        Ok(s) => (Cow::Borrowed(s), "UTF-8"),
        Err(_) => (
            Cow::Owned(bytes.iter().map(|b| windows_1252(*b)).collect()),
            "Windows-1252",
        ),
    }
}

fn utf16(bytes: &[u8], read: fn([u8; 2]) -> u16) -> String {
    let units = bytes.chunks_exact(2).map(|c| read([c[0], c[1]]));
    char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[(b - 0x80) as usize],
        _ => b as char,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_utf8_bom_is_stripped() {
        let (s, enc) = decode(b"\xEF\xBB\xBFOpportunity Name,Stage\n");
        assert_eq!((&*s, enc), ("Opportunity Name,Stage\n", "UTF-8 (BOM)"));
    }

    #[test]
    fn utf16_from_excel_is_read() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "Deal Name,Amount\n".encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        assert_eq!(decode(&bytes).0, "Deal Name,Amount\n");
    }

    #[test]
    fn windows_1252_from_old_excel_is_read() {
        // "Café – 5€" in Windows-1252.
        let (s, enc) = decode(b"Caf\xE9 \x96 5\x80");
        assert_eq!((&*s, enc), ("Café – 5€", "Windows-1252"));
    }

    #[test]
    fn valid_utf8_is_not_copied() {
        let bytes = "Deal Name,Amount\nPumpe,5\n".as_bytes();
        let (s, enc) = decode(bytes);
        assert!(matches!(s, Cow::Borrowed(_)));
        assert_eq!((&*s, enc), ("Deal Name,Amount\nPumpe,5\n", "UTF-8"));
    }
}
