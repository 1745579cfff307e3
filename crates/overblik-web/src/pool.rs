//! A small pool of store connections for the async server: the store's clients are blocking
//! (rusqlite, postgres), so each use runs on Tokio's blocking threads with a connection of its
//! own, and at most `size` run at once.

use std::sync::{Arc, Mutex};

use overblik_store::{Store, StoreError};
use tokio::sync::Semaphore;

/// Opens a new connection (migrated, key loaded).
pub type Opener = Arc<dyn Fn() -> Result<Store, StoreError> + Send + Sync>;

#[derive(Clone)]
pub struct StorePool {
    idle: Arc<Mutex<Vec<Store>>>,
    open: Opener,
    permits: Arc<Semaphore>,
    /// One writer at a time: concurrent SQLite writers would wait in SQLite's busy handler,
    /// which sleeps up to 100 ms per try (measured: p99 of audited pages rose from 14 ms to
    /// 761 ms with 10 writers); queueing here costs only the write itself.
    writer: Arc<tokio::sync::Mutex<()>>,
}

impl StorePool {
    pub fn new(open: Opener, size: usize) -> StorePool {
        StorePool {
            idle: Arc::default(),
            open,
            permits: Arc::new(Semaphore::new(size.max(1))),
            writer: Arc::default(),
        }
    }

    /// [`StorePool::run`] for work that writes (audit entries, user changes), one at a time.
    pub async fn write<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    {
        let _writer = self.writer.lock().await;
        self.run(work).await
    }

    /// Runs `work` with a connection on a blocking thread. A connection whose work failed is
    /// dropped rather than reused (it may be in a broken state).
    pub async fn run<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    {
        let _permit = self
            .permits
            .acquire()
            .await
            .expect("the semaphore is never closed");
        let idle = self.idle.clone();
        let open = self.open.clone();
        tokio::task::spawn_blocking(move || {
            let pooled = idle.lock().expect("pool lock").pop();
            let mut store = match pooled {
                Some(store) => store,
                None => open()?,
            };
            let result = work(&mut store);
            if result.is_ok() {
                idle.lock().expect("pool lock").push(store);
            }
            result
        })
        .await
        .expect("a store task panicked")
    }
}
