//! The common shape: a two-way table of counts with optional margins, alone or together with
//! the same table for a larger unit (differencing).

use super::{EPS, Relation, Suppression, protect_with_unpublished};

/// A two-way table with optional row totals, column totals and grand total. `CountTable`
/// (of `f64`) is the input of [`CountTable::protect`], `CountTable<Released>` its result.
///
/// The margins are totals of the cells: row total `i` = sum of row `i`, column total `j` = sum
/// of column `j`, grand total = sum of the row totals and of the column totals (of all cells
/// when there are neither).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CountTable<T = f64> {
    /// Rows of cells; every row has the same length.
    pub cells: Vec<Vec<T>>,
    pub row_totals: Option<Vec<T>>,
    pub column_totals: Option<Vec<T>>,
    pub grand_total: Option<T>,
}

/// A cell as it may be published.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Released {
    Shown(f64),
    Suppressed(Suppression),
}

impl Released {
    /// The value when shown.
    pub fn shown(self) -> Option<f64> {
        match self {
            Released::Shown(v) => Some(v),
            Released::Suppressed(_) => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TableError {
    #[error("row {row} has {found} cells, expected {expected}")]
    RaggedRow {
        row: usize,
        found: usize,
        expected: usize,
    },
    #[error("{found} row totals for {expected} rows")]
    RowTotals { found: usize, expected: usize },
    #[error("{found} column totals for {expected} columns")]
    ColumnTotals { found: usize, expected: usize },
    #[error("the part and the whole differ in shape or margins")]
    ShapeMismatch,
    #[error("a cell of the part ({part}) exceeds the same cell of the whole ({whole})")]
    PartExceedsWhole { part: f64, whole: f64 },
}

impl<T> CountTable<T> {
    pub fn rows(&self) -> usize {
        self.cells.len()
    }

    /// The number of columns (taken from the column totals when there are no rows).
    pub fn columns(&self) -> usize {
        match (self.cells.first(), &self.column_totals) {
            (Some(row), _) => row.len(),
            (None, Some(totals)) => totals.len(),
            (None, None) => 0,
        }
    }

    /// The same table with `f` applied to every cell and margin.
    pub fn map<U>(&self, mut f: impl FnMut(&T) -> U) -> CountTable<U> {
        CountTable {
            cells: self
                .cells
                .iter()
                .map(|row| row.iter().map(&mut f).collect())
                .collect(),
            row_totals: self
                .row_totals
                .as_ref()
                .map(|t| t.iter().map(&mut f).collect()),
            column_totals: self
                .column_totals
                .as_ref()
                .map(|t| t.iter().map(&mut f).collect()),
            grand_total: self.grand_total.as_ref().map(f),
        }
    }

    /// Every cell and margin in a fixed order: cells row by row, row totals, column totals,
    /// grand total.
    fn entries(&self) -> impl Iterator<Item = &T> {
        self.cells
            .iter()
            .flatten()
            .chain(self.row_totals.iter().flatten())
            .chain(self.column_totals.iter().flatten())
            .chain(&self.grand_total)
    }

    fn check(&self) -> Result<(), TableError> {
        let expected = self.columns();
        for (row, cells) in self.cells.iter().enumerate() {
            if cells.len() != expected {
                return Err(TableError::RaggedRow {
                    row,
                    found: cells.len(),
                    expected,
                });
            }
        }
        if let Some(totals) = &self.row_totals
            && totals.len() != self.rows()
        {
            return Err(TableError::RowTotals {
                found: totals.len(),
                expected: self.rows(),
            });
        }
        if let Some(totals) = &self.column_totals
            && totals.len() != expected
        {
            return Err(TableError::ColumnTotals {
                found: totals.len(),
                expected,
            });
        }
        Ok(())
    }

    fn same_shape<U>(&self, other: &CountTable<U>) -> bool {
        self.rows() == other.rows()
            && self.columns() == other.columns()
            && self.row_totals.is_some() == other.row_totals.is_some()
            && self.column_totals.is_some() == other.column_totals.is_some()
            && self.grand_total.is_some() == other.grand_total.is_some()
    }
}

impl CountTable<usize> {
    /// The additivity relations of a table whose entries are cell indices.
    fn relations(&self) -> Vec<Relation> {
        let mut out = Vec::new();
        if let Some(totals) = &self.row_totals {
            for (&total, row) in totals.iter().zip(&self.cells) {
                out.push(Relation::new(total, row.clone()));
            }
        }
        if let Some(totals) = &self.column_totals {
            for (j, &total) in totals.iter().enumerate() {
                out.push(Relation::new(
                    total,
                    self.cells.iter().map(|row| row[j]).collect(),
                ));
            }
        }
        if let Some(grand) = self.grand_total {
            if let Some(totals) = &self.row_totals {
                out.push(Relation::new(grand, totals.clone()));
            }
            if let Some(totals) = &self.column_totals {
                out.push(Relation::new(grand, totals.clone()));
            }
            if self.row_totals.is_none() && self.column_totals.is_none() {
                out.push(Relation::new(
                    grand,
                    self.cells.iter().flatten().copied().collect(),
                ));
            }
        }
        out
    }
}

/// The cells of a view: values and whether each is published.
#[derive(Default)]
struct Cells {
    values: Vec<f64>,
    published: Vec<bool>,
}

impl Cells {
    /// Adds the entries of `table` and returns the table of their indices.
    fn add(&mut self, table: &CountTable, published: bool) -> CountTable<usize> {
        table.map(|&v| {
            self.values.push(v);
            self.published.push(published);
            self.values.len() - 1
        })
    }

    fn release(
        &self,
        layout: &CountTable<usize>,
        status: &[Option<Suppression>],
    ) -> CountTable<Released> {
        layout.map(|&i| match status[i] {
            Some(why) => Released::Suppressed(why),
            None => Released::Shown(self.values[i]),
        })
    }
}

impl CountTable {
    /// Suppresses small counts and whatever would let them be recovered from the margins
    /// (see the module documentation).
    pub fn protect(&self) -> Result<CountTable<Released>, TableError> {
        self.check()?;
        let mut cells = Cells::default();
        let layout = cells.add(self, true);
        let status = protect_with_unpublished(&cells.values, &cells.published, &layout.relations());
        Ok(cells.release(&layout, &status))
    }
}

/// Protects the table of a unit (`part`, unit A) and the same table of a larger unit that
/// contains it (`whole`, units A+B) together, so that the difference (unit B, not published)
/// cannot be recovered where it is small: no cell or margin of B with a value of 1-4 can be
/// computed from what the two results show.
///
/// The view holds three tables: A and A+B (published) and B = (A+B) - A (never published,
/// so always unknown to the reader), with the relations of A and of A+B and, for every
/// cell and margin, `A+B = A + B`. B's own margin relations are not added: they follow from
/// the others. The relations of the part, the whole and the links are then protected as
/// one view, so a cell suppressed in one table is not recoverable through the other either.
///
/// Both tables must have the same shape and margins, and no entry of the part may exceed
/// the same entry of the whole.
pub fn protect_nested(
    part: &CountTable,
    whole: &CountTable,
) -> Result<(CountTable<Released>, CountTable<Released>), TableError> {
    part.check()?;
    whole.check()?;
    if !part.same_shape(whole) {
        return Err(TableError::ShapeMismatch);
    }
    let mut difference = Vec::new();
    for (&p, &w) in part.entries().zip(whole.entries()) {
        let d = w - p;
        if d < -EPS {
            return Err(TableError::PartExceedsWhole { part: p, whole: w });
        }
        difference.push(if d.abs() < EPS { 0.0 } else { d });
    }
    let mut difference = difference.into_iter();
    let difference = part.map(|_| difference.next().unwrap_or_default());

    let mut cells = Cells::default();
    let a = cells.add(part, true);
    let ab = cells.add(whole, true);
    let b = cells.add(&difference, false);
    let mut relations = a.relations();
    relations.extend(ab.relations());
    for ((&a, &ab), &b) in a.entries().zip(ab.entries()).zip(b.entries()) {
        relations.push(Relation::new(ab, vec![a, b]));
    }
    let status = protect_with_unpublished(&cells.values, &cells.published, &relations);
    Ok((cells.release(&a, &status), cells.release(&ab, &status)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Released::{Shown as S, Suppressed as X};
    use Suppression::{Complementary as C, Primary as P};

    #[test]
    fn a_row_with_a_total() {
        let table = CountTable {
            cells: vec![vec![3.0, 10.0, 12.0]],
            row_totals: Some(vec![25.0]),
            ..CountTable::default()
        };
        let out = table.protect().unwrap();
        assert_eq!(out.cells, [[X(P), X(C), S(12.0)]]);
        assert_eq!(out.row_totals, Some(vec![S(25.0)]));
    }

    #[test]
    fn without_margins_only_small_cells_go() {
        let table = CountTable {
            cells: vec![vec![3.0, 10.0], vec![0.0, 1.0]],
            ..CountTable::default()
        };
        let out = table.protect().unwrap();
        assert_eq!(out.cells, [[X(P), S(10.0)], [S(0.0), X(P)]]);
    }

    #[test]
    fn a_table_of_large_counts_is_unchanged() {
        let table = CountTable {
            cells: vec![vec![5.0, 10.0], vec![7.0, 0.0]],
            row_totals: Some(vec![15.0, 7.0]),
            column_totals: Some(vec![12.0, 10.0]),
            grand_total: Some(22.0),
        };
        let out = table.protect().unwrap();
        assert_eq!(out, table.map(|&v| S(v)));
    }

    #[test]
    fn a_small_margin_takes_a_cell_with_it() {
        // Column 1 totals 4: the total is primary and so is its one non-zero cell; row 1
        // then needs a second suppression, and so does the grand total's relation with the
        // column totals.
        let table = CountTable {
            cells: vec![vec![6.0, 4.0], vec![8.0, 0.0]],
            row_totals: Some(vec![10.0, 8.0]),
            column_totals: Some(vec![14.0, 4.0]),
            grand_total: Some(18.0),
        };
        let out = table.protect().unwrap();
        assert_eq!(out.cells, [[X(C), X(P)], [X(C), X(C)]]);
        assert_eq!(out.row_totals, Some(vec![S(10.0), S(8.0)]));
        assert_eq!(out.column_totals, Some(vec![X(C), X(P)]));
        assert_eq!(out.grand_total, Some(S(18.0)));
    }

    #[test]
    fn shapes_are_checked() {
        let ragged = CountTable {
            cells: vec![vec![1.0, 2.0], vec![3.0]],
            ..CountTable::default()
        };
        assert!(matches!(
            ragged.protect(),
            Err(TableError::RaggedRow { row: 1, .. })
        ));
        let short = CountTable {
            cells: vec![vec![1.0, 2.0]],
            column_totals: Some(vec![1.0]),
            ..CountTable::default()
        };
        assert!(matches!(
            short.protect(),
            Err(TableError::ColumnTotals { .. })
        ));
        let whole = CountTable {
            cells: vec![vec![1.0, 2.0]],
            row_totals: Some(vec![3.0]),
            ..CountTable::default()
        };
        let part = CountTable {
            cells: vec![vec![1.0, 2.0]],
            ..CountTable::default()
        };
        assert_eq!(
            protect_nested(&part, &whole),
            Err(TableError::ShapeMismatch)
        );
        let bigger = whole.map(|v| v + 1.0);
        assert!(matches!(
            protect_nested(&bigger, &whole),
            Err(TableError::PartExceedsWhole { .. })
        ));
    }
}
