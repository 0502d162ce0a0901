//! Execution records: a worker process (`test-worker` with `TEST_WORKER_RECORDS` set) writes a
//! line each time an activity starts or finishes an attempt, sees its cancellation (with the
//! reason) or sees the worker's shutdown begin, with its id, the attempt and the process. Tests
//! count them, so that a claim such as "exactly once", "the kill hit work in flight" or
//! "cancelled because the worker shut down" is checked against what actually ran, not against
//! what the callers saw.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::support::process::scratch_path;

/// What an attempt did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Event {
    Started,
    Finished,
    /// It saw its cancellation; the record's detail is the reason.
    Cancelled,
    /// It saw the worker's shutdown begin.
    Shutdown,
}

/// One line of a record file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub event: Event,
    pub activity_id: String,
    pub attempt: u32,
    pub pid: u32,
    /// What else the line says: a cancellation's reason.
    pub detail: String,
}

/// A directory of record files, one per worker process. Clones share the directory, which the
/// first one made removes when dropped.
pub struct Records {
    dir: PathBuf,
    owner: bool,
}

impl Records {
    /// An empty directory for the records of one test.
    pub fn new(test: &str) -> Self {
        let dir = scratch_path(&format!("records-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a records directory");
        Self { dir, owner: true }
    }

    /// The environment variable that makes a worker process write here.
    pub fn env(&self) -> (&'static str, &str) {
        (
            "TEST_WORKER_RECORDS",
            self.dir.to_str().expect("a UTF-8 temp dir"),
        )
    }

    /// Every record so far, from every process.
    pub fn read(&self) -> Vec<Record> {
        let mut records = Vec::new();
        for entry in std::fs::read_dir(&self.dir).expect("the records directory") {
            let text = std::fs::read_to_string(entry.expect("a record file").path())
                .expect("a record file reads");
            records.extend(text.lines().map(parse));
        }
        records
    }

    /// The attempts (activity id, attempt) that process `pid` started and did not finish:
    /// those a kill cut short.
    pub fn unfinished_on(&self, pid: u32) -> Vec<(String, u32)> {
        let records = self.read();
        let of_pid = |event| {
            records
                .iter()
                .filter(move |record| record.pid == pid && record.event == event)
                .map(|record| (record.activity_id.clone(), record.attempt))
        };
        let finished = of_pid(Event::Finished).collect::<std::collections::BTreeSet<_>>();
        of_pid(Event::Started)
            .filter(|attempt| !finished.contains(attempt))
            .collect()
    }

    /// Every record of `event`.
    pub fn of(&self, event: Event) -> Vec<Record> {
        let mut records = self.read();
        records.retain(|record| record.event == event);
        records
    }

    /// Waits until `count` records of `event` exist, and returns them; fails the test after a
    /// minute.
    pub async fn until(&self, event: Event, count: usize) -> Vec<Record> {
        super::deadline::within(
            std::time::Duration::from_secs(60),
            &format!("{count} records of {event:?}"),
            async {
                loop {
                    let records = self.of(event);
                    if records.len() >= count {
                        return records;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
            },
        )
        .await
    }

    /// How many records of `event` each activity has.
    pub fn count_by_activity(&self, event: Event) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for record in self
            .read()
            .into_iter()
            .filter(|record| record.event == event)
        {
            *counts.entry(record.activity_id).or_default() += 1;
        }
        counts
    }
}

impl Clone for Records {
    fn clone(&self) -> Self {
        Self {
            dir: self.dir.clone(),
            owner: false,
        }
    }
}

impl Drop for Records {
    fn drop(&mut self) {
        if self.owner {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

fn parse(line: &str) -> Record {
    let fields = line.splitn(5, ' ').collect::<Vec<_>>();
    let (event, activity_id, attempt, pid, detail) = match fields[..] {
        [event, activity_id, attempt, pid] => (event, activity_id, attempt, pid, ""),
        [event, activity_id, attempt, pid, detail] => (event, activity_id, attempt, pid, detail),
        _ => panic!("a malformed record: {line:?}"),
    };
    Record {
        event: match event {
            "started" => Event::Started,
            "finished" => Event::Finished,
            "cancelled" => Event::Cancelled,
            "shutdown" => Event::Shutdown,
            other => panic!("an unknown event {other:?} in {line:?}"),
        },
        activity_id: activity_id.to_string(),
        attempt: attempt.parse().expect("an attempt number"),
        pid: pid.parse().expect("a process id"),
        detail: detail.to_string(),
    }
}
