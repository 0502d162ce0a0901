//! The TypeScript SDK (`@temporalio/*` 1.24.0, pinned in `tests/typescript/package-lock.json`)
//! as a second foreign peer: a TypeScript workflow, on a TypeScript worker, calls our
//! activities by name, and receives values, several arguments, `undefined` (`binary/null`),
//! `Uint8Array` as `binary/plain`, a typed failure with its details and cause, heartbeat
//! details across retries, a retry delayed as the failure asked, and a cancellation, as it would
//! from a TypeScript activity.

use std::sync::Mutex;

use activity_runtime::client::signal_workflow;
use activity_runtime::context::CancellationDetails;
use activity_runtime::{ActivityContext, ActivityError, activity, activity_set};
use serde_json::json;

use crate::python::{
    compute_total, decline_payment, greet_many, rename_customer, resume_from_heartbeat, shout,
};
use crate::support::{peers, server};

/// What a `binary/null` argument decodes as.
#[activity]
async fn describe_nothing(value: Option<String>) -> String {
    format!("{value:?}")
}

/// Returns `()`, which leaves as `binary/null`.
#[activity]
async fn return_nothing() {}

/// Bytes in and out, as `binary/plain`.
#[activity]
fn reverse_bytes(mut data: Vec<u8>) -> Vec<u8> {
    data.reverse();
    data
}

/// Fails its first attempt asking for the retry `delay_ms` later, longer than the retry
/// policy's interval; the retry returns how long after the first attempt it was scheduled.
#[activity]
async fn retry_later(ctx: ActivityContext, delay_ms: u64) -> Result<u64, ActivityError> {
    let info = ctx.info();
    if info.attempt == 1 {
        return Err(ActivityError::new("not yet")
            .with_next_retry_delay(std::time::Duration::from_millis(delay_ms)));
    }
    let (Some(first), Some(this)) = (info.scheduled_time, info.current_attempt_scheduled_time)
    else {
        return Err(ActivityError::new("the info lacks its schedule times").non_retryable());
    };
    let gap = this.duration_since(first).unwrap_or_default();
    Ok(gap.as_millis() as u64)
}

/// How each attempt of `until_cancelled` was asked to stop, by workflow id.
static CANCELLED: Mutex<Vec<(String, Option<CancellationDetails>)>> = Mutex::new(Vec::new());

/// Tells its workflow that it runs, then heartbeats until cancelled.
#[activity]
async fn until_cancelled(ctx: ActivityContext) -> Result<(), ActivityError> {
    let workflow = ctx.info().workflow.clone().expect("called by a workflow");
    signal_workflow(ctx.client()?, &workflow.workflow_id, "running", ()).await?;
    loop {
        ctx.heartbeat(&"waiting");
        tokio::select! {
            () = ctx.cancelled() => {
                CANCELLED
                    .lock()
                    .unwrap()
                    .push((workflow.workflow_id, ctx.cancellation_details()));
                return Err(ActivityError::cancelled());
            }
            () = tokio::time::sleep(std::time::Duration::from_millis(100)) => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_typescript_workflow_calls_our_activities_and_reads_them_as_its_own() {
    let queue = server::task_queue("typescript");
    let worker = server::start_worker(
        &queue,
        activity_set![
            greet_many,
            describe_nothing,
            return_nothing,
            reverse_bytes,
            rename_customer,
            shout,
            compute_total,
            decline_payment,
            resume_from_heartbeat,
            retry_later,
            until_cancelled
        ],
    )
    .await;
    let workflow_id = server::task_queue("typescript-calls");
    let read: serde_json::Value =
        peers::typescript("call_rust_activities.js", &["plain", &queue, &workflow_id]).await;
    worker.stop().await;
    let mut read = read;
    let retried_after = read
        .as_object_mut()
        .and_then(|read| read.remove("retriedAfterMs"))
        .and_then(|gap| gap.as_u64())
        .expect("the retry's delay");
    assert!(
        retried_after >= 2_000,
        "the retry waited the delay the failure asked for, not the policy's 100 ms: {retried_after} ms"
    );
    assert_eq!(
        read,
        json!({
            "greet": "Hi, Ann! Hi, Bo!",
            "greetTwoArguments": "Hi, Ann!",
            "nothing": "None",
            "returnedNothing": true,
            "bytes": { "isUint8Array": true, "values": [255, 1, 0] },
            "customer": {
                "name": "Zoë",
                "tags": ["vip", "renamed"],
                "address": { "street": "1 Rue d'Été", "city": "Paris" },
                "nickname": "Zoé",
            },
            "unicode": "HÉLLO ✓ 日本 🎉",
            "total": 360,
            "error": {
                "type": "PaymentDeclined",
                "message": "card declined with code 51",
                "nonRetryable": true,
                "details": [{ "code": 51, "retry": false }],
                "causes": ["the issuer answered 51"],
            },
            "resumed": 3,
            "cancelled": true,
        })
    );
    let cancelled = CANCELLED.lock().unwrap().clone();
    let seen = cancelled
        .iter()
        .find(|(id, _)| *id == workflow_id)
        .and_then(|(_, details)| *details);
    assert_eq!(
        seen,
        Some(CancellationDetails::requested()),
        "the activity saw the workflow's cancellation: {cancelled:?}"
    );
}
