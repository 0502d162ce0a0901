//! Core's metrics through the worker's Prometheus endpoint, scraped over HTTP as Prometheus
//! does: executions and failures of our activities, and the metrics the activities record on
//! their own meter, labelled with the activity type, the task queue and the namespace.

use std::net::SocketAddr;
use std::time::Duration;

use activity_runtime::{ActivityContext, ActivityError, Worker, activity, activity_set};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use activity_runtime::client::Client;
use activity_runtime::worker::OtlpMetrics;

use crate::support::calls::{self, options, result_within, start};
use crate::support::deadline::within;
use crate::support::otlp::Collector;
use crate::support::server::{self, RunningWorker};

/// Fails, not retried, for 0; counts what it was given on its own meter.
#[activity]
async fn measured(ctx: ActivityContext, n: u32) -> Result<u32, ActivityError> {
    let meter = ctx.metric_meter();
    meter.counter("measured_units").add(u64::from(n));
    meter.gauge("measured_last").set(u64::from(n));
    if n == 0 {
        return Err(ActivityError::new("zero").non_retryable());
    }
    Ok(n)
}

/// A blocking activity's meter, with a label of its own.
#[activity]
fn weighed(ctx: ActivityContext, grams: u64) {
    ctx.metric_meter()
        .with_labels([("unit", "g")])
        .histogram("weighed_grams")
        .record(grams);
}

/// Runs `measured` once, without retries; whether it succeeded.
async fn run_measured(client: &Client, queue: &str, n: u32) -> bool {
    let activity = start::<u32>(
        client,
        "measured",
        (n,),
        options(queue, Duration::from_secs(10), None, 1),
    )
    .await;
    result_within(&activity, Duration::from_secs(30))
        .await
        .is_ok()
}

/// The endpoint's text, as Prometheus reads it.
pub(crate) async fn scrape(address: SocketAddr) -> String {
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("the endpoint accepts");
    stream
        .write_all(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .expect("the request is sent");
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .await
        .expect("the response");
    response
}

/// The value of the sample of `metric` whose labels include every one of `labels`.
pub(crate) fn sample(text: &str, metric: &str, labels: &[String]) -> Option<f64> {
    text.lines()
        .filter(|line| line.starts_with(&format!("{metric}{{")))
        .find(|line| labels.iter().all(|label| line.contains(label.as_str())))
        .and_then(|line| line.rsplit(' ').next()?.parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_prometheus_endpoint_serves_cores_activity_metrics_and_the_activities_own() {
    let queue = server::task_queue("metrics");
    let worker = within(
        Duration::from_secs(60),
        "the worker's start",
        Worker::builder(&queue, activity_set![measured, weighed])
            .connection(server::connection())
            .prometheus(SocketAddr::from(([127, 0, 0, 1], 0)))
            .build(),
    )
    .await
    .expect("the worker starts with its endpoint");
    let address = worker.metrics_address().expect("an endpoint was asked for");
    assert_ne!(address.port(), 0, "the bound port is reported");
    let running = RunningWorker::run(worker);
    let client = calls::client().await;
    for n in [0u32, 1, 2, 3] {
        assert_eq!(run_measured(&client, &queue, n).await, n != 0, "{n}");
    }
    for grams in [250u64, 750] {
        let activity = start::<()>(
            &client,
            "weighed",
            (grams,),
            options(&queue, Duration::from_secs(10), None, 1),
        )
        .await;
        result_within(&activity, Duration::from_secs(30))
            .await
            .expect("weighed");
    }
    let labels = [
        "activity_type=\"measured\"".to_string(),
        format!("task_queue=\"{queue}\""),
        "namespace=\"default\"".to_string(),
    ];
    let text = within(Duration::from_secs(30), "the metrics", async {
        loop {
            let text = scrape(address).await;
            if sample(&text, "temporal_activity_execution_failed", &labels) == Some(1.0) {
                return text;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    })
    .await;
    assert_eq!(
        sample(&text, "temporal_activity_execution_latency_count", &labels),
        Some(4.0),
        "{text}"
    );
    // The activities' own metrics, through the same endpoint, without Core's prefix.
    assert_eq!(
        sample(&text, "measured_units", &labels),
        Some(6.0),
        "{text}"
    );
    assert_eq!(sample(&text, "measured_last", &labels), Some(3.0), "{text}");
    let weighed = [
        "activity_type=\"weighed\"".to_string(),
        labels[1].clone(),
        labels[2].clone(),
        "unit=\"g\"".to_string(),
    ];
    assert_eq!(
        sample(&text, "weighed_grams_count", &weighed),
        Some(2.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, "weighed_grams_sum", &weighed),
        Some(1000.0),
        "{text}"
    );
    assert!(
        sample(
            &text,
            "temporal_worker_task_slots_available",
            &[format!("task_queue=\"{queue}\"")]
        )
        .is_some(),
        "{text}"
    );
    for line in text
        .lines()
        .filter(|line| line.contains(&labels[1]) && !line.contains("_bucket"))
    {
        println!("metrics: {line}");
    }
    running.stop().await;
}

/// The same metrics pushed over OTLP to a collector, as the standard OpenTelemetry variables
/// would configure it, for a worker built with `otlp_metrics`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn otlp_pushes_cores_activity_metrics_and_the_activities_own_to_a_collector() {
    let collector = Collector::start().await;
    let queue = server::task_queue("otlp");
    let worker = within(
        Duration::from_secs(60),
        "the worker's start",
        Worker::builder(&queue, activity_set![measured])
            .connection(server::connection())
            .otlp_metrics(
                OtlpMetrics::http(&collector.url())
                    .expect("a URL")
                    .export_interval(Duration::from_millis(200)),
            )
            .build(),
    )
    .await
    .expect("the worker starts with its exporter");
    assert_eq!(worker.metrics_address(), None, "nothing is served");
    let running = RunningWorker::run(worker);
    let client = calls::client().await;
    for n in [0u32, 4] {
        assert_eq!(run_measured(&client, &queue, n).await, n != 0, "{n}");
    }
    let labels = [
        ("activity_type", "measured"),
        ("task_queue", queue.as_str()),
        ("namespace", "default"),
    ];
    within(Duration::from_secs(30), "the exports", async {
        loop {
            if collector.latest("temporal_activity_execution_failed", &labels) == Some(1.0)
                && collector.latest("measured_units", &labels) == Some(4.0)
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    })
    .await;
    running.stop().await;
}
