//! Activities that finish outside their function: one hands its completion off with
//! `ActivityError::complete_async()`, the worker tells the server and frees the slot, and a
//! client completes, fails, cancels or heartbeats the activity later, by its task token or its
//! ids, with our `AsyncCompletion` or the official client's handle.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use activity_runtime::client::{AsyncCompletion, CompletionError};
use activity_runtime::context::TaskToken as OurTaskToken;
use activity_runtime::{ActivityContext, ActivityError, State, Worker, activity, activity_set};
use temporalio_client::{ActivityIdentifier, RpcOptions};
use temporalio_common::protos::TaskToken;

use crate::support::calls::{self, options, result_within, start};
use crate::support::deadline::within;
use crate::support::server;

/// Task tokens of activities waiting for someone to complete them.
#[derive(Default)]
struct Pending(Mutex<Vec<Vec<u8>>>);

#[activity]
async fn await_approval(
    ctx: ActivityContext,
    pending: State<Pending>,
    _request: String,
) -> Result<String, ActivityError> {
    let token = ctx.info().task_token.as_bytes().to_vec();
    pending.0.lock().unwrap().push(token);
    Err(ActivityError::complete_async())
}

#[activity]
async fn quick() -> u32 {
    7
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handed_off_activity_frees_its_slot_and_completes_by_its_token() {
    let queue = server::task_queue("complete-async");
    let pending = Arc::new(Pending::default());
    let running = server::start_worker_with(
        Worker::builder(&queue, activity_set![await_approval, quick])
            .shared_state(Arc::clone(&pending))
            // One slot: the second activity runs only if the first gave its slot back.
            .max_concurrent_activities(1),
    )
    .await;
    let client = calls::client().await;
    let approval = start::<String>(
        &client,
        "await_approval",
        ("refund 7".to_string(),),
        options(&queue, Duration::from_secs(60), None, 1),
    )
    .await;
    let token = handed_off(&pending, 0).await;
    let other = start::<u32>(
        &client,
        "quick",
        (),
        options(&queue, Duration::from_secs(10), None, 1),
    )
    .await;
    assert_eq!(
        result_within(&other, Duration::from_secs(30))
            .await
            .unwrap(),
        7,
        "the slot was freed"
    );
    client
        .get_async_activity_handle(ActivityIdentifier::from_task_token(TaskToken::from(
            token.into_bytes(),
        )))
        .complete(Some("approved".to_string()), RpcOptions::default())
        .await
        .expect("the server takes the completion");
    assert_eq!(
        result_within(&approval, Duration::from_secs(30))
            .await
            .expect("completed from outside"),
        "approved"
    );
    running.stop().await;
}

/// A worker serving `await_approval` on a queue of its own, and what its attempts handed off.
async fn approvals(test: &str) -> (String, Arc<Pending>, server::RunningWorker) {
    let queue = server::task_queue(test);
    let pending = Arc::new(Pending::default());
    let running = server::start_worker_with(
        Worker::builder(&queue, activity_set![await_approval]).shared_state(Arc::clone(&pending)),
    )
    .await;
    (queue, pending, running)
}

/// The token of the `n`th hand-off, once it happened.
async fn handed_off(pending: &Pending, n: usize) -> OurTaskToken {
    within(Duration::from_secs(30), "the hand-off", async {
        loop {
            if let Some(token) = pending.0.lock().unwrap().get(n).cloned() {
                return OurTaskToken::from(token);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_handle_heartbeats_then_completes_by_token_and_fails_by_id() {
    let (queue, pending, running) = approvals("async-handle").await;
    let client = calls::client().await;
    let approved = start::<String>(
        &client,
        "await_approval",
        ("refund 8".to_string(),),
        options(&queue, Duration::from_secs(60), None, 1),
    )
    .await;
    let completion = AsyncCompletion::by_token(&client, &handed_off(&pending, 0).await);
    let response = completion
        .heartbeat(&"reviewing")
        .await
        .expect("a heartbeat");
    assert!(!response.cancel_requested);
    completion
        .complete("approved by our handle")
        .await
        .expect("completed");
    assert_eq!(
        result_within(&approved, Duration::from_secs(30))
            .await
            .unwrap(),
        "approved by our handle"
    );
    let again = completion.complete("twice").await.unwrap_err();
    assert!(
        matches!(again, CompletionError::NotFound { .. }),
        "{again:?}"
    );
    assert!(
        again
            .to_string()
            .contains("is not waiting for a completion"),
        "{again}"
    );

    let refused_options = options(&queue, Duration::from_secs(60), None, 3);
    let activity_id = refused_options.id.clone();
    let refused = start::<String>(
        &client,
        "await_approval",
        ("refund 9".to_string(),),
        refused_options,
    )
    .await;
    handed_off(&pending, 1).await;
    AsyncCompletion::standalone(&client, &activity_id, "")
        .fail(
            ActivityError::new("refund refused")
                .with_type("RefundRefused")
                .non_retryable(),
        )
        .await
        .expect("failed by its id");
    let error = result_within(&refused, Duration::from_secs(30))
        .await
        .expect_err("the failure reaches the caller");
    let activity_runtime::client::ExecuteError::Result(error) = error else {
        panic!("{error:?}");
    };
    let (error_type, non_retryable, message) = calls::application_failure(*error);
    assert_eq!(
        (error_type.as_str(), non_retryable, message.as_str()),
        ("RefundRefused", true, "refund refused")
    );
    assert_eq!(pending.0.lock().unwrap().len(), 2, "not retried");
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_heartbeat_from_outside_learns_of_the_cancellation_and_reports_it() {
    let (queue, pending, running) = approvals("async-cancel").await;
    let client = calls::client().await;
    let activity = start::<String>(
        &client,
        "await_approval",
        ("refund 10".to_string(),),
        options(
            &queue,
            Duration::from_secs(60),
            Some(Duration::from_secs(30)),
            1,
        ),
    )
    .await;
    let completion = AsyncCompletion::by_token(&client, &handed_off(&pending, 0).await);
    activity
        .cancel("the customer withdrew")
        .await
        .expect("cancel requested");
    let response = completion
        .heartbeat(&"reviewing")
        .await
        .expect("a heartbeat");
    assert!(response.cancel_requested, "{response:?}");
    completion.report_cancellation().await.expect("reported");
    let error = result_within(&activity, Duration::from_secs(30))
        .await
        .expect_err("cancelled");
    assert!(format!("{error:?}").contains("Cancel"), "{error:?}");
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_token_is_refused_naming_what_was_addressed() {
    let client = calls::client().await;
    let error = AsyncCompletion::by_token(&client, &OurTaskToken::from(b"no such token".to_vec()))
        .complete(&1u32)
        .await
        .expect_err("refused");
    let message = error.to_string();
    assert!(message.contains("13-byte task token"), "{message}");
    assert!(
        message.contains("Error deserializing task token"),
        "the server's reason: {message}"
    );
}
