//! SIGKILL in the middle of an import leaves the store exactly as it was.

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::{backends, bulk_dataset};

/// Persons in the big data set (≈ 20 rows each): large enough that an import takes seconds.
const BIG: usize = 25_000;

#[test]
fn killing_an_import_midway_leaves_counts_and_content_unchanged() {
    for (backend, new_store) in backends() {
        let store = new_store();
        let small = bulk_dataset(store.dir.path(), 11, 100);
        store.run_ok(&["import", small.to_str().unwrap()]);
        let before = store.export_csv();
        // A different seed: the big import inserts new rows *and* updates the stored ones.
        let big = bulk_dataset(store.dir.path(), 12, BIG);

        let mut killed_midway = 0;
        for delay_ms in [150u64, 600, 1500] {
            let mut child = store
                .command(&["import", big.to_str().unwrap()])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            let started = Instant::now();
            std::thread::sleep(Duration::from_millis(delay_ms));
            if child.try_wait().unwrap().is_none() {
                child.kill().unwrap(); // SIGKILL: no destructor, no rollback runs in the process.
                killed_midway += 1;
            }
            let status = child.wait().unwrap();
            assert!(
                !status.success() || started.elapsed() >= Duration::from_millis(delay_ms),
                "{backend}"
            );
            if status.success() {
                break; // The import won the race; the store now holds it (checked below).
            }
            assert_eq!(
                store.export_csv(),
                before,
                "{backend}: store changed by an import killed after {delay_ms} ms"
            );
        }
        assert!(
            killed_midway > 0,
            "{backend}: the import always finished before the kill; make BIG larger"
        );

        // The store still works: a complete import goes through and is then all there.
        store.run_ok(&["import", big.to_str().unwrap()]);
        let after = store.export_csv();
        let persons = String::from_utf8(after["persons.csv"].clone()).unwrap();
        assert_eq!(persons.lines().count(), 1 + BIG, "{backend}");
    }
}
