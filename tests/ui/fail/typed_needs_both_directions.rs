// The official `ActivityDefinition` needs a result that also deserializes: an activity whose
// result only serializes compiles, but cannot be started through the official API.
use activity_runtime::activity;
use temporalio_common::ActivityDefinition;

#[derive(serde::Serialize)]
pub struct Report {
    pub lines: u32,
}

#[activity]
async fn report() -> Report {
    Report { lines: 1 }
}

fn start<D: ActivityDefinition>(_: D) {}

fn main() {
    start(report::ACTIVITY);
}
