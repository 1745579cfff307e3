//! The Danish personal identification number (CPR), validated and never printed.
//!
//! A CPR number is the most sensitive identifier overblik handles, so this type has no `Display`
//! and its `Debug` is redacted: it cannot end up in a log line or an error message by accident.

use std::fmt;

use chrono::NaiveDate;

/// A syntactically valid CPR number: ten digits whose first six are a real birth date.
///
/// The modulus-11 check is deliberately not applied: numbers issued since 2007 need not satisfy it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Cpr([u8; 10]);

impl Cpr {
    /// Accepts `DDMMYYSSSS` or `DDMMYY-SSSS`. The error never contains the input.
    pub fn parse(text: &str) -> Option<Self> {
        let digits: Vec<u8> = match text.len() {
            10 => text.bytes().collect(),
            11 if text.as_bytes()[6] == b'-' => text.bytes().filter(|b| *b != b'-').collect(),
            _ => return None,
        };
        if digits.len() != 10 || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let cpr = Self(digits.try_into().ok()?);
        cpr.birth_date().map(|_| cpr)
    }

    /// The ten digits, for encryption and keyed hashing only.
    pub fn digits(&self) -> &str {
        std::str::from_utf8(&self.0).expect("ascii digits")
    }

    /// The birth date encoded in the number (century from the 7th digit, as CPR-kontoret defines).
    pub fn birth_date(&self) -> Option<NaiveDate> {
        let num = |i: usize| u32::from(self.0[i] - b'0') * 10 + u32::from(self.0[i + 1] - b'0');
        let (day, month, yy) = (num(0), num(2), num(4) as i32);
        let century = match self.0[6] - b'0' {
            0..=3 => 1900,
            4 | 9 if yy <= 36 => 2000,
            4 | 9 => 1900,
            _ if yy <= 57 => 2000,
            _ => 1800,
        };
        NaiveDate::from_ymd_opt(century + yy, month, day)
    }

    /// `DDMMYY-****`: the only form that may be shown without an audited reveal.
    pub fn masked(&self) -> String {
        format!("{}-****", &self.digits()[..6])
    }
}

impl fmt::Debug for Cpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Cpr(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_both_written_forms() {
        let a = Cpr::parse("0101901234").unwrap();
        let b = Cpr::parse("010190-1234").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.birth_date(), NaiveDate::from_ymd_opt(1990, 1, 1));
    }

    #[test]
    fn century_follows_the_seventh_digit() {
        assert_eq!(
            Cpr::parse("0101104000")
                .unwrap()
                .birth_date()
                .unwrap()
                .to_string(),
            "2010-01-01"
        );
        assert_eq!(
            Cpr::parse("0101504000")
                .unwrap()
                .birth_date()
                .unwrap()
                .to_string(),
            "1950-01-01"
        );
        assert_eq!(
            Cpr::parse("0101605000")
                .unwrap()
                .birth_date()
                .unwrap()
                .to_string(),
            "1860-01-01"
        );
        assert_eq!(
            Cpr::parse("0101205000")
                .unwrap()
                .birth_date()
                .unwrap()
                .to_string(),
            "2020-01-01"
        );
    }

    #[test]
    fn rejects_impossible_dates_and_shapes() {
        for bad in [
            "3102901234",
            "0113901234",
            "01019012345",
            "010190 1234",
            "01019O1234",
            "",
            "0101-901234",
        ] {
            assert!(Cpr::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn debug_never_shows_the_number() {
        let cpr = Cpr::parse("0101901234").unwrap();
        assert!(!format!("{cpr:?}").contains("0101"));
        assert_eq!(cpr.masked(), "010190-****");
    }

    proptest! {
        #[test]
        fn parsing_never_panics(text in "\\PC{0,14}") {
            let _ = Cpr::parse(&text);
        }

        #[test]
        fn both_forms_round_trip(day in 1u32..=28, month in 1u32..=12, yy in 0u32..100, seq in 0u32..10000) {
            let plain = format!("{day:02}{month:02}{yy:02}{seq:04}");
            let dashed = format!("{}-{}", &plain[..6], &plain[6..]);
            let cpr = Cpr::parse(&plain).unwrap();
            prop_assert_eq!(cpr.digits(), plain.as_str());
            prop_assert_eq!(Cpr::parse(&dashed).unwrap(), cpr);
        }
    }
}
