//! `ActivityContext::client`: inside an activity, a client on the worker's own connection,
//! namespace and codec, used here by a blocking activity to complete another activity that
//! handed its completion off (`async_completion`'s `await_approval`): on our worker (its
//! codec applied to what the client sends), on the official SDK's worker, and in
//! `ActivityEnvironment` given a client of the dev server. A workflow signalled from an
//! activity is in `async_completion`; here, a signal to a workflow that is not running, and
//! the worker's client interceptor seeing what activities send through their client.

use std::sync::Arc;
use std::time::Duration;

use activity_runtime::client::{AsyncCompletion, ExecuteError, signal_workflow};
use activity_runtime::context::TaskToken;
use activity_runtime::official;
use activity_runtime::payload::codec::EncryptionCodec;
use activity_runtime::testing::ActivityEnvironment;
use activity_runtime::{ActivityContext, ActivityError, Worker, activity, activity_set};
use futures::future::BoxFuture;
use temporalio_client::errors::WorkflowInteractionError;
use temporalio_client::{ClientInterceptor, Next as ClientNext, SignalWorkflowInput};
use temporalio_common::UntypedActivity;
use temporalio_sdk::WorkerOptions;

use crate::async_completion::{Requests, approvals, await_approval, handed_off, start_approval};
use crate::official_sdk::beside_official_worker;
use crate::support::calls::{self, options, result_within, start};
use crate::support::server;

/// Completes the waiting activity of `token` with `by`, blocking, on the worker's own client.
#[activity]
fn approve(ctx: ActivityContext, token: Vec<u8>, by: String) -> Result<(), ActivityError> {
    let completion = AsyncCompletion::by_token(ctx.client()?, &TaskToken::from(token));
    tokio::runtime::Handle::current().block_on(completion.complete(&by))?;
    Ok(())
}

fn codec() -> EncryptionCodec {
    EncryptionCodec::new("client-test-key", b"a-32-byte-key-for-ctx-client-tst").expect("32 bytes")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocking_activity_completes_another_on_the_workers_client_with_its_codec() {
    let queue = server::task_queue("ctx-client");
    let requests = Arc::new(Requests::default());
    let running = server::start_worker_with(
        Worker::builder(&queue, activity_set![await_approval, approve])
            .shared_state(Arc::clone(&requests))
            .codec(codec()),
    )
    .await;
    let client = server::connection()
        .client_with_codec(codec())
        .await
        .expect("a client");
    let (waiting, _) = start_approval(&client, &queue, "refund 12", 1).await;
    let token = handed_off(&requests, 0).await.token;
    let approval = start::<()>(
        &client,
        "approve",
        (token.as_bytes().to_vec(), "a colleague".to_string()),
        options(&queue, Duration::from_secs(30), None, 1),
    )
    .await;
    result_within(&approval, Duration::from_secs(30))
        .await
        .expect("the approving activity succeeds");
    assert_eq!(
        result_within(&waiting, Duration::from_secs(30))
            .await
            .expect("completed by the other activity"),
        "a colleague"
    );
    // Read without the codec: the result as the server stores it.
    let plain = calls::client().await;
    let stored = plain
        .get_activity_handle(
            UntypedActivity::new("await_approval"),
            waiting.handle().activity_id(),
            None,
        )
        .result()
        .await
        .expect("the stored result");
    let encoding = stored.payloads[0]
        .metadata
        .get("encoding")
        .map(|value| String::from_utf8_lossy(value).into_owned());
    assert_eq!(
        encoding.as_deref(),
        Some("binary/encrypted"),
        "ctx.client() encodes with the worker's codec"
    );
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_the_official_worker_ctx_client_is_that_workers_client() {
    let (queue, requests, running) = approvals("ctx-client-waiting").await;
    let client = calls::client().await;
    let (waiting, _) = start_approval(&client, &queue, "refund 13", 1).await;
    let token = handed_off(&requests, 0).await.token;
    let official_queue = server::task_queue("ctx-client-official");
    let activities = official::Activities::builder(activity_set![approve])
        .build()
        .expect("the set is valid");
    let options_for_official = WorkerOptions::new(official_queue.as_str())
        .register_activities(activities)
        .build();
    beside_official_worker(&client, options_for_official, async {
        let approval = start::<()>(
            &client,
            "approve",
            (token.as_bytes().to_vec(), "the official worker".to_string()),
            options(&official_queue, Duration::from_secs(30), None, 1),
        )
        .await;
        result_within(&approval, Duration::from_secs(30))
            .await
            .expect("the approving activity succeeds");
    })
    .await;
    assert_eq!(
        result_within(&waiting, Duration::from_secs(30))
            .await
            .unwrap(),
        "the official worker"
    );
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_test_environment_given_a_client_lends_it_to_the_activity() {
    let (queue, requests, running) = approvals("ctx-client-env").await;
    let client = calls::client().await;
    let (waiting, _) = start_approval(&client, &queue, "refund 14", 1).await;
    let token = handed_off(&requests, 0).await.token;
    let env = ActivityEnvironment::builder(activity_set![approve])
        .client(client.clone())
        .build()
        .expect("the environment");
    env.run(
        approve::ACTIVITY,
        (token.as_bytes().to_vec(), "a test".to_string()),
    )
    .await
    .expect("approved from the test environment");
    assert_eq!(
        result_within(&waiting, Duration::from_secs(30))
            .await
            .unwrap(),
        "a test"
    );
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signalling_a_workflow_that_is_not_running_names_it_and_the_namespace() {
    let client = calls::client().await;
    let error = signal_workflow(&client, "no-such-workflow", "approval_requested", ())
        .await
        .expect_err("nothing to signal");
    assert!(
        matches!(error, ExecuteError::WorkflowNotFound { .. }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "no workflow `no-such-workflow` is running in namespace `default`"
    );
}

/// Signals `workflow_id` with `poke` through the worker's client, and returns what happened.
#[activity]
async fn poke(ctx: ActivityContext, workflow_id: String) -> Result<String, ActivityError> {
    Ok(
        match signal_workflow(ctx.client()?, &workflow_id, "poke", ()).await {
            Ok(()) => "delivered".to_string(),
            Err(error) => error.to_string(),
        },
    )
}

/// Records the signals that go through it, by workflow and name.
#[derive(Clone, Default)]
struct SeenSignals(Arc<std::sync::Mutex<Vec<String>>>);

impl ClientInterceptor for SeenSignals {
    fn signal_workflow<'a>(
        &'a self,
        input: SignalWorkflowInput,
        next: ClientNext<
            'a,
            SignalWorkflowInput,
            BoxFuture<'a, Result<(), WorkflowInteractionError>>,
        >,
    ) -> BoxFuture<'a, Result<(), WorkflowInteractionError>> {
        self.0
            .lock()
            .unwrap()
            .push(format!("{} {}", input.workflow_id, input.signal_name));
        next.run(input)
    }
}

/// The worker's `client_interceptor` sees the calls its activities make through
/// `ctx.client()`: the outbound hook on what an activity sends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_interceptor_sees_what_activities_send_through_ctx_client() {
    let seen = SeenSignals::default();
    let queue = server::task_queue("client-interceptor");
    let worker = server::start_worker_with(
        Worker::builder(&queue, activity_set![poke]).client_interceptor(seen.clone()),
    )
    .await;
    let client = calls::client().await;
    let poked = start::<String>(
        &client,
        "poke",
        ("nowhere-to-poke",),
        options(&queue, Duration::from_secs(30), None, 1),
    )
    .await;
    let answer = result_within(&poked, Duration::from_secs(30))
        .await
        .expect("the activity completes");
    assert!(answer.contains("no workflow `nowhere-to-poke`"), "{answer}");
    assert_eq!(*seen.0.lock().unwrap(), ["nowhere-to-poke poke"]);
    worker.stop().await;
}
