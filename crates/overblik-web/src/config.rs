//! Settings of the web application that an operator may change; the defaults are the secure
//! choice for a municipal intranet.

use std::time::Duration;

#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The server sits behind a TLS-terminating proxy: cookies get `Secure` and the `__Host-`
    /// prefix, and HSTS is sent. Off for the demo on plain http://127.0.0.1.
    pub behind_tls: bool,
    /// A session ends after this long without a request (ASVS 7.3.1).
    pub idle_timeout: Duration,
    /// A session ends this long after login, however active (ASVS 7.3.2): a working day.
    pub absolute_timeout: Duration,
    /// Consecutive failed logins that lock the account.
    pub lock_after: i64,
    /// How long a locked account stays locked (an administrator's reset unlocks at once).
    pub lock_for: chrono::Duration,
    /// The largest request body accepted (forms and uploads).
    pub max_body_bytes: usize,
    /// Connections to the store used at the same time.
    pub store_connections: usize,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            behind_tls: false,
            idle_timeout: Duration::from_secs(30 * 60),
            absolute_timeout: Duration::from_secs(8 * 60 * 60),
            lock_after: 5,
            lock_for: chrono::Duration::minutes(15),
            max_body_bytes: 64 * 1024,
            store_connections: 8,
        }
    }
}

impl WebConfig {
    /// The session cookie's name: with the `__Host-` prefix when it can be `Secure`.
    pub fn cookie_name(&self) -> &'static str {
        if self.behind_tls {
            "__Host-overblik"
        } else {
            "overblik"
        }
    }
}
