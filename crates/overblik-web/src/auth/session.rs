//! Server-side sessions. The browser holds only a random 256-bit token (ASVS 7.2.3); the server
//! keeps its SHA-256, so a memory dump does not hand out live sessions. A session has idle and
//! absolute timeouts, a CSRF token of its own, and is replaced by a new one at login (7.2.4).
//! Sessions live in memory: a restart logs everyone out, which is the safe failure.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

/// Anonymous sessions exist only to carry the login form's CSRF token; they expire sooner.
const ANONYMOUS_IDLE: Duration = Duration::from_secs(15 * 60);
/// Above this many sessions, expired ones are swept before a new one is made.
const SWEEP_ABOVE: usize = 10_000;

#[derive(Debug, Clone)]
pub struct Session {
    /// `None` before login.
    pub user_id: Option<i64>,
    pub csrf: String,
    created: Instant,
    last_seen: Instant,
}

/// Why a presented token did not give a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejected {
    /// No session has this token: forged, or from before a restart or logout.
    Unknown,
    /// Timed out (idle or absolute); the session is removed.
    Expired,
}

pub struct Sessions {
    map: Mutex<HashMap<[u8; 32], Session>>,
    idle: Duration,
    absolute: Duration,
}

fn random_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

fn key(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

impl Sessions {
    pub fn new(idle: Duration, absolute: Duration) -> Sessions {
        Sessions {
            map: Mutex::default(),
            idle,
            absolute,
        }
    }

    /// A new session; returns its token (for the cookie) and the session.
    pub fn create(&self, user_id: Option<i64>) -> (String, Session) {
        let token = random_token();
        let now = Instant::now();
        let session = Session {
            user_id,
            csrf: random_token(),
            created: now,
            last_seen: now,
        };
        let mut map = self.map.lock().expect("session lock");
        if map.len() > SWEEP_ABOVE {
            map.retain(|_, s| self.is_live(s, now));
        }
        map.insert(key(&token), session.clone());
        (token, session)
    }

    /// The session of `token`, touched (its idle clock restarts).
    pub fn get(&self, token: &str) -> Result<Session, Rejected> {
        let now = Instant::now();
        let mut map = self.map.lock().expect("session lock");
        let k = key(token);
        let Some(session) = map.get_mut(&k) else {
            return Err(Rejected::Unknown);
        };
        if !self.is_live(session, now) {
            map.remove(&k);
            return Err(Rejected::Expired);
        }
        session.last_seen = now;
        Ok(session.clone())
    }

    pub fn remove(&self, token: &str) {
        self.map.lock().expect("session lock").remove(&key(token));
    }

    /// Ends every session of `user_id` (the account was disabled or its password reset).
    pub fn remove_user(&self, user_id: i64) {
        self.map
            .lock()
            .expect("session lock")
            .retain(|_, s| s.user_id != Some(user_id));
    }

    fn is_live(&self, session: &Session, now: Instant) -> bool {
        let idle = if session.user_id.is_some() {
            self.idle
        } else {
            ANONYMOUS_IDLE.min(self.idle)
        };
        now.duration_since(session.last_seen) < idle
            && now.duration_since(session.created) < self.absolute
    }
}

/// Compares two tokens in time independent of where they differ.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_is_found_by_its_token_only() {
        let sessions = Sessions::new(Duration::from_secs(60), Duration::from_secs(600));
        let (token, session) = sessions.create(Some(7));
        assert_eq!(token.len(), 64);
        assert_eq!(sessions.get(&token).unwrap().user_id, Some(7));
        assert_eq!(sessions.get(&token).unwrap().csrf, session.csrf);
        assert_eq!(
            sessions.get(&"0".repeat(64)).unwrap_err(),
            Rejected::Unknown
        );
        sessions.remove(&token);
        assert_eq!(sessions.get(&token).unwrap_err(), Rejected::Unknown);
    }

    #[test]
    fn sessions_expire_when_idle_and_are_then_gone() {
        let sessions = Sessions::new(Duration::from_millis(30), Duration::from_secs(600));
        let (token, _) = sessions.create(Some(1));
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(sessions.get(&token).unwrap_err(), Rejected::Expired);
        assert_eq!(sessions.get(&token).unwrap_err(), Rejected::Unknown);
    }

    #[test]
    fn the_absolute_timeout_holds_however_active() {
        let sessions = Sessions::new(Duration::from_secs(60), Duration::from_millis(50));
        let (token, _) = sessions.create(Some(1));
        for _ in 0..3 {
            std::thread::sleep(Duration::from_millis(10));
            assert!(sessions.get(&token).is_ok());
        }
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(sessions.get(&token).unwrap_err(), Rejected::Expired);
    }

    #[test]
    fn removing_a_user_ends_all_their_sessions() {
        let sessions = Sessions::new(Duration::from_secs(60), Duration::from_secs(600));
        let (a, _) = sessions.create(Some(1));
        let (b, _) = sessions.create(Some(1));
        let (c, _) = sessions.create(Some(2));
        sessions.remove_user(1);
        assert!(sessions.get(&a).is_err() && sessions.get(&b).is_err());
        assert!(sessions.get(&c).is_ok());
    }

    #[test]
    fn tokens_compare_exactly() {
        assert!(same_token("abc", "abc"));
        assert!(!same_token("abc", "abd"));
        assert!(!same_token("abc", "abcd"));
    }
}
