//! Small-number suppression (security.md SDC-1, SDC-2): no released cell is 1-4, released
//! cells are the input, and no suppressed cell (nor a small cell of an unpublished
//! difference) can be computed exactly from what is released.
//!
//! The recoverability check here is independent of the module's solver: its own relations,
//! built from the table shape, and exact integer elimination. A linear functional `f·x` of
//! the unknown cells is determined by the released ones exactly when `f` lies in the row space
//! of the relation matrix restricted to the unknowns, i.e. when appending `f` as a row does
//! not raise the rank.

use overblik_domain::suppression::{
    CountTable, Relation, Released, Suppression, protect, protect_nested,
};
use proptest::collection::vec;
use proptest::prelude::*;

/// One linear relation, `sum of coefficient × cell = 0`, over cell indices.
type Equation = Vec<(usize, i128)>;

fn rank(mut rows: Vec<Vec<i128>>) -> usize {
    let width = rows.first().map_or(0, Vec::len);
    let mut rank = 0;
    for col in 0..width {
        let Some(p) = (rank..rows.len()).find(|&r| rows[r][col] != 0) else {
            continue;
        };
        rows.swap(rank, p);
        let pivot = rows[rank].clone();
        for row in &mut rows[rank + 1..] {
            let f = row[col];
            if f == 0 {
                continue;
            }
            for (x, &p) in row.iter_mut().zip(&pivot) {
                *x = x
                    .checked_mul(pivot[col])
                    .and_then(|a| p.checked_mul(f).and_then(|b| a.checked_sub(b)))
                    .expect("no overflow");
            }
            let g = row.iter().fold(0, |g, &x| gcd(g, x.abs()));
            if g > 1 {
                row.iter_mut().for_each(|x| *x /= g);
            }
        }
        rank += 1;
    }
    rank
}

fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// Whether `target` (coefficients per cell) is determined by the equations when the cells
/// with `unknown[i]` are unknown and all others known.
fn determined(equations: &[Equation], unknown: &[bool], target: &[(usize, i128)]) -> bool {
    let columns: Vec<usize> = (0..unknown.len()).filter(|&i| unknown[i]).collect();
    let row = |terms: &[(usize, i128)]| -> Vec<i128> {
        let mut out = vec![0; columns.len()];
        for &(cell, c) in terms {
            if let Ok(k) = columns.binary_search(&cell) {
                out[k] += c;
            }
        }
        out
    };
    let matrix: Vec<Vec<i128>> = equations.iter().map(|e| row(e)).collect();
    let mut with_target = matrix.clone();
    with_target.push(row(target));
    rank(matrix) == rank(with_target)
}

/// Cell indices of a table: cells row by row, then row totals, column totals, grand total.
struct Layout {
    rows: usize,
    columns: usize,
    row_totals: bool,
    column_totals: bool,
    grand_total: bool,
    /// Added to every index (to place several tables in one system).
    offset: usize,
}

impl Layout {
    fn of(table: &CountTable<impl Sized>, offset: usize) -> Layout {
        Layout {
            rows: table.cells.len(),
            columns: table.cells[0].len(),
            row_totals: table.row_totals.is_some(),
            column_totals: table.column_totals.is_some(),
            grand_total: table.grand_total.is_some(),
            offset,
        }
    }

    fn cell(&self, i: usize, j: usize) -> usize {
        self.offset + i * self.columns + j
    }

    fn row_total(&self, i: usize) -> usize {
        assert!(self.row_totals);
        self.offset + self.rows * self.columns + i
    }

    fn column_total(&self, j: usize) -> usize {
        assert!(self.column_totals);
        let row_totals = if self.row_totals { self.rows } else { 0 };
        self.offset + self.rows * self.columns + row_totals + j
    }

    fn grand_total(&self) -> usize {
        assert!(self.grand_total);
        self.offset + self.len() - 1
    }

    fn len(&self) -> usize {
        self.rows * self.columns
            + if self.row_totals { self.rows } else { 0 }
            + if self.column_totals { self.columns } else { 0 }
            + usize::from(self.grand_total)
    }

    /// The margins' definitions, as equations `total - parts = 0`.
    fn equations(&self) -> Vec<Equation> {
        let sum = |total: usize, parts: Vec<usize>| -> Equation {
            std::iter::once((total, 1))
                .chain(parts.into_iter().map(|p| (p, -1)))
                .collect()
        };
        let mut out = Vec::new();
        for i in 0..self.rows {
            if self.row_totals {
                let parts = (0..self.columns).map(|j| self.cell(i, j)).collect();
                out.push(sum(self.row_total(i), parts));
            }
        }
        for j in 0..self.columns {
            if self.column_totals {
                let parts = (0..self.rows).map(|i| self.cell(i, j)).collect();
                out.push(sum(self.column_total(j), parts));
            }
        }
        if self.grand_total {
            // The sum of all cells, whatever margins are shown.
            let parts = (0..self.rows)
                .flat_map(|i| (0..self.columns).map(move |j| (i, j)))
                .map(|(i, j)| self.cell(i, j))
                .collect();
            out.push(sum(self.grand_total(), parts));
        }
        out
    }
}

/// Every entry of a table in the order of [`Layout`].
fn entries<T: Copy>(table: &CountTable<T>) -> Vec<T> {
    let mut out: Vec<T> = table.cells.iter().flatten().copied().collect();
    out.extend(table.row_totals.iter().flatten());
    out.extend(table.column_totals.iter().flatten());
    out.extend(table.grand_total);
    out
}

/// A table of the counts with consistent margins, where present.
fn with_margins(cells: &[Vec<u32>], margins: (bool, bool, bool)) -> CountTable {
    let cells: Vec<Vec<f64>> = cells
        .iter()
        .map(|r| r.iter().map(|&v| f64::from(v)).collect())
        .collect();
    let columns = cells[0].len();
    let grand: f64 = cells.iter().flatten().sum();
    CountTable {
        row_totals: margins
            .0
            .then(|| cells.iter().map(|r| r.iter().sum()).collect()),
        column_totals: margins.1.then(|| {
            (0..columns)
                .map(|j| cells.iter().map(|r| r[j]).sum())
                .collect()
        }),
        grand_total: margins.2.then_some(grand),
        cells,
    }
}

fn small(v: f64) -> bool {
    v > 0.0 && v < 5.0
}

/// SDC-1 and the released values: a cell is Primary exactly when it is 1-4, shown cells are
/// the input and never 1-4, and complementary cells are not small.
fn assert_released_as_input(input: &CountTable, output: &CountTable<Released>) {
    let input = entries(input);
    let output = entries(output);
    assert_eq!(input.len(), output.len());
    for (&v, &out) in input.iter().zip(&output) {
        match out {
            Released::Shown(shown) => {
                assert_eq!(shown, v);
                assert!(!small(shown), "released {shown}");
            }
            Released::Suppressed(Suppression::Primary) => assert!(small(v)),
            Released::Suppressed(Suppression::Complementary) => assert!(!small(v)),
            Released::Suppressed(Suppression::SmallDenominator) => panic!("not a count"),
        }
    }
}

fn suppressed(output: &CountTable<Released>) -> Vec<bool> {
    entries(output)
        .iter()
        .map(|r| matches!(r, Released::Suppressed(_)))
        .collect()
}

/// SDC-2 within one table: no suppressed entry is determined.
fn assert_unrecoverable(output: &CountTable<Released>) {
    let layout = Layout::of(output, 0);
    let unknown = suppressed(output);
    let equations = layout.equations();
    for (cell, _) in unknown.iter().enumerate().filter(|(_, u)| **u) {
        assert!(
            !determined(&equations, &unknown, &[(cell, 1)]),
            "suppressed entry {cell} is recoverable: {output:?}"
        );
    }
}

/// SDC-2 across a unit A and units A+B: with A and A+B as published, no suppressed entry of
/// either and no entry of B of 1-4 is determined.
fn assert_difference_unrecoverable(
    a: &CountTable,
    ab: &CountTable,
    out_a: &CountTable<Released>,
    out_ab: &CountTable<Released>,
) {
    let la = Layout::of(out_a, 0);
    let lab = Layout::of(out_ab, la.len());
    let mut equations = la.equations();
    equations.extend(lab.equations());
    let mut unknown = suppressed(out_a);
    unknown.extend(suppressed(out_ab));
    for cell in (0..la.len()).filter(|&c| unknown[c]) {
        assert!(!determined(&equations, &unknown, &[(cell, 1)]), "A {cell}");
    }
    for cell in (la.len()..la.len() + lab.len()).filter(|&c| unknown[c]) {
        assert!(
            !determined(&equations, &unknown, &[(cell, 1)]),
            "A+B {cell}"
        );
    }
    // B's entry k is entry k of A+B minus entry k of A.
    for (k, (&va, &vab)) in entries(a).iter().zip(&entries(ab)).enumerate() {
        if small(vab - va) {
            let b = [(la.len() + k, 1), (k, -1)];
            assert!(
                !determined(&equations, &unknown, &b),
                "B entry {k} = {} is recoverable\nA {out_a:?}\nA+B {out_ab:?}",
                vab - va
            );
        }
    }
}

fn count() -> impl Strategy<Value = u32> {
    prop_oneof![2 => Just(0u32), 5 => 1u32..=6, 3 => 0u32..15]
}

fn margins() -> impl Strategy<Value = (bool, bool, bool)> {
    (any::<bool>(), any::<bool>(), any::<bool>())
}

fn grid() -> impl Strategy<Value = Vec<Vec<u32>>> {
    (1usize..=7, 1usize..=6).prop_flat_map(|(r, c)| vec(vec(count(), c), r))
}

/// Named so that `cargo test suppression` selects them.
mod suppression {
    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn a_protected_table_releases_no_small_and_no_recoverable_cell(
            cells in grid(),
            margins in margins(),
        ) {
            let table = with_margins(&cells, margins);
            let out = table.protect().unwrap();
            assert_released_as_input(&table, &out);
            assert_unrecoverable(&out);
        }

        #[test]
        fn unit_a_and_units_a_plus_b_do_not_disclose_b(
            (a, b) in (1usize..=5, 1usize..=5).prop_flat_map(|(r, c)| (
                vec(vec(count(), c), r),
                vec(vec(prop_oneof![3 => Just(0u32), 3 => 1u32..=4, 1 => 0u32..10], c), r),
            )),
            margins in margins(),
        ) {
            let ab: Vec<Vec<u32>> = a
                .iter()
                .zip(&b)
                .map(|(ra, rb)| ra.iter().zip(rb).map(|(x, y)| x + y).collect())
                .collect();
            let (a, ab) = (with_margins(&a, margins), with_margins(&ab, margins));
            let (out_a, out_ab) = protect_nested(&a, &ab).unwrap();
            assert_released_as_input(&a, &out_a);
            assert_released_as_input(&ab, &out_ab);
            assert_difference_unrecoverable(&a, &ab, &out_a, &out_ab);
        }

        /// Arbitrary relations (not a table): every suppressed cell that the relations do not
        /// pin down by themselves (e.g. `t = a` and `t = a + b` force `b = 0`) is ambiguous.
        #[test]
        fn arbitrary_relations_leave_no_suppressed_cell_recoverable(
            values in vec(count(), 2..12),
            picks in vec((any::<prop::sample::Index>(), vec(any::<prop::sample::Index>(), 1..5)), 1..6),
        ) {
            let n = values.len();
            let relations: Vec<Relation> = picks
                .iter()
                .map(|(t, parts)| {
                    let total = t.index(n);
                    let mut parts: Vec<usize> = parts
                        .iter()
                        .map(|p| p.index(n))
                        .filter(|&p| p != total)
                        .collect();
                    parts.sort_unstable();
                    parts.dedup();
                    Relation { total, parts }
                })
                .collect();
            let values: Vec<f64> = values.into_iter().map(f64::from).collect();
            let status = protect(&values, &relations);
            let equations: Vec<Equation> = relations
                .iter()
                .map(|r| {
                    std::iter::once((r.total, 1))
                        .chain(r.parts.iter().map(|&p| (p, -1)))
                        .collect()
                })
                .collect();
            let unknown: Vec<bool> = status.iter().map(Option::is_some).collect();
            let all_unknown = vec![true; n];
            for (cell, (&v, s)) in values.iter().zip(&status).enumerate() {
                prop_assert_eq!(*s == Some(Suppression::Primary), small(v));
                if s.is_some() && !determined(&equations, &all_unknown, &[(cell, 1)]) {
                    prop_assert!(
                        !determined(&equations, &unknown, &[(cell, 1)]),
                        "cell {} recoverable: {:?} {:?} {:?}", cell, values, relations, status
                    );
                }
            }
        }
    }

    #[test]
    fn two_suppressions_per_row_and_column_are_not_always_enough() {
        // Two blocks of small cells joined by the small cell (1, 2): every row and column has at
        // least two suppressed cells, yet (1, 2) = row totals 0-1 minus the rest of columns 0-1.
        let cells = vec![
            vec![1, 2, 9, 9],
            vec![3, 4, 2, 9],
            vec![9, 9, 1, 2],
            vec![9, 9, 3, 4],
        ];
        let table = with_margins(&cells, (true, true, true));
        let only_primary = table.map(|&v| {
            if small(v) {
                Released::Suppressed(Suppression::Primary)
            } else {
                Released::Shown(v)
            }
        });
        let layout = Layout::of(&table, 0);
        let equations = layout.equations();
        assert!(determined(
            &equations,
            &suppressed(&only_primary),
            &[(layout.cell(1, 2), 1)]
        ));

        let out = table.protect().unwrap();
        assert_released_as_input(&table, &out);
        assert_unrecoverable(&out);
        let complementary = entries(&out)
            .iter()
            .filter(|r| **r == Released::Suppressed(Suppression::Complementary))
            .count();
        assert!(complementary >= 1, "{out:?}");
    }

    #[test]
    fn unit_a_against_units_a_plus_b_hides_a_small_unit_b() {
        // Each table alone has nothing small; together they show that unit B has 3 children in
        // the first column and none elsewhere.
        let a = with_margins(&[vec![5, 7, 6]], (true, false, false));
        let ab = with_margins(&[vec![8, 7, 6]], (true, false, false));
        let alone = |t: &CountTable| t.protect().unwrap() == t.map(|&v| Released::Shown(v));
        assert!(alone(&a) && alone(&ab));

        let (out_a, out_ab) = protect_nested(&a, &ab).unwrap();
        assert_released_as_input(&a, &out_a);
        assert_released_as_input(&ab, &out_ab);
        assert_difference_unrecoverable(&a, &ab, &out_a, &out_ab);
        assert_ne!(out_a, a.map(|&v| Released::Shown(v)));
    }

    #[test]
    fn a_large_table_is_protected() {
        // 20 × 15 with all margins, about half the cells small.
        let cells: Vec<Vec<u32>> = (0..20u32)
            .map(|i| (0..15u32).map(|j| (i * 7 + j * 13 + i * j) % 11).collect())
            .collect();
        let table = with_margins(&cells, (true, true, true));
        let out = table.protect().unwrap();
        assert_released_as_input(&table, &out);
        assert_unrecoverable(&out);
    }
}
