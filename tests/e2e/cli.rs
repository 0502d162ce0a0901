//! The Temporal CLI, a real foreign client, executes our activities as standalone activities
//! on a real dev server.

use crate::support::seed::your_activity;
use crate::support::{cli, server};
use activity_runtime::{activity, activity_set};

#[activity]
fn compute_total(prices: Vec<u64>, discount_percent: u64) -> u64 {
    prices.iter().sum::<u64>() * (100 - discount_percent) / 100
}

/// Runs `temporal activity execute` and returns what it printed.
fn execute(task_queue: &str, activity_type: &str, inputs: &[&str]) -> String {
    let activity_id = server::task_queue(activity_type);
    let mut args = vec![
        "activity",
        "execute",
        "--type",
        activity_type,
        "--task-queue",
        task_queue,
        "--activity-id",
        &activity_id,
        "--start-to-close-timeout",
        "10s",
    ];
    for input in inputs {
        args.extend(["--input", input]);
    }
    cli::run(&args)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_executes_the_seed_activity_by_its_given_name() {
    let queue = server::task_queue("cli-seed");
    let worker = server::start_worker(&queue, activity_set![your_activity]).await;
    let queue_for_cli = queue.clone();
    let output = tokio::task::spawn_blocking(move || {
        execute(
            &queue_for_cli,
            "your_activity",
            &[r#"{"greeting":"Hello","name":"World"}"#],
        )
    })
    .await
    .unwrap();
    assert!(output.contains(r#""Hello, World!""#), "{output}");
    worker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_executes_a_default_named_blocking_activity_with_two_arguments() {
    let queue = server::task_queue("cli-total");
    let worker = server::start_worker(&queue, activity_set![compute_total]).await;
    let queue_for_cli = queue.clone();
    let output = tokio::task::spawn_blocking(move || {
        execute(&queue_for_cli, "compute_total", &["[100, 300]", "10"])
    })
    .await
    .unwrap();
    assert!(output.contains("360"), "{output}");
    worker.stop().await;
}
