//! The Python SDK (`temporalio` from PyPI) as a real client of our activities on a real dev
//! server: a Python workflow calls them by name, and `client.execute_activity` runs them as
//! standalone activities. Arguments of every kind, errors with their stack traces, panics, and
//! heartbeat details arrive in Python as a Python activity's would.

use crate::support::server;
use activity_runtime::payload::ByteBuf;
use activity_runtime::{ActivityContext, ActivityError, activity, activity_set};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Serialize, Deserialize)]
pub(crate) struct Address {
    street: String,
    city: String,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct Customer {
    name: String,
    tags: Vec<String>,
    address: Address,
    nickname: Option<String>,
}

#[activity]
pub(crate) async fn greet_many(
    greeting: String,
    names: Vec<String>,
    punctuation: Option<String>,
) -> String {
    let punctuation = punctuation.unwrap_or_else(|| "!".into());
    names
        .iter()
        .map(|name| format!("{greeting}, {name}{punctuation}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[activity]
fn reverse_bytes(data: ByteBuf) -> ByteBuf {
    let mut data = data.into_vec();
    data.reverse();
    ByteBuf::from(data)
}

#[activity]
pub(crate) async fn rename_customer(mut customer: Customer, nickname: String) -> Customer {
    customer.nickname = Some(nickname);
    customer.tags.push("renamed".into());
    customer
}

#[activity]
pub(crate) async fn shout(text: String) -> String {
    text.to_uppercase()
}

#[activity]
pub(crate) fn compute_total(prices: Vec<u64>, discount_percent: u64) -> u64 {
    prices.iter().sum::<u64>() * (100 - discount_percent) / 100
}

/// The line of `decline_payment` that makes its failure, which its stack trace names.
const DECLINED_AT: u32 = line!() + 7;

/// A typed, non-retryable failure with details, a cause and a retry delay.
#[activity]
pub(crate) async fn decline_payment(code: u32) -> Result<(), ActivityError> {
    let declined = anyhow::anyhow!("the issuer answered {code}")
        .context(format!("card declined with code {code}"));
    Err(ActivityError::from(declined)
        .with_type("PaymentDeclined")
        .non_retryable()
        .with_next_retry_delay(std::time::Duration::from_secs(3))
        .with_details(&json!({ "code": code, "retry": false }))?)
}

/// Heartbeats its progress, fails the first attempt, and resumes from the last details.
#[activity]
pub(crate) fn resume_from_heartbeat(ctx: ActivityContext, to: u64) -> Result<u64, ActivityError> {
    if let Some(done) = ctx.last_heartbeat_details::<u64>()? {
        return Ok(done);
    }
    for done in 1..=to {
        ctx.heartbeat(&done);
    }
    Err(ActivityError::new(
        "the first attempt fails after heartbeating",
    ))
}

/// The line of `check_stock`'s panic.
const PANICKED_AT: u32 = line!() + 5;

/// Panics, as a bug would.
#[activity]
fn check_stock(sku: String) -> u32 {
    panic!("no stock table for {sku}")
}

fn expected() -> serde_json::Value {
    json!({
        "greet": "Hi, Ann! Hi, Bo!",
        "greet_two_args": "Hi, Ann!",
        "bytes": [255, 1, 0],
        "customer": {
            "name": "Zoë",
            "tags": ["vip", "renamed"],
            "address": {"street": "1 Rue d'Été", "city": "Paris"},
            "nickname": "Zoé",
        },
        "unicode": "HÉLLO ✓ 日本 🎉",
        "total": 360,
        "error": {
            "class": "ApplicationError",
            "type": "PaymentDeclined",
            "message": "card declined with code 51",
            "non_retryable": true,
            "details": [{"code": 51, "retry": false}],
        },
        "panic": {
            "class": "ApplicationError",
            "type": "Panic",
            "message": "activity panicked: no stock table for A-17",
            "non_retryable": false,
            "details": [],
        },
        "resumed": 3,
    })
}

async fn python_calls(mode: &'static str) -> serde_json::Value {
    let queue = server::task_queue(&format!("python-{mode}"));
    let worker = server::start_worker(
        &queue,
        activity_set![
            greet_many,
            reverse_bytes,
            rename_customer,
            shout,
            compute_total,
            decline_payment,
            check_stock,
            resume_from_heartbeat
        ],
    )
    .await;
    let mut result =
        crate::support::peers::python("call_rust_activities.py", &[&queue, mode]).await;
    worker.stop().await;
    let declined = take_stack_trace(&mut result, "error");
    let first_line = format!("at {}:{DECLINED_AT}:", file!());
    assert!(
        declined.starts_with(&first_line) && declined.contains("caused by: the issuer answered 51"),
        "{mode}: Python reads where the error was made, then its cause: {declined}"
    );
    let panicked = take_stack_trace(&mut result, "panic");
    let site = format!("panicked at {}:{PANICKED_AT}:", file!());
    assert!(
        panicked.starts_with(&site),
        "{mode}: Python reads the panic's line: {panicked}"
    );
    println!(
        "python {mode}: the stack traces Python read:\n{declined}\n---\n{}",
        panicked.lines().take(3).collect::<Vec<_>>().join("\n")
    );
    result
}

/// Removes `Failure.stack_trace` from what Python reported of the failure at `key`.
fn take_stack_trace(result: &mut serde_json::Value, key: &str) -> String {
    let shown = result.to_string();
    let failure = result[key]
        .as_object_mut()
        .unwrap_or_else(|| panic!("no `{key}` failure in {shown}"));
    match failure.remove("stack_trace") {
        Some(serde_json::Value::String(stack_trace)) => stack_trace,
        other => panic!("`{key}` has no stack trace: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_python_workflow_calls_rust_activities_by_name() {
    assert_eq!(python_calls("workflow").await, expected());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_executes_rust_activities_as_standalone_activities() {
    assert_eq!(python_calls("standalone").await, expected());
}
