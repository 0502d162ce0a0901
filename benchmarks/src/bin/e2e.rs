//! The end-to-end benchmark: every worker serves the seed's `your_activity` on a task queue of
//! its own, against one local dev server, and the same driver sends each the same load in turn,
//! the order rotating every round, so that drift on a shared machine falls on all of them.
//!
//! ```sh
//! cargo run --release -p activity-benchmarks --bin e2e -- [--activities 1000] [--rounds 3] \
//!     [--shapes fanout,standalone] [--workers ours,official,...] [--in-flight 100]
//! ```
//!
//! Two loads, each scheduling every activity at once so that the worker, not the caller, sets
//! the pace: a fan-out (workflows of up to 1,000 activities each, on one shared workflow
//! worker in this process, start them all and await them) and standalone activities (one
//! shared client starts them all, `--in-flight` calls at a time, then awaits every result).
//! For each worker it reports the medians over rounds of activities per second (from the
//! first schedule to the last close, on the server's clock), the worker process's user +
//! system CPU per activity (measured over the load only, after a warm-up) and its ratio to
//! ours (the median of each round's ratio, so that drift between rounds cancels), the bytes
//! it read and wrote per activity, its peak RSS, and the p50 and p99 of schedule-to-close
//! latency (the workflow's history; each standalone activity's description).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use activity_benchmarks::driver::{
    COMPARED, Load, Span, Subject, WorkerProcess, deadline, fan_out, on_dev_server, select, unique,
    within, your_activity,
};
use activity_benchmarks::{YourParams, cpu_time, flag, io_bytes, median, peak_rss, percentile};
use activity_runtime::client::{
    ActivityCloseTimeouts, ActivityStartOptions, Client, start_activity,
};
use futures::future::join_all;
use temporalio_client::{ActivityDescribeOptions, ActivityExecutionInfoLike};
use tokio::sync::Semaphore;

/// What one run of one worker under one load measured.
#[derive(Debug, Clone, serde::Serialize)]
struct Sample {
    per_second: f64,
    cpu_ms_per_activity: f64,
    /// This round's CPU per activity over ours in the same round: paired, so that drift
    /// between rounds cancels out.
    cpu_to_ours: Option<f64>,
    io_kib_per_activity: f64,
    peak_rss_mib: f64,
    p50_ms: f64,
    p99_ms: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
enum Shape {
    FanOut,
    Standalone,
}

struct Settings {
    activities: u32,
    rounds: usize,
    in_flight: usize,
    warm_up: u32,
    shapes: Vec<Shape>,
    subjects: Vec<Subject>,
    json: Option<PathBuf>,
}

fn main() -> anyhow::Result<()> {
    let settings = settings()?;
    // The driver's own runtime: the workers under test are other processes.
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(drive(settings))
}

async fn drive(settings: Settings) -> anyhow::Result<()> {
    let settings = &settings;
    let results =
        on_dev_server(
            |address, client| async move { measure_all(settings, &address, &client).await },
        )
        .await?;
    report(settings, &results);
    if let Some(path) = &settings.json {
        std::fs::write(path, serde_json::to_vec_pretty(&json_of(&results))?)?;
    }
    Ok(())
}

type Results = HashMap<(Shape, &'static str), Vec<Sample>>;

async fn measure_all(
    settings: &Settings,
    address: &str,
    client: &Client,
) -> anyhow::Result<Results> {
    let mut results = Results::new();
    for round in 0..settings.rounds {
        for shape in &settings.shapes {
            let count = settings.subjects.len();
            for at in 0..count {
                let subject = &settings.subjects[(at + round) % count];
                let queue = format!("bench-{}-{round}-{shape:?}", subject.name).to_lowercase();
                let sample = measure(settings, *shape, subject, address, client, &queue).await?;
                eprintln!(
                    "round {} {shape:?} {:<18} {:>7.0} act/s {:>6.3} CPU ms/act {:>5.2} I/O KiB/act {:>6.1} MiB p50 {:>6.1} ms p99 {:>6.1} ms",
                    round + 1,
                    subject.name,
                    sample.per_second,
                    sample.cpu_ms_per_activity,
                    sample.io_kib_per_activity,
                    sample.peak_rss_mib,
                    sample.p50_ms,
                    sample.p99_ms
                );
                results
                    .entry((*shape, subject.name))
                    .or_default()
                    .push(sample);
            }
            pair_with_ours(&mut results, *shape, round);
        }
    }
    Ok(results)
}

/// Sets each sample of `round` its CPU over ours in the same round, when ours ran.
fn pair_with_ours(results: &mut Results, shape: Shape, round: usize) {
    let Some(ours) = results
        .get(&(shape, "ours"))
        .and_then(|samples| samples.get(round))
        .map(|sample| sample.cpu_ms_per_activity)
    else {
        return;
    };
    for ((of_shape, _), samples) in results.iter_mut() {
        if let Some(sample) = samples.get_mut(round).filter(|_| *of_shape == shape) {
            sample.cpu_to_ours = Some(sample.cpu_ms_per_activity / ours);
        }
    }
}

async fn measure(
    settings: &Settings,
    shape: Shape,
    subject: &Subject,
    address: &str,
    client: &Client,
    queue: &str,
) -> anyhow::Result<Sample> {
    let worker = WorkerProcess::start(subject, address, queue, &[])?;
    load(shape, client, queue, settings.warm_up, settings.in_flight).await?;
    let cpu_before = cpu_time(worker.pid());
    let io_before = io_bytes(worker.pid());
    let measured = load(
        shape,
        client,
        queue,
        settings.activities,
        settings.in_flight,
    )
    .await?;
    let cpu = cpu_time(worker.pid()) - cpu_before;
    let io = io_bytes(worker.pid()) - io_before;
    let peak = peak_rss(worker.pid());
    worker.stop();
    let milliseconds = measured.latencies_ms();
    Ok(Sample {
        per_second: f64::from(settings.activities) / measured.window().as_secs_f64(),
        cpu_ms_per_activity: cpu.as_secs_f64() * 1e3 / f64::from(settings.activities),
        cpu_to_ours: None,
        io_kib_per_activity: io as f64 / 1024.0 / f64::from(settings.activities),
        peak_rss_mib: peak as f64 / (1024.0 * 1024.0),
        p50_ms: percentile(&milliseconds, 0.5),
        p99_ms: percentile(&milliseconds, 0.99),
    })
}

/// Runs `count` activities on `queue` in `shape`, each shape within its deadline.
async fn load(
    shape: Shape,
    client: &Client,
    queue: &str,
    count: u32,
    in_flight: usize,
) -> anyhow::Result<Load> {
    match shape {
        Shape::FanOut => fan_out(client, queue, count).await,
        Shape::Standalone => {
            let what = format!("the standalone load of {count} activities on `{queue}`");
            let load = standalone(client, queue, count, in_flight);
            within(deadline(count), &what, load).await
        }
    }
}

/// Starts `count` standalone activities, at most `in_flight` starts at a time, then waits for
/// every result; the latencies are the server's, from each activity's schedule to its close.
async fn standalone(
    client: &Client,
    queue: &str,
    count: u32,
    in_flight: usize,
) -> anyhow::Result<Load> {
    let slots = Arc::new(Semaphore::new(in_flight));
    let batch = unique();
    let starts = (0..count).map(|n| {
        let slots = Arc::clone(&slots);
        let options = ActivityStartOptions::new(
            queue.to_string(),
            format!("{queue}-{batch}-{n}"),
            ActivityCloseTimeouts::StartToClose(Duration::from_secs(120)),
        )
        .build();
        async move {
            let _slot = slots.acquire().await.expect("never closed");
            let input = YourParams {
                greeting: "Hello".to_string(),
                name: format!("World {n}"),
            };
            start_activity(client, your_activity::ACTIVITY, input, options).await
        }
    });
    let started = join_all(starts)
        .await
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
    // Waited for `in_flight` at a time too: the close times are the server's, whenever they
    // are read, and a thousand long polls at once slow the dev server down.
    let results = join_all(started.iter().map(|activity| {
        let slots = Arc::clone(&slots);
        async move {
            let _slot = slots.acquire().await.expect("never closed");
            activity.result().await
        }
    }))
    .await;
    for (n, greeting) in results.into_iter().enumerate() {
        let greeting = greeting?;
        anyhow::ensure!(
            greeting == format!("Hello, World {n}!"),
            "wrong result {greeting}"
        );
    }
    let descriptions = join_all(started.iter().map(|activity| {
        activity
            .handle()
            .describe(ActivityDescribeOptions::default())
    }))
    .await;
    let mut spans = Vec::with_capacity(started.len());
    for description in descriptions {
        let description = description?;
        let (Some(scheduled), Some(closed)) =
            (description.schedule_time(), description.close_time())
        else {
            anyhow::bail!("a closed activity without its times");
        };
        spans.push(Span {
            scheduled,
            started: None,
            closed,
        });
    }
    Ok(Load { spans })
}

fn report(settings: &Settings, results: &Results) {
    for shape in &settings.shapes {
        println!(
            "\n{} of {} activities, medians of {} rounds\n",
            match shape {
                Shape::FanOut => "Workflow fan-out",
                Shape::Standalone => "Standalone activities",
            },
            settings.activities,
            settings.rounds
        );
        println!(
            "| worker | act/s | CPU ms/activity | CPU ÷ ours | I/O KiB/activity | peak RSS MiB | p50 ms | p99 ms |"
        );
        println!("|---|---|---|---|---|---|---|---|");
        for subject in &settings.subjects {
            let samples: &Vec<Sample> = &results[&(*shape, subject.name)];
            let of = |f: fn(&Sample) -> f64| median(&samples.iter().map(f).collect::<Vec<_>>());
            let ratios: Vec<f64> = samples.iter().filter_map(|s| s.cpu_to_ours).collect();
            let ratio = if ratios.is_empty() {
                "–".to_string()
            } else {
                format!("{:.2}", median(&ratios))
            };
            println!(
                "| {} | {:.0} | {:.3} | {ratio} | {:.2} | {:.1} | {:.1} | {:.1} |",
                subject.name,
                of(|s| s.per_second),
                of(|s| s.cpu_ms_per_activity),
                of(|s| s.io_kib_per_activity),
                of(|s| s.peak_rss_mib),
                of(|s| s.p50_ms),
                of(|s| s.p99_ms),
            );
        }
    }
}

fn json_of(results: &Results) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    for ((shape, name), samples) in results {
        out.insert(
            format!("{shape:?}/{name}"),
            serde_json::to_value(samples).expect("numbers"),
        );
    }
    serde_json::Value::Object(out)
}

fn settings() -> anyhow::Result<Settings> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| flag(&args, name);
    let number = |name: &str, default: usize| -> anyhow::Result<usize> {
        value(name).map_or(Ok(default), |v| Ok(v.parse()?))
    };
    let smoke = args.iter().any(|arg| arg == "--smoke");
    let subjects = select(value("--workers").as_deref(), &COMPARED)?;
    let shapes = match value("--shapes").as_deref() {
        None => vec![Shape::FanOut, Shape::Standalone],
        Some(list) => list
            .split(',')
            .map(|shape| match shape {
                "fanout" => Ok(Shape::FanOut),
                "standalone" => Ok(Shape::Standalone),
                other => Err(anyhow::anyhow!(
                    "unknown shape `{other}`: fanout or standalone"
                )),
            })
            .collect::<anyhow::Result<_>>()?,
    };
    Ok(Settings {
        activities: number("--activities", if smoke { 50 } else { 1000 })? as u32,
        rounds: number("--rounds", if smoke { 1 } else { 3 })?,
        in_flight: number("--in-flight", 100)?,
        warm_up: number("--warm-up", if smoke { 5 } else { 50 })? as u32,
        shapes,
        subjects,
        json: value("--json").map(PathBuf::from),
    })
}
