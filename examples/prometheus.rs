//! A worker that serves its metrics for Prometheus: Temporal Core's (executions, failures,
//! latencies, slots) and the activity's own, recorded on `ctx.metric_meter()`, all labelled with
//! the activity type, task queue and namespace.
//!
//! `cargo run --example prometheus` runs three activities, one of them failing, reads the
//! endpoint as Prometheus would, and prints the samples that matter. In a deployment, leave
//! `.prometheus(...)` out of the code and set `TEMPORAL_PROMETHEUS_ADDRESS=0.0.0.0:9464`
//! instead; the `worker` module's documentation lists the metrics worth a dashboard.

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};

use activity_runtime::client::execute_activity;
use activity_runtime::metrics::Instrument;
use activity_runtime::{ActivityContext, ActivityError, Worker, activity, activity_set};

/// Resizes an image of `bytes` bytes; an empty one is refused.
#[activity]
async fn resize_image(ctx: ActivityContext, bytes: u64) -> Result<u64, ActivityError> {
    let meter = ctx.metric_meter();
    meter
        .histogram(Instrument::new("image_input_bytes").unit("By"))
        .record(bytes);
    if bytes == 0 {
        meter.counter("images_rejected").add(1);
        return Err(ActivityError::new("the image is empty").non_retryable());
    }
    meter
        .counter(Instrument::new("images_resized").description("Images resized to thumbnails"))
        .add(1);
    Ok(bytes / 10)
}

/// The endpoint's text, as Prometheus reads it.
fn scrape(address: SocketAddr) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(address)?;
    stream.write_all(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    Ok(response)
}

/// The value of `metric` in the series of `activity_type`.
fn sample(text: &str, metric: &str, activity_type: &str) -> Option<f64> {
    let label = format!("activity_type=\"{activity_type}\"");
    text.lines()
        .filter(|line| line.starts_with(&format!("{metric}{{")) && line.contains(&label))
        .find_map(|line| line.rsplit(' ').next()?.parse().ok())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let worker = Worker::builder("images", activity_set![resize_image])
        // Port 0: any free port, read back from the worker.
        .prometheus(SocketAddr::from(([127, 0, 0, 1], 0)));
    let local = common::Local::start("images", worker).await?;
    let address = local.metrics_address.expect("the endpoint was asked for");
    for (n, bytes) in [2_000_000u64, 0, 350_000].into_iter().enumerate() {
        let options = local.options(&format!("resize-{n}"), None);
        let outcome = execute_activity(&local.client, resize_image::ACTIVITY, bytes, options).await;
        println!(
            "resize {bytes} bytes: {}",
            if outcome.is_ok() { "ok" } else { "failed" }
        );
    }
    let text = tokio::task::spawn_blocking(move || scrape(address)).await??;
    println!("metrics at http://{address}/metrics:");
    for metric in [
        "images_resized",
        "images_rejected",
        "image_input_bytes_count",
        "temporal_activity_execution_latency_count",
        "temporal_activity_execution_failed",
    ] {
        let value = sample(&text, metric, "resize_image").unwrap_or_default();
        println!("  {metric}{{activity_type=\"resize_image\"}} {value}");
    }
    local.stop().await
}
