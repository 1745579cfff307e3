//! The encryption key of a store: where it comes from, how it is checked, and what it protects.
//!
//! One 32-byte master key (64 hex characters in a key file, or in `OVERBLIK_KEY`) is the only
//! secret. Separate keys for the CPR hash and the CPR encryption are derived from it, so one use
//! can never be turned against the other. The database holds a key check value that identifies
//! the key without revealing it: opening with another key is refused instead of silently
//! producing hashes that match nothing.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use hmac::{Hmac, Mac};
use rand::{RngCore, TryRngCore};
use sha2::Sha256;
use zeroize::{Zeroize, Zeroizing};

use overblik_domain::Cpr;

use crate::StoreError;

/// Where the key comes from. `key_hex` (the `OVERBLIK_KEY` environment variable) wins over
/// `key_file`; without either, the default key file is used (next to an SQLite database, or
/// `overblik.key` in the current directory for PostgreSQL).
#[derive(Clone, Default)]
pub struct KeyConfig {
    /// The key file (64 hex characters); `None` for the default.
    pub key_file: Option<PathBuf>,
    /// The key itself, 64 hex characters (`OVERBLIK_KEY`); wins over `key_file`.
    pub key_hex: Option<String>,
}

impl fmt::Debug for KeyConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyConfig")
            .field("key_file", &self.key_file)
            .field("key_hex", &self.key_hex.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl Drop for KeyConfig {
    fn drop(&mut self) {
        if let Some(key_hex) = &mut self.key_hex {
            key_hex.zeroize();
        }
    }
}

/// Where a key was read from, as shown in messages.
pub(crate) const ENV_KEY_SOURCE: &str = "OVERBLIK_KEY";
/// The name of the key check value in `store_meta`.
pub(crate) const KEY_CHECK_META: &str = "key_check";

const HMAC_LABEL: &[u8] = b"overblik-cpr-hmac-v1";
const AEAD_LABEL: &[u8] = b"overblik-cpr-aead-v1";
const CHECK_LABEL: &[u8] = b"overblik-key-check-v1";
/// Binds a ciphertext to its purpose, so it cannot be passed off as another encrypted field.
const CPR_AAD: &[u8] = b"overblik/persons.cpr";
const NONCE_LEN: usize = 12;

/// The 32-byte master key, wiped from memory when dropped.
pub(crate) struct MasterKey(Zeroizing<[u8; 32]>);

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(<redacted>)")
    }
}

impl MasterKey {
    /// Parses 64 hex characters (surrounding whitespace, e.g. a final newline, is ignored).
    pub(crate) fn from_hex(text: &str, key_source: &str) -> Result<Self, StoreError> {
        let malformed = |reason| StoreError::MalformedKey {
            key_source: key_source.to_owned(),
            reason,
        };
        let text = text.trim();
        if text.len() != 64 {
            return Err(malformed("expected 64 hex characters (a 32-byte key)"));
        }
        let mut key = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(text, key.as_mut_slice())
            .map_err(|_| malformed("contains characters that are not hex digits"))?;
        Ok(Self(key))
    }

    /// A new random key from the operating system's generator.
    pub(crate) fn generate() -> Result<Self, std::io::Error> {
        let mut key = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng
            .try_fill_bytes(key.as_mut_slice())
            .map_err(std::io::Error::other)?;
        Ok(Self(key))
    }

    fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.0.as_slice()))
    }

    fn derive(&self, label: &[u8]) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(hmac_sha256(self.0.as_slice(), label))
    }

    /// The value stored in `store_meta` to recognise this key.
    pub(crate) fn check_value(&self) -> String {
        hex::encode(self.derive(CHECK_LABEL).as_slice())
    }

    /// The keys that protect CPR numbers.
    pub(crate) fn cpr_keys(&self) -> CprKeys {
        let aead_key = self.derive(AEAD_LABEL);
        CprKeys {
            hmac_key: self.derive(HMAC_LABEL),
            // Borrowed, not copied: no unwiped copy of the key is left on the stack.
            cipher: Aes256Gcm::new(
                aead_key
                    .as_slice()
                    .try_into()
                    .expect("the derived key has 32 bytes"),
            ),
        }
    }
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("hmac accepts any key length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// The derived keys for CPR numbers: a keyed hash for lookups and an AEAD for the value.
pub(crate) struct CprKeys {
    hmac_key: Zeroizing<[u8; 32]>,
    /// Zeroized on drop (the `zeroize` feature of `aes-gcm`).
    cipher: Aes256Gcm,
}

impl fmt::Debug for CprKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CprKeys(<redacted>)")
    }
}

impl CprKeys {
    /// HMAC-SHA256 of the ten digits: equal numbers give equal hashes, without the number.
    pub(crate) fn hash(&self, cpr: &Cpr) -> [u8; 32] {
        hmac_sha256(self.hmac_key.as_slice(), cpr.digits().as_bytes())
    }

    /// `nonce || ciphertext` with a fresh random 96-bit nonce.
    pub(crate) fn encrypt(&self, cpr: &Cpr) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        // ThreadRng is a CSPRNG seeded (and periodically reseeded) from the operating system.
        rand::rng().fill_bytes(&mut nonce);
        let payload = Payload {
            msg: cpr.digits().as_bytes(),
            aad: CPR_AAD,
        };
        let ciphertext = self
            .cipher
            .encrypt(&Nonce::from(nonce), payload)
            .expect("aes-gcm encrypts ten bytes");
        let mut stored = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        stored.extend_from_slice(&nonce);
        stored.extend_from_slice(&ciphertext);
        stored
    }

    /// The CPR number in `stored`, or `None` when it does not decrypt (wrong key, altered data).
    pub(crate) fn decrypt(&self, stored: &[u8]) -> Option<Cpr> {
        if stored.len() <= NONCE_LEN {
            return None;
        }
        let (nonce, ciphertext) = stored.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().ok()?;
        let payload = Payload {
            msg: ciphertext,
            aad: CPR_AAD,
        };
        let digits = Zeroizing::new(self.cipher.decrypt(&Nonce::from(nonce), payload).ok()?);
        Cpr::parse(std::str::from_utf8(&digits).ok()?)
    }
}

/// The key named by `config` (without creating anything): `Ok(None)` when the key file does not
/// exist. Also returns the name of the key's source for messages.
pub(crate) fn read_key(
    config: &KeyConfig,
    default_file: &Path,
) -> Result<(Option<MasterKey>, String), StoreError> {
    if let Some(key_hex) = &config.key_hex {
        return Ok((
            Some(MasterKey::from_hex(key_hex, ENV_KEY_SOURCE)?),
            ENV_KEY_SOURCE.to_owned(),
        ));
    }
    let path = key_path(config, default_file);
    let key_source = path.display().to_string();
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let text = Zeroizing::new(text);
            Ok((Some(MasterKey::from_hex(&text, &key_source)?), key_source))
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok((None, key_source)),
        Err(source) => Err(StoreError::KeyFile {
            action: "read",
            path,
            source,
        }),
    }
}

/// The key file `config` points at, or the default.
pub(crate) fn key_path(config: &KeyConfig, default_file: &Path) -> PathBuf {
    config
        .key_file
        .clone()
        .unwrap_or_else(|| default_file.to_owned())
}

/// Creates the key file with a new random key, readable by its owner only. If another process
/// created it first, that key is used.
pub(crate) fn create_key_file(path: &Path) -> Result<MasterKey, StoreError> {
    let io_error = |action, source| StoreError::KeyFile {
        action,
        path: path.to_owned(),
        source,
    };
    let key = MasterKey::generate().map_err(|source| io_error("generate", source))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = match options.open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            let text = Zeroizing::new(
                std::fs::read_to_string(path).map_err(|source| io_error("read", source))?,
            );
            return MasterKey::from_hex(&text, &path.display().to_string());
        }
        Err(source) => return Err(io_error("create", source)),
    };
    let mut text = key.to_hex();
    text.push('\n');
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|source| io_error("write", source))?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    #[test]
    fn keys_are_64_hex_characters() {
        assert!(MasterKey::from_hex(KEY, "test").is_ok());
        assert!(MasterKey::from_hex(&format!("{KEY}\n"), "test").is_ok());
        for bad in ["", "abc", &KEY[..62], &format!("{}zz", &KEY[..62])] {
            let error = MasterKey::from_hex(bad, "test").unwrap_err();
            assert!(matches!(error, StoreError::MalformedKey { .. }));
        }
    }

    #[test]
    fn derived_keys_differ_and_are_stable() {
        let key = MasterKey::from_hex(KEY, "test").unwrap();
        assert_eq!(key.check_value(), key.check_value());
        assert_ne!(key.derive(HMAC_LABEL), key.derive(AEAD_LABEL));
        assert_ne!(
            key.check_value(),
            hex::encode(key.derive(HMAC_LABEL).as_slice())
        );
    }

    #[test]
    fn cpr_encryption_round_trips_with_a_fresh_nonce() {
        let keys = MasterKey::from_hex(KEY, "test").unwrap().cpr_keys();
        let cpr = Cpr::parse("0101901234").unwrap();
        let first = keys.encrypt(&cpr);
        let second = keys.encrypt(&cpr);
        assert_ne!(first, second);
        assert_eq!(keys.decrypt(&first), Some(cpr.clone()));
        assert_eq!(keys.hash(&cpr), keys.hash(&cpr));
        let mut altered = first.clone();
        *altered.last_mut().unwrap() ^= 1;
        assert_eq!(keys.decrypt(&altered), None);
        assert_eq!(keys.decrypt(&first[..5]), None);
        let other = MasterKey::generate().unwrap().cpr_keys();
        assert_eq!(other.decrypt(&first), None);
    }

    #[test]
    fn debug_output_never_shows_key_material() {
        let key = MasterKey::from_hex(KEY, "test").unwrap();
        assert!(!format!("{key:?}").contains("0001"));
        assert!(!format!("{:?}", key.cpr_keys()).contains("0001"));
        let config = KeyConfig {
            key_file: None,
            key_hex: Some(KEY.to_owned()),
        };
        assert!(!format!("{config:?}").contains("0001"));
    }

    #[test]
    fn a_created_key_file_is_private_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("test.key");
        let created = create_key_file(&path).unwrap();
        let config = KeyConfig::default();
        let (read, _) = read_key(&config, &path).unwrap();
        assert_eq!(read.unwrap().check_value(), created.check_value());
        // A second creation (another process racing) uses the existing key.
        assert_eq!(
            create_key_file(&path).unwrap().check_value(),
            created.check_value()
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
