//! Heartbeats through a codec stay bounded and in order, on our worker and on the official
//! SDK's: when the codec falls behind, only the latest details wait, and what is pending is
//! delivered before the attempt's outcome, so a retry resumes from the last heartbeat, never
//! from older details. Several details in one heartbeat travel between Python and Rust in
//! both directions.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::official_sdk::beside_official_worker;
use crate::support::calls::{self, options, result_within, start};
use crate::support::deadline::within;
use crate::support::peers;
use crate::support::server::{self, Served};
use activity_runtime::context::TaskToken;
use activity_runtime::payload::Payload;
use activity_runtime::payload::codec::{
    PayloadCodec, PayloadConversionError, SerializationContextData,
};
use activity_runtime::testing::ActivityEnvironment;
use activity_runtime::{
    ActivityContext, ActivityError, State, Worker, activity, activity_set, official,
};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use futures::future::BoxFuture;
use temporalio_common::data_converters::{
    DataConverter, DefaultFailureConverter, PayloadConverter,
};
use temporalio_sdk::WorkerOptions;

/// Passes payloads through, taking 20 ms for each encoding, and counts the encodings.
#[derive(Clone, Default)]
pub(crate) struct SlowCodec {
    encodings: Arc<AtomicUsize>,
}

impl PayloadCodec for SlowCodec {
    fn encode(
        &self,
        _: &SerializationContextData,
        payloads: Vec<Payload>,
    ) -> BoxFuture<'static, Result<Vec<Payload>, PayloadConversionError>> {
        let encodings = Arc::clone(&self.encodings);
        Box::pin(async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            encodings.fetch_add(1, Ordering::SeqCst);
            Ok(payloads)
        })
    }

    fn decode(
        &self,
        _: &SerializationContextData,
        payloads: Vec<Payload>,
    ) -> BoxFuture<'static, Result<Vec<Payload>, PayloadConversionError>> {
        Box::pin(async move { Ok(payloads) })
    }
}

const BEATS: u64 = 1_000;

/// Heartbeats 1 to 1,000 as fast as it can. The first attempt then fails; a retry returns the
/// details it resumed from.
#[activity]
async fn beat_fast(ctx: ActivityContext) -> Result<u64, ActivityError> {
    if let Some(last) = ctx.last_heartbeat_details::<u64>()? {
        return Ok(last);
    }
    for beat in 1..=BEATS {
        ctx.heartbeat(&beat);
        tokio::task::yield_now().await;
    }
    Err(ActivityError::new(
        "the first attempt fails after its last heartbeat",
    ))
}

/// The same, from a blocking thread.
#[activity]
fn beat_fast_blocking(ctx: ActivityContext) -> Result<u64, ActivityError> {
    if let Some(last) = ctx.last_heartbeat_details::<u64>()? {
        return Ok(last);
    }
    for beat in 1..=BEATS {
        ctx.heartbeat(&beat);
    }
    Err(ActivityError::new(
        "the first attempt fails after its last heartbeat",
    ))
}

#[tokio::test]
async fn a_slow_codec_sends_the_latest_heartbeat_before_the_outcome_and_skips_the_backlog() {
    let codec = SlowCodec::default();
    let env = ActivityEnvironment::builder(activity_set![beat_fast, beat_fast_blocking])
        .codec(codec.clone())
        .build()
        .unwrap();
    for name in ["beat_fast", "beat_fast_blocking"] {
        let before = env.heartbeats().len();
        env.run_payloads(name, Vec::new())
            .await
            .expect_err("the first attempt fails");
        // Delivered by the time the outcome is: the last details, after a bounded few.
        let details = env.heartbeat_details::<u64>().await.unwrap();
        assert_eq!(details.last(), Some(&BEATS), "{name}");
        let delivered = env.heartbeats().len() - before;
        assert!(
            delivered < 100,
            "{name}: {delivered} heartbeats went through a codec that takes 20 ms each; only the \
             latest waits"
        );
        println!(
            "heartbeats: {name}: {BEATS} heartbeats through a codec of 20 ms each: {delivered} \
             delivered, the last before the outcome"
        );
    }
    assert!(codec.encodings.load(Ordering::SeqCst) < 200);
}

/// Runs `beat_fast` and `beat_fast_blocking` on `queue` and checks that each retry resumed from
/// the last of its first attempt's heartbeats.
async fn each_retry_resumes_from_the_last_heartbeat(
    client: &activity_runtime::client::Client,
    queue: &str,
) {
    for name in ["beat_fast", "beat_fast_blocking"] {
        let activity = start::<u64>(
            client,
            name,
            (),
            options(queue, Duration::from_secs(60), None, 2),
        )
        .await;
        let resumed_from = result_within(&activity, Duration::from_secs(30))
            .await
            .unwrap_or_else(|error| panic!("{name}: the retry succeeds: {error}"));
        assert_eq!(
            resumed_from, BEATS,
            "{name} resumed from the last heartbeat"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_resumes_from_the_last_heartbeat_sent_through_a_slow_codec() {
    let Served {
        queue,
        worker,
        client,
    } = server::serve_with("heartbeats", |queue| {
        Worker::builder(queue, activity_set![beat_fast, beat_fast_blocking])
            .codec(SlowCodec::default())
    })
    .await;
    each_retry_resumes_from_the_last_heartbeat(&client, &queue).await;
    worker.stop().await;
}

/// The official worker's `record_heartbeat` is async too (its client's codec runs in it), so
/// the same mailbox must stand between the activity and it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_the_official_worker_a_retry_resumes_from_the_last_heartbeat_sent_through_a_slow_codec()
{
    let queue = server::task_queue("official-heartbeats");
    let client = calls::client().await;
    let mut with_codec = client.clone();
    with_codec.options_mut().data_converter = DataConverter::new(
        PayloadConverter::default(),
        DefaultFailureConverter::default(),
        SlowCodec::default(),
    );
    let activities = official::Activities::new(activity_set![beat_fast, beat_fast_blocking])
        .expect("the set is valid");
    let options = WorkerOptions::new(queue.as_str())
        .register_activities(activities)
        .build();
    beside_official_worker(
        &with_codec,
        options,
        each_retry_resumes_from_the_last_heartbeat(&client, &queue),
    )
    .await;
}

/// Heartbeats details over the 2 MiB payload limit, then small ones, then fails on its first
/// attempt; the retry returns what it resumed from.
#[activity]
async fn outgrows_the_limit(ctx: ActivityContext) -> Result<String, ActivityError> {
    if let Some(last) = ctx.last_heartbeat_details::<String>()? {
        return Ok(last);
    }
    ctx.heartbeat(&"x".repeat(3 * 1024 * 1024));
    ctx.heartbeat(&"small");
    Err(ActivityError::new(
        "the first attempt fails after its heartbeats",
    ))
}

/// The same from a blocking thread.
#[activity]
fn outgrows_the_limit_blocking(ctx: ActivityContext) -> Result<String, ActivityError> {
    if let Some(last) = ctx.last_heartbeat_details::<String>()? {
        return Ok(last);
    }
    ctx.heartbeat(&"x".repeat(3 * 1024 * 1024));
    ctx.heartbeat(&"small");
    Err(ActivityError::new(
        "the first attempt fails after its heartbeats",
    ))
}

/// Through the real worker and server: the retry resumes from the heartbeat after the dropped
/// one, and the drop is on the worker's Prometheus endpoint.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_the_worker_the_retry_resumes_from_the_heartbeat_after_an_oversized_one() {
    let Served {
        queue,
        worker,
        client,
    } = server::serve_with("oversized-heartbeat", |queue| {
        Worker::builder(
            queue,
            activity_set![outgrows_the_limit, outgrows_the_limit_blocking],
        )
        .prometheus(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
    })
    .await;
    for name in ["outgrows_the_limit", "outgrows_the_limit_blocking"] {
        let activity = start::<String>(
            &client,
            name,
            (),
            options(&queue, Duration::from_secs(60), None, 2),
        )
        .await;
        assert_eq!(
            result_within(&activity, Duration::from_secs(30))
                .await
                .unwrap_or_else(|error| panic!("{name}: {error}")),
            "small",
            "{name}"
        );
    }
    let scraped = crate::metrics::scrape(worker.metrics_address()).await;
    for name in ["outgrows_the_limit", "outgrows_the_limit_blocking"] {
        let labels = [
            format!("activity_type=\"{name}\""),
            "reason=\"PayloadTooLarge\"".to_string(),
        ];
        assert_eq!(
            crate::metrics::sample(&scraped, "temporal_activity_heartbeats_dropped", &labels),
            Some(1.0),
            "{name}: {scraped}"
        );
    }
    worker.stop().await;
}

/// Its first attempt records its progress as the previous version of the activity did, a
/// struct; the retry reads it as this version does, a count.
#[activity]
async fn changed_its_progress_type(ctx: ActivityContext) -> Result<u64, ActivityError> {
    #[derive(serde::Serialize)]
    struct Progress {
        step: u64,
    }
    if ctx.info().attempt == 1 {
        ctx.heartbeat(&Progress { step: 3 });
        return Err(ActivityError::new(
            "the first attempt fails after its heartbeat",
        ));
    }
    Ok(ctx.last_heartbeat_details::<u64>()?.unwrap_or(0))
}

/// Heartbeat details that no longer decode on a retry fail it clearly, naming the type they
/// were read as; nothing panics, and nothing starts over silently from a default.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heartbeat_details_of_another_type_fail_the_retry_naming_the_type() {
    let Served {
        queue,
        worker,
        client,
    } = server::serve("changed-details", activity_set![changed_its_progress_type]).await;
    let activity = start::<u64>(
        &client,
        "changed_its_progress_type",
        (),
        options(&queue, Duration::from_secs(60), None, 2),
    )
    .await;
    let error = result_within(&activity, Duration::from_secs(30))
        .await
        .expect_err("the retry fails");
    let activity_runtime::client::ExecuteError::Result(error) = error else {
        panic!("{error:?}");
    };
    let (error_type, non_retryable, message) = calls::application_failure(*error);
    assert_eq!(
        (error_type.as_str(), non_retryable),
        ("HeartbeatDetailsDecodeError", false),
        "{message}"
    );
    assert!(
        message.starts_with(
            "activity `changed_its_progress_type` could not read the last heartbeat details: \
             json/plain payload does not decode as `u64`: invalid type: map"
        ),
        "{message}"
    );
    worker.stop().await;
}

/// Where `resume_export` sends the task token of the attempt that hands off.
#[derive(Clone)]
struct Tokens(tokio::sync::mpsc::UnboundedSender<TaskToken>);

/// Resumes from the two details its previous attempt heartbeated; the first attempt hands its
/// completion off, so that Python heartbeats and fails it.
#[activity]
async fn resume_export(
    ctx: ActivityContext,
    tokens: State<Tokens>,
) -> Result<(u64, String), ActivityError> {
    if let Some(resumed) = ctx.last_heartbeat_tuple::<(u64, String)>()? {
        return Ok(resumed);
    }
    let _ = tokens.0.send(ctx.info().task_token.clone());
    Err(ActivityError::complete_async())
}

/// Heartbeats three details once, then waits until its heartbeat timeout ends it.
#[activity]
async fn heartbeat_then_stall(ctx: ActivityContext) -> Result<(), ActivityError> {
    ctx.heartbeat_tuple((3u64, "page-3", true));
    ctx.cancelled().await;
    Err(ActivityError::cancelled())
}

/// Several heartbeat details, in both directions: our attempt resumes from the two that Python
/// heartbeated for the attempt before it (`handle.heartbeat(7, "cursor-9")`), and a Python
/// workflow reads the three ours heartbeated from the timeout that ended it, as a Python
/// activity's own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_heartbeat_details_go_both_ways_between_python_and_rust() {
    let (sender, mut tokens) = tokio::sync::mpsc::unbounded_channel();
    let queue = server::task_queue("several-details");
    let worker = server::start_worker_with(
        Worker::builder(&queue, activity_set![resume_export, heartbeat_then_stall])
            .state(Tokens(sender)),
    )
    .await;
    let client = calls::client().await;
    let export = start::<(u64, String)>(
        &client,
        "resume_export",
        (),
        options(&queue, Duration::from_secs(60), None, 2),
    )
    .await;
    let token = within(Duration::from_secs(30), "the hand-off", tokens.recv())
        .await
        .expect("a task token");
    let out: serde_json::Value = peers::python(
        "heartbeat_details.py",
        &["fail_after", &BASE64.encode(token.as_bytes())],
    )
    .await;
    assert_eq!(out, serde_json::json!({"failed": true}));
    assert_eq!(
        result_within(&export, Duration::from_secs(30))
            .await
            .expect("attempt 2 completes"),
        (7, "cursor-9".to_string()),
        "attempt 2 read Python's two details as a tuple"
    );

    let out: serde_json::Value =
        peers::python("heartbeat_details.py", &["timed_out", &queue]).await;
    assert_eq!(
        out,
        serde_json::json!({"outcome": "TimeoutError", "details": [3, "page-3", true]}),
        "Python read our three details"
    );
    println!(
        "heartbeats: attempt 2 resumed from Python's (7, \"cursor-9\"); a Python workflow read \
         ours as [3, \"page-3\", true] from the heartbeat timeout"
    );
    worker.stop().await;
}

/// Works for `seconds` (60 when not given) without a heartbeat of its own, until cancelled.
#[activity]
async fn work_silently(ctx: ActivityContext, seconds: Option<u64>) -> Result<u64, ActivityError> {
    let seconds = seconds.unwrap_or(60);
    tokio::select! {
        () = tokio::time::sleep(Duration::from_secs(seconds)) => Ok(seconds),
        () = ctx.cancelled() => Err(ActivityError::cancelled()),
    }
}

/// The same on a blocking thread, which polls its cancellation.
#[activity]
fn work_silently_blocking(
    ctx: ActivityContext,
    seconds: Option<u64>,
) -> Result<u64, ActivityError> {
    let seconds = seconds.unwrap_or(60);
    let until = std::time::Instant::now() + Duration::from_secs(seconds);
    while std::time::Instant::now() < until {
        if ctx.is_cancelled() {
            return Err(ActivityError::cancelled());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(seconds)
}

/// With `auto_heartbeat`, an activity that never heartbeats outlives its 2 s heartbeat timeout
/// and completes, and a Python workflow's cancellation reaches it through the automatic
/// heartbeats' answers before that timeout could end it: async and blocking. Without it, the
/// same activity times out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_auto_heartbeat_a_silent_activity_outlives_its_heartbeat_timeout_and_hears_its_cancellation()
 {
    let heartbeat_timeout = Some(Duration::from_secs(2));
    let queue = server::task_queue("auto-heartbeat");
    let worker = server::start_worker_with(
        Worker::builder(&queue, activity_set![work_silently, work_silently_blocking])
            .auto_heartbeat(true),
    )
    .await;
    let client = calls::client().await;
    for name in ["work_silently", "work_silently_blocking"] {
        let silent = start::<u64>(
            &client,
            name,
            (Some(5u64),),
            options(&queue, Duration::from_secs(60), heartbeat_timeout, 1),
        )
        .await;
        assert_eq!(
            result_within(&silent, Duration::from_secs(30))
                .await
                .unwrap_or_else(|error| panic!("{name} completes: {error}")),
            5,
            "{name}"
        );
        let out: serde_json::Value =
            peers::python("cancel_rust_activity.py", &[&queue, name]).await;
        assert_eq!(
            out,
            serde_json::json!({"cancelled": true, "cause": "CancelledError"}),
            "{name}: cancelled through the automatic heartbeats, not timed out"
        );
    }
    worker.stop().await;

    let unaided = server::task_queue("no-auto-heartbeat");
    let worker = server::start_worker(&unaided, activity_set![work_silently]).await;
    let silent = start::<u64>(
        &client,
        "work_silently",
        (Some(5u64),),
        options(&unaided, Duration::from_secs(60), heartbeat_timeout, 1),
    )
    .await;
    let error = result_within(&silent, Duration::from_secs(30))
        .await
        .expect_err("times out without heartbeats");
    assert!(format!("{error:?}").contains("Timeout"), "{error:?}");
    worker.stop().await;
}

/// The same on the official SDK's worker, whose heartbeats go through its own activity
/// context: the bridge's `auto_heartbeat` keeps a silent activity alive past its 2 s heartbeat
/// timeout, and a Python workflow's cancellation reaches it through the answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_auto_heartbeat_on_the_official_worker_a_silent_activity_outlives_its_heartbeat_timeout()
 {
    let queue = server::task_queue("official-auto-heartbeat");
    let client = calls::client().await;
    let activities = official::Activities::builder(activity_set![work_silently])
        .auto_heartbeat(true)
        .build()
        .expect("the set is valid");
    let worker_options = WorkerOptions::new(queue.as_str())
        .register_activities(activities)
        .build();
    beside_official_worker(&client, worker_options, async {
        let silent = start::<u64>(
            &client,
            "work_silently",
            (Some(5u64),),
            options(
                &queue,
                Duration::from_secs(60),
                Some(Duration::from_secs(2)),
                1,
            ),
        )
        .await;
        assert_eq!(
            result_within(&silent, Duration::from_secs(30))
                .await
                .expect("completes past its heartbeat timeout"),
            5
        );
        let out: serde_json::Value =
            peers::python("cancel_rust_activity.py", &[&queue, "work_silently"]).await;
        assert_eq!(
            out,
            serde_json::json!({"cancelled": true, "cause": "CancelledError"}),
            "cancelled through the automatic heartbeats, not timed out"
        );
    })
    .await;
}
