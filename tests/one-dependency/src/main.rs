//! The seed, as a user writes it with one Temporal dependency: the activity, a worker that
//! serves it (`TEMPORAL_ADDRESS`, `TEMPORAL_TASK_QUEUE`), and a test through the test
//! environment. Everything named from the Temporal crates comes through `activity_runtime`.

use std::time::Duration;

use activity_runtime::client::{ActivityCloseTimeouts, ActivityStartOptions, RetryPolicy};
use activity_runtime::connection::TlsOptions;
use activity_runtime::payload::Payload;
use activity_runtime::payload::codec::PayloadCodec;
use activity_runtime::{ConnectionConfig, Worker, activity_set};

// The seed as the Python docs page writes it, shared with the end-to-end tests.
#[path = "../../support/seed.rs"]
mod seed;
use seed::your_activity;

/// The options a caller in Rust gives a standalone activity, built from re-exported types.
pub fn start_options(task_queue: &str) -> ActivityStartOptions {
    ActivityStartOptions::new(
        task_queue.to_string(),
        "your-activity-1".to_string(),
        ActivityCloseTimeouts::StartToClose(Duration::from_secs(10)),
    )
    .retry_policy(RetryPolicy::builder().maximum_attempts(3).build())
    .build()
}

/// Types a user names for TLS and payload encryption, without `temporalio-*` dependencies.
pub fn named(_: Option<TlsOptions>, _: Option<&dyn PayloadCodec>, _: Option<Payload>) {}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let task_queue =
        std::env::var("TEMPORAL_TASK_QUEUE").unwrap_or_else(|_| "hello-activities".to_string());
    Worker::builder(&task_queue, activity_set![your_activity])
        .connection(ConnectionConfig::from_env()?)
        .build()
        .await?
        .run_until_signal()
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::seed::YourParams;
    use super::*;
    use activity_runtime::testing::ActivityEnvironment;

    #[tokio::test]
    async fn the_seed_runs_with_one_temporal_dependency() {
        let env = ActivityEnvironment::new(activity_set![your_activity]).unwrap();
        let input = YourParams {
            greeting: "Hello".into(),
            name: "World".into(),
        };
        assert_eq!(
            env.run(your_activity::ACTIVITY, input).await.unwrap(),
            "Hello, World!"
        );
        assert_eq!(start_options("q").task_queue, "q");
    }
}
