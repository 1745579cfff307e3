//! What every request handler shares: settings, store connections, sessions, the rule set and
//! the data (replaced as a whole when the day changes).

use std::sync::{Arc, RwLock};

use chrono::NaiveDate;
use overblik_domain::rules::RuleSet;
use overblik_store::StoreError;

use crate::auth::session::Sessions;
use crate::config::WebConfig;
use crate::data::{Data, load_entered};
use crate::pool::{Opener, StorePool};

#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    config: WebConfig,
    pool: StorePool,
    sessions: Sessions,
    rules: Arc<RuleSet>,
    data: RwLock<Arc<Data>>,
    /// Serialises reloads so a new day evaluates once, not once per request.
    reloading: tokio::sync::Mutex<()>,
    today: fn() -> NaiveDate,
}

impl AppState {
    /// Opens the store, loads the data and evaluates it for `today()`.
    pub fn open(
        open: Opener,
        rules: RuleSet,
        config: WebConfig,
        today: fn() -> NaiveDate,
    ) -> Result<AppState, StoreError> {
        let mut store = open()?;
        let data = Data::load(&mut store, &rules, today())?;
        let pool = StorePool::new(open, config.store_connections);
        Ok(AppState {
            inner: Arc::new(Inner {
                sessions: Sessions::new(config.idle_timeout, config.absolute_timeout),
                config,
                pool,
                rules: Arc::new(rules),
                data: RwLock::new(Arc::new(data)),
                reloading: tokio::sync::Mutex::new(()),
                today,
            }),
        })
    }

    pub fn config(&self) -> &WebConfig {
        &self.inner.config
    }

    pub fn pool(&self) -> &StorePool {
        &self.inner.pool
    }

    pub fn sessions(&self) -> &Sessions {
        &self.inner.sessions
    }

    pub fn rules(&self) -> &Arc<RuleSet> {
        &self.inner.rules
    }

    /// The data for today; when the day has changed since it was loaded, it is loaded and
    /// evaluated again first (once, however many requests arrive meanwhile).
    pub async fn data(&self) -> Result<Arc<Data>, StoreError> {
        let today = (self.inner.today)();
        let current = self.current();
        if current.date == today {
            return Ok(current);
        }
        let _guard = self.inner.reloading.lock().await;
        let current = self.current();
        if current.date == today {
            return Ok(current);
        }
        self.load(today).await
    }

    /// Loads the data again from the store (after a change to imported data, such as an
    /// assignment). Serialised with [`AppState::refresh_entered`]: otherwise a reload that
    /// began before a leader's save could finish after it and put the older rows back.
    pub async fn reload(&self, date: NaiveDate) -> Result<Arc<Data>, StoreError> {
        let _guard = self.inner.reloading.lock().await;
        self.load(date).await
    }

    /// Loads and swaps in the data; the caller holds the `reloading` lock.
    async fn load(&self, date: NaiveDate) -> Result<Arc<Data>, StoreError> {
        let rules = self.inner.rules.clone();
        let fresh = Arc::new(
            self.inner
                .pool
                .run(move |store| Data::load(store, &rules, date))
                .await?,
        );
        *self.inner.data.write().expect("data lock") = fresh.clone();
        Ok(fresh)
    }

    /// Reads the entered rows again after a change to them (a flag, a weight), keeping the
    /// imported data. Serialised with reloads, so the data kept is never older than a change
    /// that has been committed before this was called.
    pub async fn refresh_entered(&self) -> Result<Arc<Data>, StoreError> {
        let _guard = self.inner.reloading.lock().await;
        let entered = self.inner.pool.run(load_entered).await?;
        let fresh = Arc::new(self.current().with_entered(entered));
        *self.inner.data.write().expect("data lock") = fresh.clone();
        Ok(fresh)
    }

    fn current(&self) -> Arc<Data> {
        self.inner.data.read().expect("data lock").clone()
    }
}
