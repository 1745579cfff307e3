//! The municipality's data as the server holds it: loaded once from the store, evaluated at the
//! end of today, and replaced as a whole when the day changes. Pages read it without locks;
//! what is expensive to derive (per-unit figures, the cases a unit may see) is computed once
//! per data version and kept in [`Cache`].

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, Utc};
use overblik_domain::Snapshot;
use overblik_domain::figures::{Context, UnknownUnit};
use overblik_domain::obligations::{AsOf, Evaluation, evaluate};
use overblik_domain::rules::RuleSet;
use overblik_domain::sources::Sources;
use overblik_domain::tables::{
    CaseFlag, ChecklistItem, Handover, HandoverCheck, HandoverItem, Review, ReviewLine,
    StaffProfile, SupervisionCase, SupervisionFinding, SupervisionRound, SupervisionTheme,
    WeightPoint,
};
use overblik_domain::workload::{CaseWeights, Entered, WeightModel};
use overblik_store::{Store, StoreError};
use tokio::sync::OnceCell;

pub struct Data {
    pub snapshot: Arc<Snapshot>,
    pub sources: Arc<Sources>,
    pub evaluation: Arc<Evaluation>,
    /// The rows entered in overblik (weights, flags), kept apart from the imported data so that
    /// a leader's change replaces only them ([`Data::with_entered`]).
    pub entered: EnteredTables,
    /// The end of `date`: what every figure and status on the pages is counted at.
    pub as_of: AsOf,
    pub date: NaiveDate,
    /// When the data was last imported (the freshness every page shows).
    pub last_import: Option<DateTime<Utc>>,
    /// Every case's weight at T with the entered rows of this version, computed once.
    weights: std::sync::OnceLock<Arc<CaseWeights>>,
    /// The case-weight model of this version's entered rows.
    model: std::sync::OnceLock<Arc<WeightModel>>,
    cache: Cache,
}

/// The tables entered in overblik, as the server holds them.
#[derive(Debug, Clone, Default)]
pub struct EnteredTables {
    pub weight_points: Vec<WeightPoint>,
    pub case_flags: Vec<CaseFlag>,
    pub staff_profiles: Vec<StaffProfile>,
    pub reviews: Vec<Review>,
    pub review_lines: Vec<ReviewLine>,
    pub handover_items: Vec<HandoverItem>,
    pub handovers: Vec<Handover>,
    pub handover_checks: Vec<HandoverCheck>,
    pub supervision_themes: Vec<SupervisionTheme>,
    pub checklist_items: Vec<ChecklistItem>,
    pub supervision_rounds: Vec<SupervisionRound>,
    pub supervision_cases: Vec<SupervisionCase>,
    pub supervision_findings: Vec<SupervisionFinding>,
}

impl EnteredTables {
    /// Reads the entered tables from `store` (a few rows: cheap after every change).
    pub fn load(store: &mut Store) -> Result<EnteredTables, StoreError> {
        let mut snapshot = store.load_tables(|spec| spec.entered)?;
        Ok(EnteredTables::take_from(&mut snapshot))
    }

    /// Moves the entered tables out of `snapshot`, so no stale copy stays behind in it.
    fn take_from(snapshot: &mut Snapshot) -> EnteredTables {
        EnteredTables {
            weight_points: std::mem::take(&mut snapshot.weight_points),
            case_flags: std::mem::take(&mut snapshot.case_flags),
            staff_profiles: std::mem::take(&mut snapshot.staff_profiles),
            reviews: std::mem::take(&mut snapshot.reviews),
            review_lines: std::mem::take(&mut snapshot.review_lines),
            handover_items: std::mem::take(&mut snapshot.handover_items),
            handovers: std::mem::take(&mut snapshot.handovers),
            handover_checks: std::mem::take(&mut snapshot.handover_checks),
            supervision_themes: std::mem::take(&mut snapshot.supervision_themes),
            checklist_items: std::mem::take(&mut snapshot.checklist_items),
            supervision_rounds: std::mem::take(&mut snapshot.supervision_rounds),
            supervision_cases: std::mem::take(&mut snapshot.supervision_cases),
            supervision_findings: std::mem::take(&mut snapshot.supervision_findings),
        }
    }

    pub fn view(&self) -> Entered<'_> {
        Entered {
            weight_points: &self.weight_points,
            case_flags: &self.case_flags,
        }
    }
}

impl Data {
    /// Reads everything from `store` and evaluates the rules at the end of `date`.
    pub fn load(store: &mut Store, rules: &RuleSet, date: NaiveDate) -> Result<Data, StoreError> {
        let mut snapshot = store.load_snapshot()?;
        let entered = EnteredTables::take_from(&mut snapshot);
        let sources = store.sources()?;
        let last_import = sources
            .tables()
            .iter()
            .filter_map(|t| t.last_imported_at)
            .max();
        let as_of = AsOf::end_of(date);
        let evaluation = evaluate(&snapshot, rules, as_of);
        Ok(Data {
            snapshot: Arc::new(snapshot),
            sources: Arc::new(sources),
            evaluation: Arc::new(evaluation),
            entered,
            as_of,
            date,
            last_import,
            weights: std::sync::OnceLock::new(),
            model: std::sync::OnceLock::new(),
            cache: Cache::default(),
        })
    }

    /// The same imported data with other entered rows, and an empty cache (the figures that
    /// read the entered rows are computed again).
    pub fn with_entered(&self, entered: EnteredTables) -> Data {
        Data {
            snapshot: self.snapshot.clone(),
            sources: self.sources.clone(),
            evaluation: self.evaluation.clone(),
            entered,
            as_of: self.as_of,
            date: self.date,
            last_import: self.last_import,
            weights: std::sync::OnceLock::new(),
            model: std::sync::OnceLock::new(),
            cache: Cache::default(),
        }
    }

    /// Every case's weight at T, by case row (computed on first use for this data version).
    pub fn weights(&self) -> Arc<CaseWeights> {
        self.weights
            .get_or_init(|| {
                Arc::new(CaseWeights::compute(
                    &self.snapshot,
                    self.entered.view(),
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
        let ctx = Context::new(&self.snapshot, &self.sources, evaluation, as_of, unit)?
            .with_entered(self.entered.view());
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
    /// and concurrent callers wait for and share that one result.
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

#[derive(Default)]
struct Cache {
    slots: Mutex<HashMap<String, Slot>>,
}

impl Cache {
    fn cell(&self, key: String) -> Slot {
        self.slots
            .lock()
            .expect("cache lock")
            .entry(key)
            .or_default()
            .clone()
    }
}
