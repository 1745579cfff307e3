//! The municipality's data as the server holds it: loaded once from the store, evaluated at the
//! end of today, and replaced as a whole when the day changes. Pages read it without locks;
//! what is expensive to derive (per-unit figures, the cases a unit may see) is computed once
//! per data version and kept in [`Cache`].

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, Utc};
use overblik_domain::Snapshot;
use overblik_domain::figures::Entered;
use overblik_domain::figures::{Context, FigureSettings, UnknownUnit};
use overblik_domain::obligations::{AsOf, Evaluation, evaluate};
use overblik_domain::rules::RuleSet;
use overblik_domain::sources::Sources;
use overblik_domain::workload::{CaseWeights, WeightModel};
use overblik_store::{Store, StoreError};
use tokio::sync::OnceCell;

pub struct Data {
    pub snapshot: Arc<Snapshot>,
    pub sources: Arc<Sources>,
    pub evaluation: Arc<Evaluation>,
    /// The rows entered in overblik (weights, flags, reviews, handovers, supervision): the
    /// entered tables of a snapshot whose imported tables are empty, kept apart from the
    /// imported data so that a change replaces only them ([`Data::with_entered`]).
    pub entered: Snapshot,
    /// The end of `date`: what every figure and status on the pages is counted at.
    pub as_of: AsOf,
    pub date: NaiveDate,
    /// When the data was last imported (the freshness every page shows).
    pub last_import: Option<DateTime<Utc>>,
    /// The municipality's defaults for empty cells (the default capacity).
    pub settings: FigureSettings,
    /// The first day the data covers (`figures::all::data_starts`); `None` without data.
    pub data_starts: Option<NaiveDate>,
    /// Every case's weight at T with the entered rows of this version, computed once.
    weights: std::sync::OnceLock<Arc<CaseWeights>>,
    /// The case-weight model of this version's entered rows.
    model: std::sync::OnceLock<Arc<WeightModel>>,
    /// Values derived from the imported data and the entered tables figures read (`Entered`)
    /// only: shared by the versions of the entered rows that keep those.
    cache: Arc<Cache>,
}

/// Reads the tables entered in overblik (`TableSpec::entered`) from `store`: a few rows, cheap
/// after every change. The other tables of the snapshot stay empty.
pub fn load_entered(store: &mut Store) -> Result<Snapshot, StoreError> {
    store.load_tables(|spec| spec.entered)
}

impl Data {
    /// Reads everything from `store` and evaluates the rules at the end of `date`.
    pub fn load(store: &mut Store, rules: &RuleSet, date: NaiveDate) -> Result<Data, StoreError> {
        let started = std::time::Instant::now();
        let snapshot = store.load_tables(|spec| !spec.entered)?;
        let entered = load_entered(store)?;
        let sources = store.sources()?;
        let last_import = sources
            .tables()
            .iter()
            .filter_map(|t| t.last_imported_at)
            .max();
        let as_of = AsOf::end_of(date);
        let evaluation = evaluate(&snapshot, rules, as_of);
        let data_starts = overblik_domain::figures::all::data_starts(&snapshot);
        tracing::info!(
            %date,
            rows = snapshot.total_rows(),
            obligations = evaluation.obligations.len(),
            ms = started.elapsed().as_millis() as u64,
            "data loaded"
        );
        Ok(Data {
            snapshot: Arc::new(snapshot),
            sources: Arc::new(sources),
            evaluation: Arc::new(evaluation),
            entered,
            as_of,
            date,
            last_import,
            settings: FigureSettings::of(rules),
            data_starts,
            weights: std::sync::OnceLock::new(),
            model: std::sync::OnceLock::new(),
            cache: Arc::default(),
        })
    }

    /// The same imported data with other entered rows. The weights are kept when the weight
    /// inputs (`weight_points`, `case_flags`) are unchanged, and the cache when every entered
    /// table a figure or report reads ([`Entered`]) is: a checklist tick or a review note does
    /// not make every landing page and report compute again.
    pub fn with_entered(&self, entered: Snapshot) -> Data {
        let same_weights = entered.weight_points == self.entered.weight_points
            && entered.case_flags == self.entered.case_flags;
        let same_figures = Entered::of(&entered) == Entered::of(&self.entered);
        let (weights, model) = if same_weights {
            (self.weights.clone(), self.model.clone())
        } else {
            Default::default()
        };
        let cache = if same_figures {
            self.cache.clone()
        } else {
            Default::default()
        };
        Data {
            snapshot: self.snapshot.clone(),
            sources: self.sources.clone(),
            evaluation: self.evaluation.clone(),
            entered,
            as_of: self.as_of,
            date: self.date,
            last_import: self.last_import,
            settings: self.settings.clone(),
            data_starts: self.data_starts,
            weights,
            model,
            cache,
        }
    }

    /// Every case's weight at T, by case row (computed on first use for this data version).
    pub fn weights(&self) -> Arc<CaseWeights> {
        self.weights
            .get_or_init(|| {
                Arc::new(CaseWeights::compute(
                    &self.snapshot,
                    Entered::of(&self.entered),
                    self.as_of.date,
                ))
            })
            .clone()
    }

    /// The figures' context for `unit` (None: the whole municipality) at the end of today.
    pub fn context(&self, unit: Option<&str>) -> Result<Context<'_>, UnknownUnit> {
        self.context_at(unit, self.as_of, &self.evaluation)
    }

    /// The figures' context for `unit` at `as_of` with `evaluation` (a report with a T of its
    /// own): always with the entered rows, which the snapshot here does not hold.
    pub fn context_at<'a>(
        &'a self,
        unit: Option<&str>,
        as_of: AsOf,
        evaluation: &'a Evaluation,
    ) -> Result<Context<'a>, UnknownUnit> {
        let mut ctx = Context::new(&self.snapshot, &self.sources, evaluation, as_of, unit)?
            .with_entered(Entered::of(&self.entered));
        ctx.settings = self.settings.clone();
        Ok(if as_of == self.as_of {
            ctx.with_weights(self.weights())
        } else {
            ctx
        })
    }

    /// The case-weight model in force (the entered `weight_points` over the built-in points).
    pub fn weight_model(&self) -> Arc<WeightModel> {
        self.model
            .get_or_init(|| Arc::new(WeightModel::from_rows(&self.entered.weight_points)))
            .clone()
    }

    /// The value under `key`, computed by `compute` on a blocking thread the first time; later
    /// and concurrent callers wait for and share that one result. `compute` may read the
    /// entered rows only through a context's [`Entered`] tables (`weights`, `context`,
    /// `weight_model`): the cache outlives changes of the other entered tables
    /// ([`Data::with_entered`]).
    pub async fn cached<T, F>(self: &Arc<Self>, key: String, compute: F) -> Arc<T>
    where
        T: Send + Sync + 'static,
        F: FnOnce(&Data) -> T + Send + 'static,
    {
        let cell = self.cache.cell(key);
        let data = self.clone();
        let value = cell
            .get_or_init(|| async move {
                let computed = tokio::task::spawn_blocking(move || compute(&data))
                    .await
                    .expect("computing a cached value panicked");
                Arc::new(computed) as Arc<dyn Any + Send + Sync>
            })
            .await
            .clone();
        value
            .downcast::<T>()
            .unwrap_or_else(|_| panic!("one cache key is always used for one type"))
    }
}

impl Data {
    /// [`Data::cached`] for a computation that can fail: the outcome is kept either way (the
    /// data will not change until the next version), and a success is shared, not copied.
    pub async fn cached_result<T, F>(
        self: &Arc<Self>,
        key: String,
        compute: F,
    ) -> Result<Arc<T>, String>
    where
        T: Send + Sync + 'static,
        F: FnOnce(&Data) -> Result<T, String> + Send + 'static,
    {
        let outcome = self
            .cached(key, move |data| compute(data).map(Arc::new))
            .await;
        (*outcome).clone()
    }
}

type Slot = Arc<OnceCell<Arc<dyn Any + Send + Sync>>>;

/// How many values one data version keeps. The keys come from requests (a unit, a period), so
/// without a cap distinct requests could grow the cache without limit; past the cap a value is
/// computed for its request and not kept.
const CACHE_SLOTS: usize = 1024;

#[derive(Default)]
struct Cache {
    slots: Mutex<HashMap<String, Slot>>,
}

impl Cache {
    fn cell(&self, key: String) -> Slot {
        let mut slots = self.slots.lock().expect("cache lock");
        if slots.len() >= CACHE_SLOTS && !slots.contains_key(&key) {
            return Slot::default();
        }
        slots.entry(key).or_default().clone()
    }
}
