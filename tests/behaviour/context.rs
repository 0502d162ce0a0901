//! What an activity knows and can do through its context: info, heartbeats and the previous
//! attempt's details, cancellation with its reasons, the worker's shutdown, the ambient context,
//! a tracing span with the activity's fields, and a clear failure for a client nobody gave.

use std::sync::Arc;
use std::time::Duration;

use crate::support::logs;
use activity_runtime::context::{ActivityInfo, CancellationDetails, WorkflowInfo};
use activity_runtime::error::ErrorKind;
use activity_runtime::testing::ActivityEnvironment;
use activity_runtime::{ActivityContext, ActivityError, activity, activity_set};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Progress {
    done: u64,
}

#[activity]
async fn describe(ctx: ActivityContext) -> String {
    let info = ctx.info();
    let workflow = info
        .workflow
        .as_ref()
        .map_or("none", |w| w.workflow_id.as_str());
    format!(
        "{} {} attempt {} queue {} workflow {workflow} heartbeat {:?}",
        info.activity_type, info.activity_id, info.attempt, info.task_queue, info.heartbeat_timeout
    )
}

#[tokio::test]
async fn info_is_what_the_environment_was_given() {
    let info = ActivityInfo::builder("ignored")
        .activity_id("act-1")
        .attempt(4)
        .task_queue("billing")
        .heartbeat_timeout(Duration::from_secs(5))
        .workflow(
            WorkflowInfo::builder()
                .workflow_id("order-9")
                .run_id("run")
                .workflow_type("Order")
                .build(),
        )
        .build();
    let env = ActivityEnvironment::builder(activity_set![describe])
        .info(info)
        .build()
        .unwrap();
    assert_eq!(
        env.run(describe::ACTIVITY, ()).await.unwrap(),
        "describe act-1 attempt 4 queue billing workflow order-9 heartbeat Some(5s)"
    );
}

#[activity]
fn count_with_resume(ctx: ActivityContext, to: u64) -> Result<u64, ActivityError> {
    let start = ctx
        .last_heartbeat_details::<Progress>()?
        .map_or(0, |p| p.done);
    for done in start + 1..=to {
        ctx.heartbeat(&Progress { done });
    }
    Ok(start)
}

#[tokio::test]
async fn heartbeats_are_captured_and_the_next_attempt_resumes_from_the_last_details() {
    let seen = Arc::new(std::sync::Mutex::new(0));
    let counter = Arc::clone(&seen);
    let first = ActivityEnvironment::builder(activity_set![count_with_resume])
        .on_heartbeat(move |_| *counter.lock().unwrap() += 1)
        .build()
        .unwrap();
    assert_eq!(
        first.run(count_with_resume::ACTIVITY, (3,)).await.unwrap(),
        0
    );
    let details = first.heartbeat_details::<Progress>().await.unwrap();
    assert_eq!(
        details,
        [
            Progress { done: 1 },
            Progress { done: 2 },
            Progress { done: 3 }
        ]
    );
    assert_eq!(*seen.lock().unwrap(), 3);

    let retry = ActivityEnvironment::builder(activity_set![count_with_resume])
        .last_heartbeat_details(details.last().unwrap())
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(
        retry.run(count_with_resume::ACTIVITY, (5,)).await.unwrap(),
        3,
        "resumed after 3"
    );
    assert_eq!(
        retry.heartbeat_details::<Progress>().await.unwrap().len(),
        2
    );
}

/// Resumes from a step and a cursor, heartbeated as two details.
#[activity]
fn export_pages(ctx: ActivityContext, pages: u64) -> Result<(u64, String), ActivityError> {
    let (start, cursor) = ctx
        .last_heartbeat_tuple::<(u64, Option<String>)>()?
        .unwrap_or((0, None));
    for page in start + 1..=pages {
        ctx.heartbeat_tuple((page, format!("cursor-{page}")));
    }
    Ok((start, cursor.unwrap_or_default()))
}

#[tokio::test]
async fn several_heartbeat_details_go_out_one_payload_each_and_read_back_as_a_tuple() {
    let first = ActivityEnvironment::new(activity_set![export_pages]).unwrap();
    assert_eq!(
        first.run(export_pages::ACTIVITY, (2,)).await.unwrap(),
        (0, String::new())
    );
    let last = first.heartbeats().pop().expect("heartbeats");
    assert_eq!(last.len(), 2, "one payload per detail");
    assert_eq!(
        activity_runtime::payload::decode::<String>(&last[1]).unwrap(),
        "cursor-2"
    );

    let resumed = async |details: Vec<activity_runtime::payload::Payload>| {
        let retry = ActivityEnvironment::builder(activity_set![export_pages])
            .last_heartbeat_tuple(details)
            .unwrap()
            .build()
            .unwrap();
        retry.run(export_pages::ACTIVITY, (4,)).await
    };
    assert_eq!(
        resumed(last.clone()).await.unwrap(),
        (2, "cursor-2".to_string())
    );
    // A detail missing at the end reads as `None` for an `Option` element.
    assert_eq!(
        resumed(last[..1].to_vec()).await.unwrap(),
        (2, String::new())
    );

    let three = ActivityEnvironment::builder(activity_set![export_pages])
        .last_heartbeat_tuple((2u64, "cursor-2", true))
        .unwrap()
        .build()
        .unwrap();
    let error = three.run(export_pages::ACTIVITY, (4,)).await.unwrap_err();
    assert_eq!(error.error_type(), "HeartbeatDetailsDecodeError");
    assert!(
        error
            .message()
            .contains("expected 2 payloads, one per element of the tuple, but found 3"),
        "{}",
        error.message()
    );
    let wrong = ActivityEnvironment::builder(activity_set![export_pages])
        .last_heartbeat_tuple(("two", "cursor-2"))
        .unwrap()
        .build()
        .unwrap();
    let error = wrong.run(export_pages::ACTIVITY, (4,)).await.unwrap_err();
    assert!(
        error.message().contains("element 0: "),
        "{}",
        error.message()
    );
}

/// Works 700 ms; heartbeats once, after 250 ms, when asked to.
#[activity]
async fn work_then_maybe_heartbeat(ctx: ActivityContext, heartbeat: bool) {
    tokio::time::sleep(Duration::from_millis(250)).await;
    if heartbeat {
        ctx.heartbeat(&"own");
    }
    tokio::time::sleep(Duration::from_millis(450)).await;
}

/// The heartbeats of an attempt with `heartbeat_timeout` that resumes from "previous", each
/// decoded as its one detail.
async fn auto_heartbeats(
    heartbeat_timeout: Option<Duration>,
    auto: bool,
    own: bool,
) -> Vec<String> {
    let mut info = ActivityInfo::new("work_then_maybe_heartbeat");
    info.heartbeat_timeout = heartbeat_timeout;
    let env = ActivityEnvironment::builder(activity_set![work_then_maybe_heartbeat])
        .info(info)
        .last_heartbeat_details(&"previous")
        .unwrap()
        .auto_heartbeat(auto)
        .build()
        .unwrap();
    env.run(work_then_maybe_heartbeat::ACTIVITY, (own,))
        .await
        .unwrap();
    env.heartbeat_details::<String>().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_heartbeats_resend_the_latest_details_only_while_the_activity_is_silent() {
    let ticks = Some(Duration::from_millis(200));
    let silent = auto_heartbeats(ticks, true, false).await;
    assert!(silent.len() >= 3, "every 100 ms of 700: {silent:?}");
    assert!(
        silent.iter().all(|details| details == "previous"),
        "{silent:?}"
    );
    let own = auto_heartbeats(ticks, true, true).await;
    assert_eq!(own.first().map(String::as_str), Some("previous"), "{own:?}");
    assert!(own.contains(&"own".to_string()), "{own:?}");
    let after_own = own.iter().skip_while(|details| *details != "own");
    assert!(after_own.clone().count() >= 2, "{own:?}");
    assert!(
        after_own.skip(1).all(|details| details == "own"),
        "the latest, not the previous: {own:?}"
    );
    assert_eq!(
        auto_heartbeats(None, true, false).await,
        Vec::<String>::new(),
        "no timeout"
    );
    assert_eq!(
        auto_heartbeats(ticks, false, false).await,
        Vec::<String>::new(),
        "off"
    );
}

#[activity]
async fn wait_for_cancel_async(ctx: ActivityContext) -> Result<(), ActivityError> {
    ctx.heartbeat(&"started");
    ctx.cancelled().await;
    let details = ctx
        .cancellation_details()
        .expect("details are set before the signal");
    Err(ActivityError::cancelled().with_details(&details.reason())?)
}

#[activity]
fn wait_for_cancel_blocking(ctx: ActivityContext) -> Result<(), ActivityError> {
    ctx.heartbeat(&"started");
    while !ctx.is_cancelled() {
        std::thread::sleep(Duration::from_millis(1));
    }
    Err(ActivityError::cancelled().with_details(&ctx.cancellation_details().unwrap().reason())?)
}

async fn cancel_once_started(env: &ActivityEnvironment, details: CancellationDetails) {
    env.heartbeated(1).await;
    env.cancel(details);
}

#[tokio::test]
async fn an_async_activity_sees_cancellation_at_its_next_await_with_the_reason() {
    let env = ActivityEnvironment::new(activity_set![wait_for_cancel_async]).unwrap();
    let (outcome, ()) = tokio::join!(
        env.run(wait_for_cancel_async::ACTIVITY, ()),
        cancel_once_started(&env, CancellationDetails::requested())
    );
    let error = outcome.unwrap_err();
    assert_eq!(error.kind(), activity_runtime::error::ErrorKind::Cancelled);
    let reason = activity_runtime::payload::decode::<String>(&error.details()[0]).unwrap();
    assert_eq!(reason, "cancel requested");
}

#[tokio::test]
async fn a_blocking_activity_sees_cancellation_through_is_cancelled() {
    let env = ActivityEnvironment::new(activity_set![wait_for_cancel_blocking]).unwrap();
    let (outcome, ()) = tokio::join!(
        env.run(wait_for_cancel_blocking::ACTIVITY, ()),
        cancel_once_started(&env, CancellationDetails::timed_out())
    );
    let error = outcome.unwrap_err();
    let reason = activity_runtime::payload::decode::<String>(&error.details()[0]).unwrap();
    assert_eq!(reason, "timed out");
}

/// A pause or a reset that the activity does not handle is a retryable failure of the type
/// every SDK reports, so that the server holds or restarts the activity instead of refusing a
/// cancellation nobody requested.
#[tokio::test]
async fn a_pause_or_reset_the_activity_returns_fails_it_retryably_as_activity_pause_or_reset() {
    let env = ActivityEnvironment::new(activity_set![
        wait_for_cancel_async,
        wait_for_cancel_blocking
    ])
    .unwrap();
    for (details, expected) in [
        (CancellationDetails::paused(), "ActivityPause"),
        (CancellationDetails::reset(), "ActivityReset"),
    ] {
        for name in ["wait_for_cancel_async", "wait_for_cancel_blocking"] {
            let before = env.heartbeats().len();
            let cancel = async {
                env.heartbeated(before + 1).await;
                env.cancel(details);
            };
            let (outcome, ()) = tokio::join!(env.run_payloads(name, Vec::new()), cancel);
            let error = outcome.unwrap_err();
            assert_eq!(
                (error.kind(), error.error_type(), error.is_non_retryable()),
                (ErrorKind::Application, expected, false),
                "{name}: {error:?}"
            );
        }
    }
}

#[activity]
async fn save_on_shutdown(ctx: ActivityContext) -> String {
    ctx.heartbeat(&"started");
    ctx.worker_shutdown().await;
    assert!(ctx.is_worker_shutdown());
    "saved".into()
}

#[tokio::test]
async fn the_worker_shutdown_signal_reaches_running_activities() {
    let env = ActivityEnvironment::new(activity_set![save_on_shutdown]).unwrap();
    let shut_down = async {
        env.heartbeated(1).await;
        env.shutdown_worker();
    };
    let (outcome, ()) = tokio::join!(env.run(save_on_shutdown::ACTIVITY, ()), shut_down);
    assert_eq!(outcome.unwrap(), "saved");
}

/// Library code that is not handed the context.
fn attempt_from_deep_inside() -> Option<(String, u32)> {
    ActivityContext::current().map(|ctx| (ctx.info().activity_type.clone(), ctx.info().attempt))
}

#[activity]
async fn ambient_async() -> Option<(String, u32)> {
    tokio::task::yield_now().await;
    attempt_from_deep_inside()
}

#[activity]
fn ambient_blocking() -> Option<(String, u32)> {
    attempt_from_deep_inside()
}

#[tokio::test]
async fn the_ambient_context_is_there_in_async_and_blocking_activities_only() {
    assert_eq!(attempt_from_deep_inside(), None);
    let env = ActivityEnvironment::new(activity_set![ambient_async, ambient_blocking]).unwrap();
    assert_eq!(
        env.run(ambient_async::ACTIVITY, ()).await.unwrap(),
        Some(("ambient_async".to_string(), 1))
    );
    assert_eq!(
        env.run(ambient_blocking::ACTIVITY, ()).await.unwrap(),
        Some(("ambient_blocking".to_string(), 1))
    );
    assert_eq!(attempt_from_deep_inside(), None);
}

#[activity]
async fn logs_inside_async() {
    tracing::info!("inside the async activity");
}

#[activity]
fn logs_inside_blocking() {
    tracing::info!("inside the blocking activity");
}

#[tokio::test]
async fn logs_inside_an_activity_carry_its_span_fields() {
    logs::capture();
    let info = ActivityInfo::builder("ignored")
        .activity_id("span-test-id")
        .attempt(2)
        .task_queue("span-queue")
        .namespace("span-namespace")
        .workflow(
            WorkflowInfo::builder()
                .workflow_id("span-workflow")
                .run_id("span-run")
                .workflow_type("SpanWorkflow")
                .build(),
        )
        .build();
    let env = ActivityEnvironment::builder(activity_set![logs_inside_async, logs_inside_blocking])
        .info(info)
        .build()
        .unwrap();
    env.run(logs_inside_async::ACTIVITY, ()).await.unwrap();
    env.run(logs_inside_blocking::ACTIVITY, ()).await.unwrap();
    for (message, activity_type) in [
        ("inside the async activity", "logs_inside_async"),
        ("inside the blocking activity", "logs_inside_blocking"),
    ] {
        let lines = logs::lines_containing(message);
        assert_eq!(lines.len(), 1, "{lines:#?}");
        let line = &lines[0];
        assert!(
            line.contains(&format!("activity_type={activity_type}")),
            "{line}"
        );
        for field in [
            "activity_id=span-test-id",
            "attempt=2",
            "workflow_id=\"span-workflow\"",
            "workflow_run_id=\"span-run\"",
            "workflow_type=\"SpanWorkflow\"",
            "task_queue=span-queue",
            "namespace=span-namespace",
        ] {
            assert!(line.contains(field), "{field} in {line}");
        }
    }
}

#[activity]
async fn namespace_of_client(ctx: ActivityContext) -> Result<String, ActivityError> {
    Ok(ctx.client()?.options().namespace.clone())
}

#[tokio::test]
async fn without_a_client_ctx_client_fails_saying_how_to_give_one() {
    let env = ActivityEnvironment::new(activity_set![namespace_of_client]).unwrap();
    let error = env
        .run(namespace_of_client::ACTIVITY, ())
        .await
        .unwrap_err();
    assert_eq!(error.error_type(), "MissingClient");
    assert_eq!(
        error.message(),
        "activity `namespace_of_client` asked for a Temporal client, but it runs without one; \
         in a test, give the environment one with `.client(client)` on its builder"
    );
}
