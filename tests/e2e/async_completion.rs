//! Activities that finish outside their function: one hands its completion off with
//! `ActivityError::complete_async()`, the worker tells the server and frees the slot, and a
//! client completes the activity later by its task token.

use std::sync::{Arc, Mutex};
use std::time::Duration;

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
    let worker = Worker::builder(&queue, activity_set![await_approval, quick])
        .connection(server::connection())
        .shared_state(Arc::clone(&pending))
        // One slot: the second activity runs only if the first gave its slot back.
        .max_concurrent_activities(1)
        .build()
        .await
        .expect("the worker starts");
    let running = server::RunningWorker::run(worker);
    let client = calls::client().await;
    let approval = start::<String>(
        &client,
        "await_approval",
        ("refund 7".to_string(),),
        options(&queue, Duration::from_secs(60), None, 1),
    )
    .await;
    let token = within(Duration::from_secs(30), "the handed-off token", async {
        loop {
            if let Some(token) = pending.0.lock().unwrap().first().cloned() {
                return token;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
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
        .get_async_activity_handle(ActivityIdentifier::from_task_token(TaskToken::from(token)))
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
