//! Small builders shared by the reports: tables from typed columns, cells from figure parts.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::document::{Cell, Chart, ChartKind, Column, ColumnKind, Section, Table};
use crate::figures::Share;

pub fn table(id: &str, title: &str, columns: &[(&str, ColumnKind)]) -> Table {
    Table {
        id: id.to_owned(),
        title: title.to_owned(),
        columns: columns
            .iter()
            .map(|(title, kind)| Column {
                title: (*title).to_owned(),
                kind: *kind,
            })
            .collect(),
        rows: Vec::new(),
        chart: None,
        footnotes: Vec::new(),
    }
}

pub fn with_chart(mut table: Table, kind: ChartKind, values: &[usize]) -> Table {
    table.chart = Some(Chart {
        kind,
        category_column: 0,
        value_columns: values.to_vec(),
    });
    table
}

pub fn section(id: &'static str, title: &str, notes: &[&str], tables: Vec<Table>) -> Section {
    Section {
        id,
        title: title.to_owned(),
        notes: notes.iter().map(|n| (*n).to_owned()).collect(),
        tables,
    }
}

pub fn text(value: impl Into<String>) -> Cell {
    Cell::Text(value.into())
}

pub fn count(value: u64) -> Cell {
    Cell::Integer(value as i64)
}

pub fn maybe_count(value: Option<u64>) -> Cell {
    value.map_or(Cell::NotAvailable, count)
}

/// A share; "not available" when its denominator is 0.
pub fn share(value: Share) -> Cell {
    if value.denominator == 0 {
        Cell::NotAvailable
    } else {
        Cell::Share {
            numerator: value.numerator,
            denominator: value.denominator,
        }
    }
}

pub fn number(value: Option<f64>) -> Cell {
    value.map_or(Cell::NotAvailable, Cell::Number)
}

pub fn money(value: Decimal) -> Cell {
    Cell::Number(value.round().to_f64().unwrap_or(0.0))
}

pub fn maybe_money(value: Option<Decimal>) -> Cell {
    value.map_or(Cell::NotAvailable, money)
}

/// The note every figure table of an absent file gets.
pub const ABSENT_FILE: &str = "«–» betyder ikke tilgængelig: filen er ikke leveret, eller der er intet at beregne andelen af.";
