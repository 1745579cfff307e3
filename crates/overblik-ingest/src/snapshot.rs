//! The in-memory [`Snapshot`] as an import target and an export source, so that generated data
//! is written, and a folder is read for checks, by the same code that serves the store.

use std::convert::Infallible;

use overblik_domain::tables::RecordError;
use overblik_domain::{Row, Snapshot, TableSpec};

use crate::{ExportSource, ImportTarget};

impl ImportTarget for Snapshot {
    type Error = RecordError;

    fn begin_table(&mut self, _spec: &'static TableSpec) -> Result<(), Self::Error> {
        Ok(())
    }

    fn write_row(&mut self, spec: &'static TableSpec, row: &Row) -> Result<(), Self::Error> {
        self.push_row(spec, row)
    }

    fn end_table(&mut self, _spec: &'static TableSpec) -> Result<(), Self::Error> {
        Ok(())
    }
}

impl ExportSource for &Snapshot {
    type Error = Infallible;

    fn for_each_row(
        &mut self,
        spec: &'static TableSpec,
        f: &mut dyn FnMut(Row) -> Result<(), Self::Error>,
    ) -> Result<(), Self::Error> {
        Snapshot::for_each_row(self, spec, f)
    }
}
