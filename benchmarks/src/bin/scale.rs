//! The scale benchmark: how a worker's cost moves with load, against one local dev server,
//! every worker a separate process on a task queue of its own, as in `e2e`.
//!
//! ```sh
//! cargo run --release -p activity-benchmarks --bin scale -- \
//!     [--tables concurrency,memory,isolation] [--workers ours,official,python,core,core-split] \
//!     [--rounds 3] [--smoke]
//! ```
//!
//! - **concurrency**: CPU per activity with 1, 10, 100 and 1,000 activities in flight: the
//!   seed's activity in waves of that many, each wave scheduled at once when the last has
//!   closed; the workers have 1,000 slots.
//! - **memory**: the peak RSS with 10,000 sleeping async activities in flight (`sleep_async`,
//!   10,000 slots) and with 100 blocking ones (`sleep_blocking`, 100 slots), over the RSS
//!   before; per activity, divided by the most that ran at one instant (the histories' start
//!   and close times), which is checked to be the whole load.
//! - **isolation**: the seed's activity 500 times in waves of 10, alone and again while 8
//!   blocking activities sleep 500 ms each (`std::thread::sleep`; Python: `time.sleep` on its
//!   thread-pool executor), back to back; the async p50 and p99 of both, and the rise, of
//!   schedule-to-close (what the caller sees) and of start-to-close (the worker's part, from
//!   the poll that took it to its completion). The run is checked to have overlapped the
//!   blocking load from its first schedule to its last close.

use std::time::Duration;

use activity_benchmarks::driver::{
    Kind, Load, Plan, Subject, WorkerProcess, fan_out, on_dev_server, select, waves,
};
use activity_benchmarks::{cpu_time, flag, median, peak_rss, percentile, rss};
use activity_runtime::client::Client;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Table {
    Concurrency,
    Memory,
    Isolation,
}

struct Settings {
    tables: Vec<Table>,
    subjects: Vec<Subject>,
    rounds: usize,
    smoke: bool,
}

fn main() -> anyhow::Result<()> {
    let settings = &settings()?;
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(on_dev_server(|address, client| async move {
            for table in &settings.tables {
                match table {
                    Table::Concurrency => concurrency(settings, &address, &client).await?,
                    Table::Memory => memory(settings, &address, &client).await?,
                    Table::Isolation => isolation(settings, &address, &client).await?,
                }
            }
            Ok(())
        }))
}

/// The in-flight counts of the concurrency table, and how many activities each runs.
fn concurrency_steps(smoke: bool) -> Vec<(u32, u32)> {
    if smoke {
        vec![(1, 5), (10, 20)]
    } else {
        vec![(1, 400), (10, 1000), (100, 2000), (1000, 2000)]
    }
}

async fn concurrency(settings: &Settings, address: &str, client: &Client) -> anyhow::Result<()> {
    let steps = concurrency_steps(settings.smoke);
    // (subject, step) -> CPU ms per activity, act/s, p50, p99 of each round
    let mut samples = vec![vec![Vec::new(); steps.len()]; settings.subjects.len()];
    for round in 0..settings.rounds {
        for at in 0..settings.subjects.len() {
            let index = (at + round) % settings.subjects.len();
            let subject = &settings.subjects[index];
            let queue = format!("scale-{}-{round}", subject.name);
            let worker = WorkerProcess::start(subject, address, &queue, &slots(1000))?;
            fan_out(client, &queue, if settings.smoke { 5 } else { 50 }).await?;
            for (step, &(wave, count)) in steps.iter().enumerate() {
                let cpu_before = cpu_time(worker.pid());
                let load = waves(client, plan(&queue, Kind::Seed, count, wave, 0)).await?;
                let cpu = cpu_time(worker.pid()) - cpu_before;
                let latencies = load.latencies_ms();
                let sample = [
                    cpu.as_secs_f64() * 1e3 / f64::from(count),
                    f64::from(count) / load.window().as_secs_f64(),
                    percentile(&latencies, 0.5),
                    percentile(&latencies, 0.99),
                ];
                eprintln!(
                    "round {} concurrency {wave:>4} {:<10} {:.3} CPU ms/act {:>5.0} act/s p50 {:.1} ms p99 {:.1} ms",
                    round + 1,
                    subject.name,
                    sample[0],
                    sample[1],
                    sample[2],
                    sample[3]
                );
                samples[index][step].push(sample);
            }
            worker.stop();
        }
    }
    println!(
        "\nCPU ms per activity by activities in flight (act/s, p50 ms, p99 ms), medians of {} rounds\n",
        settings.rounds
    );
    let header: Vec<String> = steps
        .iter()
        .map(|(wave, count)| format!("{wave} in flight ({count} activities)"))
        .collect();
    println!("| worker | {} |", header.join(" | "));
    println!("|---|{}", "---|".repeat(steps.len()));
    for (index, subject) in settings.subjects.iter().enumerate() {
        let cells: Vec<String> = samples[index]
            .iter()
            .map(|rounds| {
                let of =
                    |field: usize| median(&rounds.iter().map(|s| s[field]).collect::<Vec<_>>());
                format!(
                    "**{:.3}** ({:.0}/s, {:.0}, {:.0})",
                    of(0),
                    of(1),
                    of(2),
                    of(3)
                )
            })
            .collect();
        println!("| {} | {} |", subject.name, cells.join(" | "));
    }
    Ok(())
}

async fn memory(settings: &Settings, address: &str, client: &Client) -> anyhow::Result<()> {
    let loads = if settings.smoke {
        [
            (Kind::SleepAsync, 20, 2_000),
            (Kind::SleepBlocking, 4, 2_000),
        ]
    } else {
        [
            (Kind::SleepAsync, 10_000, 150_000),
            (Kind::SleepBlocking, 100, 10_000),
        ]
    };
    let subjects = serving_sleepers(settings);
    println!("\nMemory with sleeping activities in flight, one round\n");
    println!(
        "| worker | activities | most in flight at once | RSS before MiB | peak RSS MiB | KiB per activity |"
    );
    println!("|---|---|---|---|---|---|");
    for subject in &subjects {
        for (kind, count, sleep_ms) in loads {
            let queue = format!("memory-{}-{kind:?}", subject.name).to_lowercase();
            let worker = WorkerProcess::start(subject, address, &queue, &slots(count as usize))?;
            fan_out(client, &queue, 5).await?;
            let before = rss(worker.pid());
            let load = waves(client, plan(&queue, kind, count, count, sleep_ms)).await?;
            let peak = peak_rss(worker.pid());
            worker.stop();
            let running = load.peak_running();
            anyhow::ensure!(
                running == count as usize,
                "{}: only {running} of {count} {kind:?} activities were in flight at once; \
                 they need a longer sleep than {sleep_ms} ms",
                subject.name
            );
            let mib = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
            let name = match kind {
                Kind::SleepAsync => "sleeping async",
                _ => "sleeping blocking",
            };
            println!(
                "| {} | {count} {name} | {running} | {:.1} | {:.1} | {:.1} |",
                subject.name,
                mib(before),
                mib(peak),
                peak.saturating_sub(before) as f64 / 1024.0 / running as f64
            );
        }
    }
    Ok(())
}

async fn isolation(settings: &Settings, address: &str, client: &Client) -> anyhow::Result<()> {
    // `waves` blocking activities after another on each of `chains`: long enough to outlast
    // the async run by far, which is checked below.
    let (count, wave, chains, waves_blocking) = if settings.smoke {
        (20, 10, 2, 6)
    } else {
        (500, 10, 8, 40)
    };
    let subjects = serving_sleepers(settings);
    // (subject) -> [p50 alone, p99 alone, p50 beside, p99 beside] of each round
    let mut samples = vec![Vec::new(); subjects.len()];
    for round in 0..settings.rounds {
        for at in 0..subjects.len() {
            let index = (at + round) % subjects.len();
            let subject = subjects[index];
            let queue = format!("isolation-{}-{round}", subject.name);
            let worker = WorkerProcess::start(subject, address, &queue, &[])?;
            fan_out(client, &queue, if settings.smoke { 5 } else { 50 }).await?;
            let seed = || plan(&queue, Kind::Seed, count, wave, 0);
            let alone = waves(client, seed()).await?;
            let blocking = plan(
                &queue,
                Kind::SleepBlocking,
                chains * waves_blocking,
                chains,
                500,
            );
            let (blocked, beside) = tokio::join!(waves(client, blocking), async {
                // The first wave of blocking activities is running before the async run starts.
                tokio::time::sleep(Duration::from_millis(1000)).await;
                waves(client, seed()).await
            });
            let (blocked, beside) = (blocked?, beside?);
            worker.stop();
            overlapped(&blocked, &beside, subject)?;
            let percentiles = |load: &Load| {
                let (total, run) = (load.latencies_ms(), load.run_latencies_ms());
                [
                    percentile(&total, 0.5),
                    percentile(&total, 0.99),
                    percentile(&run, 0.5),
                    percentile(&run, 0.99),
                ]
            };
            let (a, b) = (percentiles(&alone), percentiles(&beside));
            // p50, p99 alone; p50, p99 beside; of schedule-to-close, then of start-to-close.
            let sample = [a[0], a[1], b[0], b[1], a[2], a[3], b[2], b[3]];
            eprintln!(
                "round {} isolation {:<10} schedule-to-close alone p50 {:.1} p99 {:.1} ms, beside \
                 p50 {:.1} p99 {:.1} ms; start-to-close alone p50 {:.1} p99 {:.1} ms, beside \
                 p50 {:.1} p99 {:.1} ms",
                round + 1,
                subject.name,
                sample[0],
                sample[1],
                sample[2],
                sample[3],
                sample[4],
                sample[5],
                sample[6],
                sample[7]
            );
            samples[index].push(sample);
        }
    }
    println!(
        "\n{count} async activities in waves of {wave}, alone and beside {chains} blocking \
         activities sleeping 500 ms, medians of {} rounds\n",
        settings.rounds
    );
    println!(
        "| worker | latency | p50 alone ms | p99 alone ms | p50 beside ms | p99 beside ms | p99 rise ms |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (index, subject) in subjects.iter().enumerate() {
        let of =
            |field: usize| median(&samples[index].iter().map(|s| s[field]).collect::<Vec<_>>());
        for (latency, at) in [("schedule to close", 0), ("start to close", 4)] {
            let rises: Vec<f64> = samples[index]
                .iter()
                .map(|s| s[at + 3] - s[at + 1])
                .collect();
            println!(
                "| {} | {latency} | {:.1} | {:.1} | {:.1} | {:.1} | {:+.1} |",
                subject.name,
                of(at),
                of(at + 1),
                of(at + 2),
                of(at + 3),
                median(&rises)
            );
        }
    }
    Ok(())
}

/// The workers that serve `sleep_async` and `sleep_blocking`: ours and Python's. The official
/// SDK's has no blocking activities, and the Core floor serves only the seed.
fn serving_sleepers(settings: &Settings) -> Vec<&Subject> {
    let serves = |subject: &&Subject| subject.name.starts_with("ours") || subject.name == "python";
    settings.subjects.iter().filter(serves).collect()
}

/// Fails unless blocking activities were running from the first schedule of `run` to its last
/// close: otherwise the run did not measure what it claims.
fn overlapped(blocking: &Load, run: &Load, subject: &Subject) -> anyhow::Result<()> {
    let started = blocking.spans.iter().filter_map(|span| span.started).min();
    let closed = blocking.spans.iter().map(|span| span.closed).max();
    let first = run.spans.iter().map(|span| span.scheduled).min();
    let last = run.spans.iter().map(|span| span.closed).max();
    match (started, closed, first, last) {
        (Some(started), Some(closed), Some(first), Some(last))
            if started <= first && last <= closed =>
        {
            Ok(())
        }
        _ => anyhow::bail!(
            "{}: the async run did not overlap the blocking load entirely",
            subject.name
        ),
    }
}

fn plan(queue: &str, kind: Kind, count: u32, wave: u32, sleep_ms: u64) -> Plan {
    Plan {
        queue: queue.to_string(),
        kind,
        count,
        wave,
        sleep_ms,
    }
}

fn slots(count: usize) -> Vec<String> {
    vec!["--slots".to_string(), count.to_string()]
}

fn settings() -> anyhow::Result<Settings> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| flag(&args, name);
    let smoke = args.iter().any(|arg| arg == "--smoke");
    let tables = value("--tables")
        .unwrap_or_else(|| "concurrency,memory,isolation".to_string())
        .split(',')
        .map(|table| match table {
            "concurrency" => Ok(Table::Concurrency),
            "memory" => Ok(Table::Memory),
            "isolation" => Ok(Table::Isolation),
            other => Err(anyhow::anyhow!(
                "unknown table `{other}`: concurrency, memory or isolation"
            )),
        })
        .collect::<anyhow::Result<_>>()?;
    Ok(Settings {
        tables,
        subjects: select(
            value("--workers").as_deref(),
            &["ours", "official", "python", "core", "core-split"],
        )?,
        rounds: value("--rounds").map_or(Ok(if smoke { 1 } else { 3 }), |v| v.parse())?,
        smoke,
    })
}
