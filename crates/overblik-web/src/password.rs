//! Password hashing for local accounts: Argon2id with the `argon2` crate's defaults
//! (m = 19 MiB, t = 2, p = 1, the OWASP recommendation), a random 16-byte salt, and the PHC
//! string format, so parameters can be raised later without invalidating stored hashes.
//!
//! The one place passwords are hashed and checked; the CLI (`overblik user`) and the login page
//! both call it.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// The shortest password accepted for a local account.
pub const MIN_LENGTH: usize = 12;

/// Why a password was refused or could not be hashed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PasswordError {
    #[error("adgangskoden skal have mindst {MIN_LENGTH} tegn")]
    TooShort,
    #[error("kunne ikke beregne adgangskodens hash: {0}")]
    Hashing(String),
}

/// The PHC string of `password` (Argon2id, fresh salt).
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    if password.chars().count() < MIN_LENGTH {
        return Err(PasswordError::TooShort);
    }
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|error| PasswordError::Hashing(error.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| PasswordError::Hashing(error.to_string()))
}

/// Whether `password` matches the stored PHC string. A malformed stored hash never matches.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// A random password for a new or reset account: 20 characters from an alphabet without
/// look-alikes (0/O, 1/l/I), about 115 bits.
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    (0..20)
        .map(|_| ALPHABET[rand::random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// A hash to verify against when the username is unknown, so a wrong username takes as long as
/// a wrong password (no user enumeration by timing).
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        hash_password(&generate_password()).expect("hashing a generated password cannot fail")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let hash = hash_password("korrekt-hest-batteri").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("korrekt-hest-batteri", &hash));
        assert!(!verify_password("korrekt-hest-batterI", &hash));
        assert!(!verify_password("korrekt-hest-batteri", "not a hash"));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert_eq!(hash_password("kort"), Err(PasswordError::TooShort));
    }

    #[test]
    fn generated_passwords_are_long_and_differ() {
        let (a, b) = (generate_password(), generate_password());
        assert_eq!(a.len(), 20);
        assert_ne!(a, b);
        assert!(verify_password(&a, &hash_password(&a).unwrap()));
    }
}
