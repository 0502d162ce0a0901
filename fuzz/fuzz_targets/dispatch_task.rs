//! Any activity task, dispatched to typed functions through the worker's dispatcher, ends in
//! an outcome: never a panic that escapes.
#![no_main]

mod common;

use std::sync::OnceLock;

use activity_runtime::testing::ActivityEnvironment;
use activity_runtime::{activity, activity_set};
use libfuzzer_sys::fuzz_target;
use serde::Deserialize;

#[derive(Deserialize)]
struct Order {
    id: u64,
    lines: Vec<(String, u32)>,
}

#[activity]
async fn typed(count: u32, label: String, order: Option<Order>) -> String {
    let lines = order.as_ref().map_or(0, |order| order.lines.len());
    format!("{label}:{count}:{}:{lines}", order.map_or(0, |order| order.id))
}

#[activity]
fn blocking(values: Vec<i64>) -> i64 {
    values.iter().fold(0i64, |sum, value| sum.wrapping_add(*value))
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap())
}

fuzz_target!(|input: (u8, Vec<common::RawPayload>)| {
    let (which, raws) = input;
    let activity = ["typed", "blocking", "unregistered"][usize::from(which) % 3];
    let arguments = raws.into_iter().map(common::RawPayload::into_payload).collect();
    runtime().block_on(async {
        let env = ActivityEnvironment::new(activity_set![typed, blocking]).unwrap();
        if let Err(error) = env.run_payloads(activity, arguments).await {
            assert!(!error.message().contains("panicked"), "{}", error.message());
        }
    });
});
