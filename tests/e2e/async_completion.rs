//! Activities that finish outside their function: one hands its completion off with
//! `ActivityError::complete_async()`, the worker tells the server and frees the slot, and a
//! client completes, fails, cancels or heartbeats the activity later, by its task token or its
//! ids: our `AsyncCompletion` (in-process, or in another process as the `async_completion`
//! example), the official client's handle, Python's `get_async_activity_handle`, the Temporal
//! CLI; and ours completes what a Python activity handed off.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use activity_runtime::client::{
    AsyncCompletion, CompletionError, StartedActivity, signal_workflow,
};
use activity_runtime::context::TaskToken as OurTaskToken;
use activity_runtime::{ActivityContext, ActivityError, State, Worker, activity, activity_set};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};
use serde_json::json;
use temporalio_client::{ActivityIdentifier, RpcOptions};
use temporalio_common::protos::TaskToken;

use crate::examples::example;
use crate::support::calls::{self, options, result_within, start};
use crate::support::deadline::within;
use crate::support::{cli, peers, process, server};

/// What a hand-off leaves for whoever completes the activity.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub(crate) token: OurTaskToken,
    /// Empty for a standalone activity.
    workflow_id: String,
    run_id: String,
    activity_id: String,
}

/// The activities that handed their completion off, in order.
#[derive(Default)]
pub(crate) struct Requests(Mutex<Vec<Request>>);

impl Requests {
    fn push(&self, ctx: &ActivityContext) {
        let info = ctx.info();
        let workflow = info.workflow.as_ref();
        self.0.lock().unwrap().push(Request {
            token: info.task_token.clone(),
            workflow_id: workflow.map(|w| w.workflow_id.clone()).unwrap_or_default(),
            run_id: workflow.map(|w| w.run_id.clone()).unwrap_or_default(),
            activity_id: info.activity_id.clone(),
        });
    }
}

#[activity]
pub(crate) async fn await_approval(
    ctx: ActivityContext,
    requests: State<Requests>,
    _request: String,
) -> Result<String, ActivityError> {
    requests.push(&ctx);
    Err(ActivityError::complete_async())
}

#[derive(Debug, Serialize, Deserialize)]
struct Refund {
    order: String,
    amount_cents: u64,
}

/// The example's result type, as the Python workflow and the CLI write it too.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Approval {
    approved: bool,
    by: String,
}

/// Hands its completion off and, called by a workflow, tells the workflow so with a signal
/// sent on the worker's own client.
#[activity]
async fn request_approval(
    ctx: ActivityContext,
    requests: State<Requests>,
    _refund: Refund,
) -> Result<Approval, ActivityError> {
    requests.push(&ctx);
    if let Some(workflow) = &ctx.info().workflow {
        let activity_id = ctx.info().activity_id.clone();
        signal_workflow(
            ctx.client()?,
            &workflow.workflow_id,
            "approval_requested",
            (activity_id,),
        )
        .await?;
    }
    Err(ActivityError::complete_async())
}

#[activity]
async fn quick() -> u32 {
    7
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handed_off_activity_frees_its_slot_and_completes_by_its_token() {
    let queue = server::task_queue("complete-async");
    let requests = Arc::new(Requests::default());
    let running = server::start_worker_with(
        Worker::builder(&queue, activity_set![await_approval, quick])
            .shared_state(Arc::clone(&requests))
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
    let token = handed_off(&requests, 0).await.token;
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

/// A worker serving `await_approval` and `request_approval` on a queue of its own, and what
/// its attempts handed off.
pub(crate) async fn approvals(test: &str) -> (String, Arc<Requests>, server::RunningWorker) {
    let queue = server::task_queue(test);
    let requests = Arc::new(Requests::default());
    let running = server::start_worker_with(
        Worker::builder(&queue, activity_set![await_approval, request_approval])
            .shared_state(Arc::clone(&requests)),
    )
    .await;
    (queue, requests, running)
}

/// Starts `await_approval` for `request` as a standalone activity on `queue`, with up to
/// `attempts` attempts, and returns it with its activity id.
pub(crate) async fn start_approval(
    client: &activity_runtime::client::Client,
    queue: &str,
    request: &str,
    attempts: u32,
) -> (StartedActivity<String>, String) {
    let start_options = options(queue, Duration::from_secs(60), None, attempts);
    let activity_id = start_options.id.clone();
    let started = start::<String>(
        client,
        "await_approval",
        (request.to_string(),),
        start_options,
    )
    .await;
    (started, activity_id)
}

/// The `n`th hand-off, once it happened.
pub(crate) async fn handed_off(requests: &Requests, n: usize) -> Request {
    within(Duration::from_secs(30), "the hand-off", async {
        loop {
            if let Some(request) = requests.0.lock().unwrap().get(n).cloned() {
                return request;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_handle_heartbeats_then_completes_by_token_and_fails_by_id() {
    let (queue, requests, running) = approvals("async-handle").await;
    let client = calls::client().await;
    let approved = start::<String>(
        &client,
        "await_approval",
        ("refund 8".to_string(),),
        options(&queue, Duration::from_secs(60), None, 1),
    )
    .await;
    let completion = AsyncCompletion::by_token(&client, &handed_off(&requests, 0).await.token);
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

    let (refused, activity_id) = start_approval(&client, &queue, "refund 9", 3).await;
    handed_off(&requests, 1).await;
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
    assert_eq!(requests.0.lock().unwrap().len(), 2, "not retried");
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_heartbeat_from_outside_learns_of_the_cancellation_and_reports_it() {
    let (queue, requests, running) = approvals("async-cancel").await;
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
    let completion = AsyncCompletion::by_token(&client, &handed_off(&requests, 0).await.token);
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

/// An operator's pause or reset of a handed-off activity reaches whoever heartbeats it, so
/// that it can stop as a worker would.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_heartbeat_from_outside_learns_of_a_pause_and_of_a_reset() {
    let (queue, requests, running) = approvals("async-operator").await;
    let client = calls::client().await;
    for (n, action) in ["pause", "reset"].into_iter().enumerate() {
        let (_activity, activity_id) = start_approval(&client, &queue, action, 2).await;
        let completion = AsyncCompletion::by_token(&client, &handed_off(&requests, n).await.token);
        let before = completion
            .heartbeat(&"reviewing")
            .await
            .expect("a heartbeat");
        assert!(!before.paused && !before.reset, "{action}: {before:?}");
        cli::temporal(&["activity", action, "--activity-id", &activity_id]).await;
        let after = completion
            .heartbeat(&"reviewing")
            .await
            .expect("a heartbeat");
        assert_eq!(
            (after.paused, after.reset, after.cancel_requested),
            (action == "pause", action == "reset", false),
            "{action}: {after:?}"
        );
    }
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

/// Runs the `async_completion` example as a separate process that completes, fails or watches
/// an activity on the shared server, and returns what it printed.
async fn completer(args: &[&str]) -> String {
    let mut command = process::command(example("async_completion"));
    command.args(args).args(["--address", server::address()]);
    let what = format!("the completer {args:?}");
    let output = tokio::task::spawn_blocking(move || {
        process::output_within(command, Duration::from_secs(90), &what)
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "the completer failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Starts the Python workflow that calls `request_approval` on `queue`, in `mode`.
fn python_workflow(queue: &str, mode: &str) -> tokio::task::JoinHandle<serde_json::Value> {
    let (queue, mode) = (queue.to_string(), mode.to_string());
    tokio::spawn(
        async move { peers::python("async_completion.py", &["workflow", &queue, &mode]).await },
    )
}

fn base64_of(token: &OurTaskToken) -> String {
    BASE64.encode(token.as_bytes())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_python_workflow_gets_the_typed_result_another_process_completed_by_token() {
    let (queue, requests, running) = approvals("async-python-result").await;
    let workflow = python_workflow(&queue, "result");
    let request = handed_off(&requests, 0).await;
    let printed = completer(&[
        "approve",
        "--token",
        &base64_of(&request.token),
        "--by",
        "alice",
    ])
    .await;
    assert!(
        printed.starts_with("approved the activity of a"),
        "{printed}"
    );
    let out = workflow.await.unwrap();
    assert_eq!(out["outcome"], "completed", "{out}");
    assert_eq!(out["result"], json!({"approved": true, "by": "alice"}));
    assert_eq!(
        out["requested"], request.activity_id,
        "the activity signalled its workflow on `ctx.client()`"
    );
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_python_workflow_sees_the_typed_non_retryable_failure_sent_by_ids() {
    let (queue, requests, running) = approvals("async-python-reject").await;
    let workflow = python_workflow(&queue, "reject");
    let request = handed_off(&requests, 0).await;
    assert!(!request.workflow_id.is_empty() && !request.run_id.is_empty());
    let printed = completer(&[
        "reject",
        "--workflow-id",
        &request.workflow_id,
        "--run-id",
        &request.run_id,
        "--activity-id",
        &request.activity_id,
        "--reason",
        "over budget",
    ])
    .await;
    assert!(
        printed.contains(&format!("rejected activity `{}`", request.activity_id)),
        "{printed}"
    );
    let out = workflow.await.unwrap();
    assert_eq!(
        (
            &out["outcome"],
            &out["type"],
            &out["message"],
            &out["non_retryable"]
        ),
        (
            &json!("ApplicationError"),
            &json!("Rejected"),
            &json!("over budget"),
            &json!(true)
        ),
        "{out}"
    );
    assert_eq!(out["retry_state"], "NON_RETRYABLE_FAILURE", "{out}");
    assert_eq!(requests.0.lock().unwrap().len(), 1, "not retried");
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancellation_by_a_python_workflow_reaches_the_heartbeat_of_another_process() {
    let (queue, requests, running) = approvals("async-python-cancel").await;
    let workflow = python_workflow(&queue, "cancel");
    let request = handed_off(&requests, 0).await;
    let printed = completer(&["watch", "--token", &base64_of(&request.token)]).await;
    assert!(
        printed.contains("cancellation requested after"),
        "{printed}"
    );
    let out = workflow.await.unwrap();
    assert_eq!(out["outcome"], "CancelledError", "{out}");
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standalone_hand_offs_complete_from_the_cli_by_id_and_from_python_by_token() {
    let (queue, requests, running) = approvals("async-standalone-peers").await;
    let client = calls::client().await;
    let refund = || Refund {
        order: "A-7".to_string(),
        amount_cents: 700,
    };
    let by_cli_options = options(&queue, Duration::from_secs(60), None, 1);
    let by_cli_id = by_cli_options.id.clone();
    let by_cli = start::<Approval>(&client, "request_approval", (refund(),), by_cli_options).await;
    handed_off(&requests, 0).await;
    cli::temporal(&[
        "activity",
        "complete",
        "--activity-id",
        &by_cli_id,
        "--result",
        r#"{"approved": true, "by": "cli"}"#,
    ])
    .await;
    assert_eq!(
        result_within(&by_cli, Duration::from_secs(30))
            .await
            .unwrap(),
        Approval {
            approved: true,
            by: "cli".to_string()
        }
    );

    let by_python = start::<Approval>(
        &client,
        "request_approval",
        (refund(),),
        options(&queue, Duration::from_secs(60), None, 1),
    )
    .await;
    let token = base64_of(&handed_off(&requests, 1).await.token);
    let out: serde_json::Value = peers::python(
        "async_completion.py",
        &["complete", &token, r#"{"approved": true, "by": "python"}"#],
    )
    .await;
    assert_eq!(out, json!({"completed": true}));
    assert_eq!(
        result_within(&by_python, Duration::from_secs(30))
            .await
            .unwrap(),
        Approval {
            approved: true,
            by: "python".to_string()
        }
    );
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_handle_completes_what_a_python_activity_handed_off() {
    let token_file = std::env::temp_dir().join(format!(
        "python-hand-off-{}-{}",
        std::process::id(),
        server::task_queue("token")
    ));
    let path = token_file.to_string_lossy().into_owned();
    let workflow = tokio::spawn(async move {
        peers::python::<serde_json::Value>("async_completion.py", &["hand_off", &path]).await
    });
    let token = within(Duration::from_secs(60), "Python's hand-off", async {
        loop {
            if let Ok(token) = std::fs::read_to_string(&token_file) {
                return OurTaskToken::from(BASE64.decode(token.trim()).expect("base64"));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    let _ = std::fs::remove_file(&token_file);
    let client = calls::client().await;
    let completion = AsyncCompletion::by_token(&client, &token);
    let response = completion
        .heartbeat(&"reviewing")
        .await
        .expect("a heartbeat");
    assert!(!response.cancel_requested);
    completion
        .complete(&Approval {
            approved: true,
            by: "rust".to_string(),
        })
        .await
        .expect("completed");
    assert_eq!(
        workflow.await.unwrap(),
        json!({"approved": true, "by": "rust"})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ids_in_the_wrong_namespace_are_refused_naming_the_namespace() {
    let (queue, requests, running) = approvals("async-namespace").await;
    let client = calls::client().await;
    let (waiting, activity_id) = start_approval(&client, &queue, "refund 11", 1).await;
    handed_off(&requests, 0).await;
    let elsewhere = calls::client_of(server::connection().namespace("elsewhere")).await;
    let error = AsyncCompletion::standalone(&elsewhere, &activity_id, "")
        .complete("approved")
        .await
        .expect_err("not in that namespace");
    let message = error.to_string();
    assert!(
        message.starts_with(&format!(
            "standalone activity `{activity_id}` is not waiting"
        )),
        "{message}"
    );
    assert!(message.contains("(`elsewhere`)"), "{message}");
    // Still waiting, in its own namespace.
    AsyncCompletion::standalone(&client, &activity_id, "")
        .complete("approved")
        .await
        .expect("completed in its namespace");
    assert_eq!(
        result_within(&waiting, Duration::from_secs(30))
            .await
            .unwrap(),
        "approved"
    );
    running.stop().await;
}
