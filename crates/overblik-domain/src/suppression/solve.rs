//! Dense Gaussian elimination to reduced row echelon form, enough for the relation matrices
//! of report tables (tens of relations, hundreds of cells).

/// A dense row-major matrix.
pub(super) struct Matrix {
    width: usize,
    data: Vec<f64>,
}

impl Matrix {
    pub(super) fn zeros(rows: usize, width: usize) -> Matrix {
        Matrix {
            width,
            data: vec![0.0; rows * width],
        }
    }

    fn rows(&self) -> usize {
        self.data.len().checked_div(self.width).unwrap_or(0)
    }

    pub(super) fn row(&self, row: usize) -> &[f64] {
        &self.data[row * self.width..(row + 1) * self.width]
    }

    pub(super) fn row_mut(&mut self, row: usize) -> &mut [f64] {
        &mut self.data[row * self.width..(row + 1) * self.width]
    }
}

/// Brings the first `pivot_columns` columns of `m` to reduced row echelon form (pivots 1,
/// zeros above and below), applying the same row operations to the remaining columns.
/// Entries with an absolute value below `eps` count as 0. Returns `(column, row)` per pivot.
pub(super) fn reduce(m: &mut Matrix, pivot_columns: usize, eps: f64) -> Vec<(usize, usize)> {
    let rows = m.rows();
    let width = m.width;
    let mut pivots = Vec::new();
    let mut next = 0;
    for col in 0..pivot_columns {
        if next == rows {
            break;
        }
        // Partial pivoting: the largest entry in the column.
        let Some((best, size)) = (next..rows)
            .map(|r| (r, m.row(r)[col].abs()))
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
        else {
            break;
        };
        if size < eps {
            continue;
        }
        if best != next {
            for j in 0..width {
                m.data.swap(best * width + j, next * width + j);
            }
        }
        let scale = m.row(next)[col];
        for x in m.row_mut(next) {
            *x /= scale;
        }
        m.row_mut(next)[col] = 1.0;
        // The rows are sparse: only the pivot row's non-zero entries change other rows.
        let pivot_row = m.row(next).to_vec();
        let support: Vec<usize> = (0..width).filter(|&j| pivot_row[j] != 0.0).collect();
        for r in (0..rows).filter(|&r| r != next) {
            let row = m.row_mut(r);
            let factor = row[col];
            if factor.abs() < eps {
                row[col] = 0.0;
                continue;
            }
            for &j in &support {
                row[j] -= factor * pivot_row[j];
            }
            row[col] = 0.0;
        }
        pivots.push((col, next));
        next += 1;
    }
    pivots
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reduces_to_echelon_form_and_tracks_the_rest() {
        // x + y = ., y + z = ., x + z = . : full rank over three columns.
        let mut m = Matrix::zeros(3, 4);
        m.row_mut(0).copy_from_slice(&[1.0, 1.0, 0.0, 7.0]);
        m.row_mut(1).copy_from_slice(&[0.0, 1.0, 1.0, 8.0]);
        m.row_mut(2).copy_from_slice(&[1.0, 0.0, 1.0, 7.0]);
        let pivots = reduce(&mut m, 3, 1e-9);
        assert_eq!(pivots.len(), 3);
        let mut solution = [0.0; 3];
        for (col, row) in pivots {
            solution[col] = m.row(row)[3];
        }
        assert_eq!(solution, [3.0, 4.0, 4.0]);
    }

    #[test]
    fn a_dependent_row_gives_no_pivot() {
        let mut m = Matrix::zeros(3, 2);
        m.row_mut(0).copy_from_slice(&[1.0, 1.0]);
        m.row_mut(1).copy_from_slice(&[2.0, 2.0]);
        m.row_mut(2).copy_from_slice(&[-1.0, -1.0]);
        assert_eq!(reduce(&mut m, 2, 1e-9), [(0, 0)]);
        assert_eq!(m.row(0), [1.0, 1.0]);
        assert_eq!(m.row(1), [0.0, 0.0]);
    }
}
