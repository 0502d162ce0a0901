//! The examples, run end to end as a user runs them: each starts its own dev server, worker and
//! client, and prints what it got.

use std::io::BufReader;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use crate::support::process;

/// How long one example may run: it starts a dev server of its own, a worker and a client.
const LIMIT: Duration = Duration::from_secs(120);

/// The example binary that `cargo test` built beside this test.
pub(crate) fn example(name: &str) -> PathBuf {
    let deps = std::env::current_exe().expect("the test binary's path");
    let profile = deps
        .parent()
        .and_then(|deps| deps.parent())
        .expect("tests run from target/<profile>/deps");
    profile.join("examples").join(name)
}

fn run(name: &str) -> String {
    let mut command = process::command(example(name));
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    let output = process::output_within(command, LIMIT, &format!("example `{name}`"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "example `{name}` failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[test]
fn official_sdk_serves_a_workflow_and_our_activities_in_one_worker() {
    assert_eq!(run("official_sdk"), "order o-17: 400 cents\n");
}

#[test]
fn hello_prints_the_greeting_and_exits() {
    assert_eq!(run("hello"), "Hello, World!\n");
}

#[test]
fn blocking_reads_a_file_on_the_blocking_pool() {
    assert!(run("blocking").starts_with("3 lines, 14 bytes\n"));
}

#[test]
fn heartbeat_resumes_the_retry_from_the_last_details() {
    assert_eq!(run("heartbeat"), "attempt 2 processed items 6..10\n");
}

#[test]
fn cancellation_reaches_the_activity_and_the_caller() {
    let output = run("cancellation");
    assert!(output.contains("(cancel requested)"), "{output}");
    assert!(output.contains("caller: Activity canceled"), "{output}");
}

#[test]
fn prometheus_serves_cores_metrics_and_the_activitys_own() {
    let output = run("prometheus");
    for line in [
        "images_resized{activity_type=\"resize_image\"} 2\n",
        "images_rejected{activity_type=\"resize_image\"} 1\n",
        "image_input_bytes_count{activity_type=\"resize_image\"} 3\n",
        "temporal_activity_execution_latency_count{activity_type=\"resize_image\"} 3\n",
        "temporal_activity_execution_failed{activity_type=\"resize_image\"} 1\n",
    ] {
        assert!(output.contains(line), "{line} in {output}");
    }
}

#[test]
fn shared_state_is_one_value_for_functions_and_methods() {
    let output = run("shared_state");
    assert!(output.ends_with("Stock\ncoffee: 5\ntea: 5\n"), "{output}");
}

/// With `TEMPORAL_ADDRESS` set, hello serves that server on `TEMPORAL_TASK_QUEUE` until a
/// signal, and SIGTERM shuts it down cleanly; `TEMPORAL_PROMETHEUS_ADDRESS` turns its metrics
/// on without a line of code.
#[test]
fn hello_serves_temporal_address_until_sigterm() {
    let queue = crate::support::server::task_queue("hello-serve");
    let mut hello = process::command(example("hello"))
        .env("TEMPORAL_ADDRESS", crate::support::server::address())
        .env("TEMPORAL_TASK_QUEUE", &queue)
        .env("TEMPORAL_PROMETHEUS_ADDRESS", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .spawn()
        .expect("hello starts");
    let stdout = BufReader::new(hello.stdout.take().expect("piped stdout"));
    let (banner, stdout) = process::line_within(stdout, LIMIT, "hello's banner");
    assert!(
        banner.starts_with(&format!("Serving `your_activity` on task queue `{queue}`")),
        "{banner}"
    );
    let (metrics, _stdout) = process::line_within(stdout, LIMIT, "hello's metrics address");
    let endpoint = metrics
        .trim()
        .strip_prefix("Metrics for Prometheus at http://")
        .and_then(|rest| rest.strip_suffix("/metrics"))
        .and_then(|address| address.parse().ok())
        .unwrap_or_else(|| panic!("an address in {metrics:?}"));

    let activity_id = crate::support::server::task_queue("hello-serve-call");
    let output = crate::support::cli::run(&[
        "activity",
        "execute",
        "--type",
        "your_activity",
        "--task-queue",
        &queue,
        "--activity-id",
        &activity_id,
        "--start-to-close-timeout",
        "10s",
        "--input",
        r#"{"greeting":"Hello","name":"SIGTERM"}"#,
    ]);
    assert!(output.contains(r#""Hello, SIGTERM!""#), "{output}");
    let text = tokio::runtime::Runtime::new()
        .expect("a runtime")
        .block_on(crate::metrics::scrape(endpoint));
    let labels = [
        "activity_type=\"your_activity\"".to_string(),
        format!("task_queue=\"{queue}\""),
    ];
    assert_eq!(
        crate::metrics::sample(&text, "temporal_activity_execution_latency_count", &labels),
        Some(1.0),
        "{text}"
    );

    unsafe { libc::kill(hello.id() as libc::pid_t, libc::SIGTERM) };
    let status = process::wait_within(&mut hello, Duration::from_secs(30), "hello");
    assert!(status.success(), "hello exits cleanly on SIGTERM: {status}");
}

/// The standard OpenTelemetry variables send hello's metrics to a collector, with no code.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hello_pushes_metrics_to_the_collector_the_opentelemetry_variables_name() {
    let collector = crate::support::otlp::Collector::start().await;
    let queue = crate::support::server::task_queue("hello-otlp");
    let mut hello = process::command(example("hello"))
        .env("TEMPORAL_ADDRESS", crate::support::server::address())
        .env("TEMPORAL_TASK_QUEUE", &queue)
        .env(
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            format!("http://{}", collector.address),
        )
        .env("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
        .stdout(Stdio::piped())
        .spawn()
        .expect("hello starts");
    let stdout = BufReader::new(hello.stdout.take().expect("piped stdout"));
    let (banner, _stdout) =
        tokio::task::spawn_blocking(move || process::line_within(stdout, LIMIT, "hello's banner"))
            .await
            .expect("the banner");
    assert!(banner.starts_with("Serving"), "{banner}");
    let activity = crate::support::calls::start::<String>(
        &crate::support::calls::client().await,
        "your_activity",
        (serde_json::json!({"greeting": "Hello", "name": "OTLP"}),),
        crate::support::calls::options(&queue, Duration::from_secs(10), None, 1),
    )
    .await;
    let greeting = crate::support::calls::result_within(&activity, LIMIT)
        .await
        .expect("hello serves");
    assert_eq!(greeting, "Hello, OTLP!");
    let executed = [
        ("activity_type", "your_activity"),
        ("task_queue", queue.as_str()),
    ];
    let exported = tokio::time::timeout(Duration::from_secs(20), async {
        while collector.latest("temporal_activity_execution_latency", &executed) != Some(1.0) {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    })
    .await;
    unsafe { libc::kill(hello.id() as libc::pid_t, libc::SIGTERM) };
    assert!(
        exported.is_ok(),
        "the collector received only {:?}",
        collector.received()
    );
    let status = tokio::task::spawn_blocking(move || {
        process::wait_within(&mut hello, Duration::from_secs(30), "hello")
    })
    .await
    .expect("hello's exit");
    assert!(status.success(), "hello exits cleanly on SIGTERM: {status}");
}

/// A `TEMPORAL_PROMETHEUS_ADDRESS` that is not an address stops the start, naming it.
#[test]
fn hello_refuses_a_prometheus_address_that_is_not_one() {
    let mut command = process::command(example("hello"));
    command
        .env("TEMPORAL_ADDRESS", crate::support::server::address())
        .env("TEMPORAL_PROMETHEUS_ADDRESS", "metrics.internal");
    let output = process::output_within(command, LIMIT, "hello");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert!(!output.status.success(), "{stdout}");
    assert!(!stdout.contains("Serving"), "{stdout}");
    assert!(
        stderr.contains(
            "TEMPORAL_PROMETHEUS_ADDRESS is `metrics.internal`, which is not a socket address"
        ),
        "{stderr}"
    );
}

#[test]
fn async_completion_hands_off_and_another_process_approves() {
    let output = run("async_completion");
    let lines: Vec<&str> = output.lines().collect();
    assert_eq!(lines.len(), 3, "{output}");
    assert_eq!(
        lines[0],
        "Refund of 1250 cents for order A-1042 awaits approval"
    );
    assert!(
        lines[1].starts_with("approved the activity of a"),
        "{output}"
    );
    assert_eq!(lines[2], "Refund approved by the example");
}

#[test]
fn msgpack_sends_and_reads_msgpack_through_the_payload_converter() {
    assert_eq!(run("msgpack"), "order o-17: 2100 cents (binary/msgpack)\n");
}
