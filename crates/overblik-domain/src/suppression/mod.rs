//! Small-number suppression: statistical disclosure control for aggregate audiences
//! (committee, benchmark, anyone without access to the cases).
//!
//! The contract (key-figures.md; security.md SDC-1 to SDC-3):
//! - a count of 1-4 persons is not shown, only "<5" ([`Suppression::Primary`]);
//! - a share whose denominator is below 5 is not shown ([`share`],
//!   [`Suppression::SmallDenominator`]);
//! - no suppressed cell may be recoverable from the released cells of the same view, or across
//!   views of overlapping units (differencing); cells suppressed to ensure this are
//!   [`Suppression::Complementary`];
//! - no median, minimum or maximum of fewer than 5 values ([`statistic_allowed`]).
//!
//! # Method
//!
//! A view is a set of non-negative cell values and the additivity [`Relation`]s that hold
//! between them (`total = sum of parts`: a row against its row total, a column against its
//! column total, the grand total against the margins). [`protect`] decides which cells are
//! released:
//!
//! 1. Primary: every cell with `0 < value < 5` ([`THRESHOLD`]) is suppressed.
//! 2. Complementary, the row/column rule of key-figures.md: while some relation has exactly
//!    one unknown member (suppressed or unpublished) that needs protection, one more of its
//!    members is suppressed: the smallest released part with a value above 0, else the
//!    smallest released part (a suppressed 0 protects little), else the total.
//! 3. Complementary, exact check: the rule above is not enough in general (e.g. two
//!    suppressed rectangles joined by one cell: every row and column has two suppressions and
//!    the joining cell is still determined). So the relations are solved for the unknown
//!    cells, the released values being known: an unknown cell is recoverable exactly when its
//!    unit vector lies in the row space of the relation matrix restricted to the unknown
//!    columns (Gaussian elimination to reduced row echelon form; a cell is recoverable when
//!    its pivot row has no other unknown). For a recoverable cell the combination of
//!    relations that recovers it names the released cells it uses; the smallest of those
//!    (preferring cells in the same row/column, and values above 0) is suppressed, and steps
//!    2-3 repeat. Every round suppresses one more cell, so the loop ends.
//!
//! Every suppressed cell, primary or complementary, is unrecoverable in the result (but see
//! the structural case under Limits). A
//! recoverable complementary cell would not disclose a small number, but it would turn the
//! "×" into a value for anyone with a calculator, and requiring it keeps the property simple
//! to state and to test.
//!
//! Differencing: a view of unit A and a view of units A+B together disclose B = (A+B) - A,
//! which is not published. [`protect_with_unpublished`] takes cells that are never released
//! (always unknown to the reader) and protects those with a small value like suppressed ones;
//! [`protect_nested`] builds this for two tables of the same shape.
//!
//! # Limits
//!
//! - Only exact linear recovery is prevented. Interval attacks are not: a reader who knows
//!   that counts are non-negative integers can bound a suppressed cell (a suppressed 2 and a
//!   suppressed 0 with a row difference of 2 leave only {0,1,2}), and the protection interval
//!   may be narrow. Zeros next to small totals (group disclosure: "all 3 children in the
//!   unit had a placement") are not treated specially.
//! - Only the relations given are considered. Views published across time periods or with
//!   other units must be linked by the caller ([`protect_with_unpublished`]), or their
//!   differences are not covered.
//! - A cell determined by the relations alone (say `t = a` and `t = a + b`, so `b = 0`)
//!   cannot be protected by suppression; it is left as it is.
//! - A share's numerator is not suppressed by [`share`]; when the denominator is published
//!   as a count beside it, suppress the share together with its numerator count.
//!
//! The arithmetic is in `f64` with a tolerance of 1e-9: the coefficients are +1/-1 and the
//! eliminations of these table relations stay on small integers, so this is exact in practice
//! at report sizes (a 20 × 15 table with margins protects in well under a millisecond).

mod solve;
mod table;

pub use crate::report::Suppression;
pub use table::{CountTable, Released, TableError, protect_nested};

/// The smallest count that may be released (and the smallest denominator of a released share,
/// the smallest sample size of a released median/maximum): counts of 1-4 are suppressed.
///
/// Statistics Denmark's research service requires at least 5 persons behind every released
/// figure (secondary sources: Steno Aarhus register guide, Aarhus University's DST research
/// service page; security.md [STENO, AU-DST]); the OECD glossary mentions thresholds of 3 or
/// 5 [OECD-THR]. `f64` because some tables hold averages (full-year persons).
pub const THRESHOLD: f64 = 5.0;

/// Tolerance for values and coefficients compared with 0.
const EPS: f64 = 1e-9;

/// An additivity relation between cells, by index: `values[total] = sum of values[parts]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    pub total: usize,
    pub parts: Vec<usize>,
}

impl Relation {
    pub fn new(total: usize, parts: Vec<usize>) -> Relation {
        Relation { total, parts }
    }
}

/// Whether a value must not be released: `0 < value < 5`. Fail-safe: a negative or non-finite
/// value (a caller bug: cells are counts or averages) is treated as small, so it is never
/// shown.
pub fn is_small(value: f64) -> bool {
    !(value == 0.0 || value.is_finite() && value >= THRESHOLD)
}

/// Decides which cells of a view are released. Returns one entry per value: `None` when the
/// cell is released, otherwise why it is suppressed (see the module documentation).
///
/// `values` are non-negative counts or averages; the relations should hold for them (only the
/// relations' structure is used, not whether the sums agree).
///
/// # Panics
///
/// When a relation names a cell index `>= values.len()`.
pub fn protect(values: &[f64], relations: &[Relation]) -> Vec<Option<Suppression>> {
    protect_with_unpublished(values, &vec![true; values.len()], relations)
}

/// [`protect`] for a view that includes cells that are never published (`published[i] ==
/// false`), e.g. the cells of unit B when A and A+B are published: the reader does not know
/// them, and those with a small value must not become recoverable either. The result has
/// `None` for unpublished cells (they are not shown in any case).
///
/// # Panics
///
/// When `published.len() != values.len()` or a relation names a cell index `>= values.len()`.
pub fn protect_with_unpublished(
    values: &[f64],
    published: &[bool],
    relations: &[Relation],
) -> Vec<Option<Suppression>> {
    assert_eq!(
        values.len(),
        published.len(),
        "one published flag per value"
    );
    let mut view = View::new(values, published, relations);
    view.run();
    view.status
        .into_iter()
        .zip(published)
        .map(|(s, &p)| s.filter(|_| p))
        .collect()
}

/// A share `numerator / denominator` that may be released: `Err(SmallDenominator)` when the
/// denominator is 1-4. A denominator of 0 is not a disclosure: the share is "not available"
/// (shown as "–"), so it comes back `Ok` and the caller shows it as not available.
///
/// Returns the pair unchanged when it may be shown.
pub fn share(numerator: u64, denominator: u64) -> Result<(u64, u64), Suppression> {
    if denominator > 0 && (denominator as f64) < THRESHOLD {
        Err(Suppression::SmallDenominator)
    } else {
        Ok((numerator, denominator))
    }
}

/// Whether a statistic of a sample of `n` values that shows individual values (median,
/// minimum, maximum) may be released: `n >= 5` (SDC-3).
pub fn statistic_allowed(n: u64) -> bool {
    n as f64 >= THRESHOLD
}

/// Working state of [`protect_with_unpublished`].
struct View<'a> {
    values: &'a [f64],
    published: &'a [bool],
    /// Per relation: `(cell, coefficient)` with `+1` for the total, `-1` for each part,
    /// merged per cell and without zero coefficients.
    terms: Vec<Vec<(usize, f64)>>,
    /// Per cell: the relations it is a member of.
    member_of: Vec<Vec<usize>>,
    status: Vec<Option<Suppression>>,
}

impl<'a> View<'a> {
    fn new(values: &'a [f64], published: &'a [bool], relations: &[Relation]) -> View<'a> {
        let n = values.len();
        let mut member_of = vec![Vec::new(); n];
        let terms: Vec<Vec<(usize, f64)>> = relations
            .iter()
            .enumerate()
            .map(|(r, rel)| {
                let mut terms: Vec<(usize, f64)> = std::iter::once((rel.total, 1.0))
                    .chain(rel.parts.iter().map(|&p| (p, -1.0)))
                    .collect();
                for &(cell, _) in &terms {
                    assert!(cell < n, "relation {r} names cell {cell} of {n}");
                }
                terms.sort_by_key(|&(cell, _)| cell);
                terms.dedup_by(|later, kept| {
                    let same = later.0 == kept.0;
                    if same {
                        kept.1 += later.1;
                    }
                    same
                });
                terms.retain(|&(_, c)| c != 0.0);
                for &(cell, _) in &terms {
                    member_of[cell].push(r);
                }
                terms
            })
            .collect();
        let status = values
            .iter()
            .zip(published)
            .map(|(&v, &p)| (p && is_small(v)).then_some(Suppression::Primary))
            .collect();
        View {
            values,
            published,
            terms,
            member_of,
            status,
        }
    }

    /// Not known to the reader: suppressed or never published.
    fn unknown(&self, cell: usize) -> bool {
        !self.published[cell] || self.status[cell].is_some()
    }

    /// Must not be recoverable: suppressed, or unpublished with a small value.
    fn needs_protection(&self, cell: usize) -> bool {
        self.status[cell].is_some() || !self.published[cell] && is_small(self.values[cell])
    }

    fn run(&mut self) {
        loop {
            self.close_relations();
            match self.fix_for_recoverable() {
                Some(cell) => self.status[cell] = Some(Suppression::Complementary),
                None => return,
            }
        }
    }

    /// Step 2: no relation with exactly one unknown member that needs protection.
    fn close_relations(&mut self) {
        let mut changed = true;
        while changed {
            changed = false;
            for r in 0..self.terms.len() {
                let mut unknown = self.terms[r].iter().filter(|&&(c, _)| self.unknown(c));
                let (Some(&(lone, _)), None) = (unknown.next(), unknown.next()) else {
                    continue;
                };
                if !self.needs_protection(lone) {
                    continue;
                }
                let choice = self.terms[r]
                    .iter()
                    .filter(|&&(c, _)| !self.unknown(c))
                    .min_by(|&&(a, ca), &&(b, cb)| {
                        // Parts (coefficient -1) before the total, then by value.
                        (ca > 0.0)
                            .cmp(&(cb > 0.0))
                            .then_with(|| self.by_value(a, b))
                    });
                if let Some(&(cell, _)) = choice {
                    self.status[cell] = Some(Suppression::Complementary);
                    changed = true;
                }
            }
        }
    }

    /// Values above 0 first, then the smallest value, then the lowest index.
    fn by_value(&self, a: usize, b: usize) -> std::cmp::Ordering {
        let (va, vb) = (self.values[a], self.values[b]);
        (va.abs() < EPS)
            .cmp(&(vb.abs() < EPS))
            .then(va.total_cmp(&vb))
            .then(a.cmp(&b))
    }

    /// Step 3: the released cell to suppress next so that a recoverable cell that needs
    /// protection becomes less recoverable; `None` when no such cell is recoverable (or none
    /// can be helped).
    ///
    /// An unknown cell that is a member of one relation only (a "private" cell, e.g. a cell
    /// of the unpublished difference B, or a suppressed cell without column totals) makes
    /// that relation useless for recovering any other cell: a combination using it keeps the
    /// private cell. So the elimination runs on the other relations (the core) only, and a
    /// private cell is checked afterwards: it is recoverable when the rest of its relation is
    /// a combination of the core. This keeps the matrix small for linked tables.
    fn fix_for_recoverable(&self) -> Option<usize> {
        let n = self.values.len();
        // Per unknown cell: in how many relations with an unknown member it is.
        let mut count = vec![0u32; n];
        let mut rows = Vec::new();
        for (r, terms) in self.terms.iter().enumerate() {
            if terms.iter().any(|&(c, _)| self.unknown(c)) {
                rows.push(r);
                for &(c, _) in terms {
                    count[c] += u32::from(self.unknown(c));
                }
            }
        }
        let private = |c: usize| self.unknown(c) && count[c] == 1;
        let (private_rows, core): (Vec<usize>, Vec<usize>) = rows
            .into_iter()
            .partition(|&r| self.terms[r].iter().any(|&(c, _)| private(c)));

        let mut column = vec![usize::MAX; n];
        let mut unknowns = Vec::new();
        for &r in &core {
            for &(cell, _) in &self.terms[r] {
                if self.unknown(cell) && column[cell] == usize::MAX {
                    column[cell] = unknowns.len();
                    unknowns.push(cell);
                }
            }
        }
        // [core relations restricted to the unknowns | identity]: the right block records
        // which combination of relations each reduced row is.
        let u = unknowns.len();
        let mut m = solve::Matrix::zeros(core.len(), u + core.len());
        for (k, &r) in core.iter().enumerate() {
            for &(cell, coefficient) in &self.terms[r] {
                if column[cell] != usize::MAX {
                    m.row_mut(k)[column[cell]] = coefficient;
                }
            }
            m.row_mut(k)[u + k] = 1.0;
        }
        let pivots = solve::reduce(&mut m, u, EPS);

        // Recoverable cells that need protection, each with a combination of relations that
        // recovers it.
        let mut recoverable: Vec<(usize, Vec<(usize, f64)>)> = Vec::new();
        let certificate = |row: usize, scale: f64, into: &mut Vec<(usize, f64)>| {
            for (k, &x) in m.row(row)[u..].iter().enumerate() {
                if x.abs() >= EPS {
                    into.push((core[k], scale * x));
                }
            }
        };
        for &(col, row) in &pivots {
            let cell = unknowns[col];
            let alone = m.row(row)[..u]
                .iter()
                .enumerate()
                .all(|(j, &x)| j == col || x.abs() < EPS);
            if alone && self.needs_protection(cell) {
                let mut combination = Vec::new();
                certificate(row, 1.0, &mut combination);
                recoverable.push((cell, combination));
            }
        }
        let mut rest = vec![0.0; u];
        for &r in &private_rows {
            let terms = &self.terms[r];
            let mut own = terms.iter().filter(|&&(c, _)| private(c));
            let (Some(&(cell, _)), None) = (own.next(), own.next()) else {
                continue; // two private cells trade off against each other
            };
            if !self.needs_protection(cell) {
                continue;
            }
            // The rest of the relation, over the core's unknowns.
            rest.iter_mut().for_each(|x| *x = 0.0);
            let mut outside = false;
            for &(c, coefficient) in terms {
                if c != cell && self.unknown(c) {
                    match column[c] {
                        usize::MAX => outside = true,
                        k => rest[k] = coefficient,
                    }
                }
            }
            if outside {
                continue;
            }
            // rest = sum of rest[pivot] × pivot row, if it lies in the core's row space.
            let mut combination = vec![(r, 1.0)];
            let used: Vec<(usize, f64)> = pivots
                .iter()
                .map(|&(col, row)| (row, rest[col]))
                .filter(|&(_, a)| a.abs() >= EPS)
                .collect();
            let mut residual = rest.clone();
            for &(row, a) in &used {
                for (x, &y) in residual.iter_mut().zip(&m.row(row)[..u]) {
                    *x -= a * y;
                }
                certificate(row, -a, &mut combination);
            }
            if residual.iter().all(|x| x.abs() < EPS) {
                recoverable.push((cell, combination));
            }
        }
        recoverable.sort_by_key(|&(cell, _)| cell);

        let mut weight = vec![0.0; n];
        let mut touched = Vec::new();
        for (cell, combination) in recoverable {
            // cell = the combination of relations evaluated on released cells: those with a
            // non-zero weight are what recovers it.
            for &c in &touched {
                weight[c] = 0.0;
            }
            touched.clear();
            for (r, x) in combination {
                for &(member, coefficient) in &self.terms[r] {
                    if !self.unknown(member) {
                        if weight[member] == 0.0 {
                            touched.push(member);
                        }
                        weight[member] += x * coefficient;
                    }
                }
            }
            let near = |c: usize| {
                self.member_of[c]
                    .iter()
                    .any(|r| self.member_of[cell].contains(r))
            };
            let choice = touched
                .iter()
                .copied()
                .filter(|&c| weight[c].abs() >= EPS)
                .min_by(|&a, &b| (!near(a)).cmp(&!near(b)).then_with(|| self.by_value(a, b)));
            if choice.is_some() {
                return choice;
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Suppression::{Complementary as C, Primary as P};

    fn row(values: &[f64]) -> (Vec<f64>, Vec<Relation>) {
        // values[0] is the total, the rest its parts.
        let parts = (1..values.len()).collect();
        (values.to_vec(), vec![Relation::new(0, parts)])
    }

    #[test]
    fn a_small_cell_and_the_smallest_other_cell_of_its_row_are_suppressed() {
        let (values, relations) = row(&[25.0, 3.0, 10.0, 12.0]);
        assert_eq!(protect(&values, &relations), [None, Some(P), Some(C), None]);
    }

    #[test]
    fn a_suppressed_zero_is_the_last_choice_before_the_total() {
        let (values, relations) = row(&[13.0, 3.0, 0.0, 10.0]);
        assert_eq!(protect(&values, &relations), [None, Some(P), None, Some(C)]);
        let (values, relations) = row(&[3.0, 3.0, 0.0, 0.0]);
        assert_eq!(protect(&values, &relations), [Some(P), Some(P), None, None]);
        let (values, relations) = row(&[3.0, 3.0]);
        assert_eq!(protect(&values, &relations), [Some(P), Some(P)]);
        let (values, relations) = row(&[8.0, 3.0, 0.0]);
        assert_eq!(protect(&values, &relations), [None, Some(P), Some(C)]);
        let (values, relations) = row(&[0.0, 0.0, 0.0]);
        assert_eq!(protect(&values, &relations), [None, None, None]);
    }

    #[test]
    fn a_total_of_1_to_4_is_primary_and_its_row_needs_one_more() {
        // Total 4 = 4 + 0 + 0: total and cell suppressed, two unknowns, nothing more needed.
        let (values, relations) = row(&[4.0, 4.0, 0.0, 0.0]);
        assert_eq!(protect(&values, &relations), [Some(P), Some(P), None, None]);
        // Only the total is small: a part goes with it.
        let (values, relations) = row(&[4.0, 0.0, 0.0]);
        assert_eq!(protect(&values, &relations), [Some(P), Some(C), None]);
    }

    #[test]
    fn cells_of_5_and_more_are_released_unchanged() {
        let (values, relations) = row(&[30.0, 5.0, 10.0, 15.0]);
        assert_eq!(protect(&values, &relations), [None; 4]);
    }

    #[test]
    fn averages_between_0_and_5_are_small_and_bad_values_are_never_shown() {
        assert!(is_small(4.999));
        assert!(is_small(0.1));
        assert!(!is_small(5.0));
        assert!(!is_small(0.0));
        assert!(is_small(-1.0));
        assert!(is_small(f64::NAN));
        assert!(is_small(f64::INFINITY));
    }

    #[test]
    fn an_unpublished_small_cell_is_protected_like_a_suppressed_one() {
        // whole = part + other, other unpublished 3: part or whole must go.
        let values = [13.0, 10.0, 3.0];
        let relations = [Relation::new(0, vec![1, 2])];
        let status = protect_with_unpublished(&values, &[true, true, false], &relations);
        assert_eq!(status, [None, Some(C), None]);
        // An unpublished 0 or 7 may be recovered.
        for other in [0.0, 7.0] {
            let values = [10.0 + other, 10.0, other];
            let status = protect_with_unpublished(&values, &[true, true, false], &relations);
            assert_eq!(status, [None, None, None]);
        }
    }

    #[test]
    fn shares_with_a_denominator_of_1_to_4_are_suppressed() {
        assert_eq!(share(0, 0), Ok((0, 0)));
        assert_eq!(share(1, 1), Err(Suppression::SmallDenominator));
        assert_eq!(share(0, 4), Err(Suppression::SmallDenominator));
        assert_eq!(share(4, 5), Ok((4, 5)));
        assert_eq!(share(30, 100), Ok((30, 100)));
    }

    #[test]
    fn statistics_need_5_values() {
        assert!(!statistic_allowed(0));
        assert!(!statistic_allowed(4));
        assert!(statistic_allowed(5));
        assert!(statistic_allowed(1000));
    }

    #[test]
    fn the_exact_check_catches_what_the_row_rule_misses() {
        // a + b, b + c and a + c are known, a, b and c are small: every relation has two
        // unknowns, yet a = (t1 - t2 + t3) / 2. One of the totals next to a must go too.
        // Cells: 0 a, 1 b, 2 c, 3 t1 = a + b, 4 t2 = b + c, 5 t3 = a + c.
        let values = [3.0, 4.0, 4.0, 7.0, 8.0, 7.0];
        let relations = [
            Relation::new(3, vec![0, 1]),
            Relation::new(4, vec![1, 2]),
            Relation::new(5, vec![0, 2]),
        ];
        assert_eq!(
            protect(&values, &relations),
            [Some(P), Some(P), Some(P), Some(C), None, None]
        );
    }
}
