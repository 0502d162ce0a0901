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
//! the pace: a fan-out (one workflow, on one shared workflow worker in this process, starts
//! them all and awaits them) and standalone activities (one shared client starts them all,
//! `--in-flight` calls at a time, then awaits every result). For each worker it reports
//! the medians over rounds of activities per second (from the first schedule to the last
//! close, on the server's clock), the worker process's user + system CPU per activity
//! (measured over the load only, after a warm-up), its peak RSS, and the p50 and p99 of
//! schedule-to-close latency (the workflow's history; each standalone activity's description).

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use activity_benchmarks::{YourParams, cpu_time, flag, greet, median, peak_rss, percentile};
use activity_runtime::client::{
    ActivityCloseTimeouts, ActivityStartOptions, Client, start_activity,
};
use activity_runtime::dev_server::DevServer;
use activity_runtime::{activity, activity_set, official};
use futures::future::join_all;
use temporalio_client::{
    ActivityDescribeOptions, ActivityExecutionInfoLike, UntypedWorkflow,
    WorkflowFetchHistoryOptions, WorkflowGetResultOptions, WorkflowStartOptions,
};
use temporalio_common::protos::temporal::api::history::v1::history_event::Attributes;
use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{
    ActivityOptions, Runtime, Worker, WorkerOptions, WorkflowContext, WorkflowResult,
};
use tokio::sync::Semaphore;

/// The seed's signature, for the workflow to call it typed; the workers under test serve it.
#[activity(name = "your_activity")]
async fn your_activity(input: YourParams) -> String {
    greet(&input)
}

const WORKFLOW_QUEUE: &str = "bench-workflows";

#[workflow]
#[derive(Default)]
pub struct FanOut;

#[workflow_methods]
impl FanOut {
    /// Starts `count` activities on `queue` at once and waits for them all.
    #[run]
    pub async fn run(
        ctx: &mut WorkflowContext<Self>,
        (queue, count): (String, u32),
    ) -> WorkflowResult<u32> {
        let calls = (0..count).map(|n| {
            ctx.execute_activity(
                your_activity::ACTIVITY,
                YourParams {
                    greeting: "Hello".to_string(),
                    name: format!("World {n}"),
                },
                ActivityOptions::with_start_to_close_timeout(Duration::from_secs(120))
                    .task_queue(queue.clone())
                    .build(),
            )
        });
        // The SDK's own join: the `futures` one wakes through wakers of its own, which the
        // workflow's determinism check refuses.
        let results = temporalio_sdk::workflows::join_all(calls).await;
        Ok(results.iter().filter(|result| result.is_ok()).count() as u32)
    }
}

/// One worker under test: how to start it.
#[derive(Debug, Clone)]
struct Subject {
    name: &'static str,
    program: PathBuf,
    args: Vec<String>,
}

/// What one run of one worker under one load measured.
#[derive(Debug, Clone, serde::Serialize)]
struct Sample {
    per_second: f64,
    cpu_ms_per_activity: f64,
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
    let server = DevServer::start().await?;
    let client = server
        .connection()
        .compression(activity_runtime::connection::Compression::None)
        .client()
        .await?;
    let runtime = Runtime::from_current_tokio(Default::default())?;
    let options = WorkerOptions::new(WORKFLOW_QUEUE)
        .register_workflow::<FanOut>()?
        .register_activities(official::Activities::new(activity_set![])?)
        .build();
    let mut workflows = Worker::new(&runtime, client.clone(), options)?;
    let stop_workflows = workflows.shutdown_handle();
    let body = async {
        let result = measure_all(&settings, server.address(), &client).await;
        stop_workflows();
        result
    };
    let (ran, results) = tokio::join!(workflows.run(), body);
    ran?;
    let results = results?;
    report(&settings, &results);
    if let Some(path) = &settings.json {
        std::fs::write(path, serde_json::to_vec_pretty(&json_of(&results))?)?;
    }
    server.shutdown().await;
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
                    "round {} {shape:?} {:<18} {:>7.0} act/s {:>6.3} CPU ms/act {:>6.1} MiB p50 {:>6.1} ms p99 {:>6.1} ms",
                    round + 1,
                    subject.name,
                    sample.per_second,
                    sample.cpu_ms_per_activity,
                    sample.peak_rss_mib,
                    sample.p50_ms,
                    sample.p99_ms
                );
                results
                    .entry((*shape, subject.name))
                    .or_default()
                    .push(sample);
            }
        }
    }
    Ok(results)
}

async fn measure(
    settings: &Settings,
    shape: Shape,
    subject: &Subject,
    address: &str,
    client: &Client,
    queue: &str,
) -> anyhow::Result<Sample> {
    let worker = WorkerProcess::start(subject, address, queue)?;
    load(shape, client, queue, settings.warm_up, settings.in_flight).await?;
    let cpu_before = cpu_time(worker.pid());
    let measured = load(
        shape,
        client,
        queue,
        settings.activities,
        settings.in_flight,
    )
    .await?;
    let cpu = cpu_time(worker.pid()) - cpu_before;
    let peak = peak_rss(worker.pid());
    worker.stop();
    let milliseconds: Vec<f64> = measured
        .latencies
        .iter()
        .map(|d| d.as_secs_f64() * 1e3)
        .collect();
    Ok(Sample {
        per_second: f64::from(settings.activities) / measured.window.as_secs_f64(),
        cpu_ms_per_activity: cpu.as_secs_f64() * 1e3 / f64::from(settings.activities),
        peak_rss_mib: peak as f64 / (1024.0 * 1024.0),
        p50_ms: percentile(&milliseconds, 0.5),
        p99_ms: percentile(&milliseconds, 0.99),
    })
}

/// Runs `count` activities on `queue` in `shape`.
async fn load(
    shape: Shape,
    client: &Client,
    queue: &str,
    count: u32,
    in_flight: usize,
) -> anyhow::Result<Load> {
    // A load that never finishes (a fan-out workflow whose task the server refuses, say)
    // must end the run with a reason, not hang it.
    let limit = Duration::from_secs(120) + Duration::from_millis(200) * count;
    let load = async {
        match shape {
            Shape::FanOut => fan_out(client, queue, count).await,
            Shape::Standalone => standalone(client, queue, count, in_flight).await,
        }
    };
    tokio::time::timeout(limit, load).await.unwrap_or_else(|_| {
        Err(anyhow::anyhow!(
            "the {shape:?} load of {count} activities on `{queue}` did not finish within \
             {limit:?}; look for failed workflow tasks with `temporal workflow list` (one \
             workflow task cannot schedule many more than 1,000 activities) and for errors in \
             the dev server's log above"
        ))
    })
}

async fn fan_out(client: &Client, queue: &str, count: u32) -> anyhow::Result<Load> {
    let id = format!("fan-out-{queue}-{count}-{}", unique());
    let handle = client
        .start_workflow(
            FanOut::run,
            (queue.to_string(), count),
            WorkflowStartOptions::new(WORKFLOW_QUEUE, id.as_str()).build(),
        )
        .await?;
    let completed = handle
        .get_result(WorkflowGetResultOptions::default())
        .await?;
    anyhow::ensure!(
        completed == count,
        "{completed} of {count} activities completed"
    );
    let events = client
        .get_workflow_handle::<UntypedWorkflow>(id.as_str())
        .fetch_history(WorkflowFetchHistoryOptions::default())
        .into_events()
        .await?;
    let time = |event: &temporalio_common::protos::temporal::api::history::v1::HistoryEvent| {
        let at = event.event_time.expect("every event has a time");
        SystemTime::UNIX_EPOCH + Duration::new(at.seconds as u64, at.nanos as u32)
    };
    let mut scheduled = HashMap::new();
    let mut spans = Vec::with_capacity(count as usize);
    for event in &events {
        match &event.attributes {
            Some(Attributes::ActivityTaskScheduledEventAttributes(_)) => {
                scheduled.insert(event.event_id, time(event));
            }
            Some(Attributes::ActivityTaskCompletedEventAttributes(completed)) => {
                spans.push((scheduled[&completed.scheduled_event_id], time(event)));
            }
            _ => {}
        }
    }
    Ok(Load::from_spans(&spans))
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
        spans.push((scheduled, closed));
    }
    Ok(Load::from_spans(&spans))
}

/// What one load measured on the server's clock.
struct Load {
    /// From the first activity's schedule to the last one's close.
    window: Duration,
    latencies: Vec<Duration>,
}

impl Load {
    fn from_spans(spans: &[(SystemTime, SystemTime)]) -> Self {
        let first = spans
            .iter()
            .map(|(scheduled, _)| *scheduled)
            .min()
            .expect("activities");
        let last = spans
            .iter()
            .map(|(_, closed)| *closed)
            .max()
            .expect("activities");
        Self {
            window: last.duration_since(first).unwrap_or_default(),
            latencies: spans
                .iter()
                .map(|(scheduled, closed)| closed.duration_since(*scheduled).unwrap_or_default())
                .collect(),
        }
    }
}

fn unique() -> u128 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .expect("after 1970")
        .as_nanos()
}

/// A worker under test, running.
struct WorkerProcess {
    child: Child,
}

impl WorkerProcess {
    fn start(subject: &Subject, address: &str, queue: &str) -> anyhow::Result<Self> {
        let mut child = Command::new(&subject.program)
            .args(&subject.args)
            .args(["--address", address, "--task-queue", queue])
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|error| anyhow::anyhow!("{}: {error}", subject.program.display()))?;
        let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
        let mut line = String::new();
        stdout.read_line(&mut line)?;
        anyhow::ensure!(
            line.trim() == "ready",
            "{} did not start: {line:?}",
            subject.name
        );
        std::thread::spawn(move || for _ in stdout.lines() {});
        Ok(Self { child })
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Asks the worker to stop, and kills it if it has not within ten seconds.
    fn stop(mut self) {
        // SAFETY: a signal to our own child.
        unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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
            "| worker | act/s | CPU ms/activity | CPU ÷ ours | peak RSS MiB | p50 ms | p99 ms |"
        );
        println!("|---|---|---|---|---|---|---|");
        let medians = |name| {
            let samples: &Vec<Sample> = &results[&(*shape, name)];
            let of = |f: fn(&Sample) -> f64| median(&samples.iter().map(f).collect::<Vec<_>>());
            Sample {
                per_second: of(|s| s.per_second),
                cpu_ms_per_activity: of(|s| s.cpu_ms_per_activity),
                peak_rss_mib: of(|s| s.peak_rss_mib),
                p50_ms: of(|s| s.p50_ms),
                p99_ms: of(|s| s.p99_ms),
            }
        };
        let ours = settings
            .subjects
            .iter()
            .any(|s| s.name == "ours")
            .then(|| medians("ours").cpu_ms_per_activity);
        for subject in &settings.subjects {
            let m = medians(subject.name);
            let ratio = ours.map_or("–".to_string(), |ours| {
                format!("{:.2}", m.cpu_ms_per_activity / ours)
            });
            println!(
                "| {} | {:.0} | {:.3} | {ratio} | {:.1} | {:.1} | {:.1} |",
                subject.name,
                m.per_second,
                m.cpu_ms_per_activity,
                m.peak_rss_mib,
                m.p50_ms,
                m.p99_ms
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
    let all = subjects()?;
    let wanted = value("--workers");
    let subjects = match &wanted {
        None => all,
        Some(list) => {
            let names: Vec<&str> = list.split(',').collect();
            for name in &names {
                anyhow::ensure!(
                    all.iter().any(|s| s.name == *name),
                    "unknown worker `{name}`; known: {}",
                    all.iter().map(|s| s.name).collect::<Vec<_>>().join(", ")
                );
            }
            all.into_iter()
                .filter(|s| names.contains(&s.name))
                .collect()
        }
    };
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

/// Every worker the benchmark knows: ours at its defaults and at each peer's settings, the
/// official SDK's, Python's, and the Core floor at each setting.
fn subjects() -> anyhow::Result<Vec<Subject>> {
    let bin = |name: &str| -> anyhow::Result<PathBuf> {
        let dir = std::env::current_exe()?
            .parent()
            .map(PathBuf::from)
            .ok_or_else(|| anyhow::anyhow!("the driver's directory"))?;
        Ok(dir.join(name))
    };
    let rust = |name: &'static str, program: &str, args: &[&str]| -> anyhow::Result<Subject> {
        Ok(Subject {
            name,
            program: bin(program)?,
            args: args.iter().map(|arg| arg.to_string()).collect(),
        })
    };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let python = std::env::var_os("BENCH_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../.venv/bin/python"));
    Ok(vec![
        rust("ours", "worker_ours", &[])?,
        rust("ours-gzip", "worker_ours", &["--compression", "gzip"])?,
        rust(
            "ours-current",
            "worker_ours",
            &["--compression", "none", "--runtime", "current"],
        )?,
        rust("official", "worker_official", &[])?,
        rust(
            "official-no-gzip",
            "worker_official",
            &["--compression", "none"],
        )?,
        Subject {
            name: "python",
            program: python,
            args: vec![root.join("python/worker.py").to_string_lossy().into_owned()],
        },
        rust("core-gzip", "worker_core", &["--compression", "gzip"])?,
        rust("core", "worker_core", &["--compression", "none"])?,
        rust(
            "core-current",
            "worker_core",
            &["--compression", "none", "--runtime", "current"],
        )?,
    ])
}
