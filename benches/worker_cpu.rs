//! Worker CPU per activity, measured side by side in one run: the same release-built worker
//! process with gRPC compression on (gzip) and off, against one local dev server.
//!
//! `cargo bench --bench worker_cpu` (set `ACTIVITIES` and `ROUNDS` to change the run). It
//! prints, for each setting, the median over rounds of the worker process's user + system CPU
//! time divided by the activities it ran, and the ratio of the two medians. Rounds alternate
//! between settings, so that drift on a shared machine falls on both.

#[path = "../tests/support/mod.rs"]
mod support;

use std::sync::Arc;
use std::time::Duration;

use activity_runtime::ConnectionConfig;
use activity_runtime::client::Client;
use activity_runtime::client::start_activity_by_name;
use activity_runtime::connection::Compression;
use activity_runtime::dev_server::DevServer;
use support::calls;
use support::worker_process::WorkerProcess;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// The process's user + system CPU time, from `/proc/PID/stat`.
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("/proc is readable");
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields = stat
        .rsplit_once(')')
        .expect("a stat line")
        .1
        .split_whitespace()
        .collect::<Vec<_>>();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as u64;
    Duration::from_secs_f64(ticks as f64 / per_second as f64)
}

async fn run_activities(client: Arc<Client>, queue: &str, count: usize) {
    let slots = Arc::new(Semaphore::new(64));
    let mut calls = JoinSet::new();
    for n in 0..count as u64 {
        let permit = Arc::clone(&slots).acquire_owned().await.unwrap();
        let (client, queue) = (Arc::clone(&client), queue.to_string());
        calls.spawn(async move {
            let options = calls::options(&queue, Duration::from_secs(30), None, 1);
            let started = start_activity_by_name::<u64>(&client, "square", (n,), options)
                .await
                .unwrap();
            assert_eq!(started.result().await.unwrap(), n * n);
            drop(permit);
        });
    }
    while let Some(call) = calls.join_next().await {
        call.unwrap();
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

#[tokio::main]
async fn main() {
    let activities = env_number("ACTIVITIES", 2_000);
    let rounds = env_number("ROUNDS", 3);
    let server = DevServer::start().await.expect("the dev server starts");
    let client = Arc::new(
        ConnectionConfig::new(server.address())
            .unwrap()
            .compression(Compression::None)
            .client()
            .await
            .unwrap(),
    );
    let settings = ["gzip", "none"];
    let mut per_activity: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    for round in 0..rounds {
        for (index, setting) in settings.iter().enumerate() {
            let queue = format!("bench-{setting}-{round}");
            let worker = WorkerProcess::start_with(
                server.address(),
                &queue,
                &[("TEST_WORKER_COMPRESSION", setting)],
            );
            let before = cpu_time(worker.pid());
            run_activities(Arc::clone(&client), &queue, activities).await;
            let used = cpu_time(worker.pid()) - before;
            worker.kill();
            let ms = used.as_secs_f64() * 1000.0 / activities as f64;
            println!("round {round}: {setting:>4}: {ms:.3} ms of worker CPU per activity");
            per_activity[index].push(ms);
        }
    }
    let gzip = median(per_activity[0].clone());
    let none = median(per_activity[1].clone());
    println!(
        "median over {rounds} rounds of {activities} activities: gzip {gzip:.3} ms, none {none:.3} ms \
         of worker CPU per activity; gzip / none = {:.2}",
        gzip / none
    );
    server.shutdown().await;
}
