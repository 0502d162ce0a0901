//! Starting activities on the shared dev server from Rust, with the options tests need.

use std::time::Duration;

use activity_runtime::ConnectionConfig;
use activity_runtime::client::{ActivityCloseTimeouts, ActivityStartOptions, Client, RetryPolicy};
use activity_runtime::client::{Caller, ExecuteError, StartedActivity, start_activity_by_name};
use activity_runtime::payload::ArgumentList;
use activity_runtime::payload::FromPayload;
use temporalio_client::ActivityDescribeOptions;

use super::deadline::within;
use super::server;

/// A client of the shared dev server.
pub async fn client() -> Client {
    client_of(server::connection()).await
}

/// A client of the server that `connection` names; fails the test after 30 s.
pub async fn client_of(connection: ConnectionConfig) -> Client {
    within(
        Duration::from_secs(30),
        "a client's connection",
        connection.client(),
    )
    .await
    .expect("the client connects")
}

/// Options for one activity on `task_queue`: `start_to_close` per attempt, retried quickly.
pub fn options(
    task_queue: &str,
    start_to_close: Duration,
    heartbeat_timeout: Option<Duration>,
    maximum_attempts: u32,
) -> ActivityStartOptions {
    ActivityStartOptions::new(
        task_queue.to_string(),
        server::task_queue("activity"),
        ActivityCloseTimeouts::StartToClose(start_to_close),
    )
    .maybe_heartbeat_timeout(heartbeat_timeout)
    .retry_policy(
        RetryPolicy::builder()
            .initial_interval(Duration::from_millis(100))
            .backoff_coefficient(1.0)
            .maximum_attempts(maximum_attempts)
            .build(),
    )
    .build()
}

/// Starts the activity registered as `name`.
pub async fn start<T: FromPayload>(
    client: &impl Caller,
    name: &str,
    input: impl ArgumentList,
    options: ActivityStartOptions,
) -> StartedActivity<T> {
    within(
        Duration::from_secs(30),
        "the start of an activity",
        start_activity_by_name(client, name, input, options),
    )
    .await
    .expect("the server accepts the start")
}

/// Waits until the server has recorded a heartbeat of `activity`; fails the test after 60 s.
pub async fn until_heartbeated<T>(activity: &StartedActivity<T>) {
    let options = ActivityDescribeOptions::builder()
        .include_heartbeat_details(true)
        .build();
    within(
        Duration::from_secs(60),
        "a heartbeat of the activity",
        async {
            loop {
                let description = activity
                    .handle()
                    .describe(options.clone())
                    .await
                    .expect("describe");
                if description.has_heartbeat_details() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        },
    )
    .await
}

/// The activity's result, failing the test when it takes longer than `limit`.
pub async fn result_within<T: FromPayload>(
    activity: &StartedActivity<T>,
    limit: Duration,
) -> Result<T, ExecuteError> {
    within(limit, "the activity's result", activity.result()).await
}

/// The type, retryability and message of an application failure, as a Rust caller sees it.
pub fn application_failure(
    error: temporalio_client::errors::ActivityResultError,
) -> (String, bool, String) {
    use temporalio_client::errors::ActivityResultError;
    use temporalio_common::error::IncomingError;
    match error {
        ActivityResultError::ActivityFailed(IncomingError::Application(failure)) => (
            failure.type_name().unwrap_or_default().to_string(),
            failure.is_non_retryable(),
            failure.source_error().to_string(),
        ),
        other => panic!("expected an application failure, got {other:?}"),
    }
}
