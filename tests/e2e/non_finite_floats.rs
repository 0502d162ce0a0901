//! No silent data change: JSON cannot hold NaN or the infinities, so a result or heartbeat
//! that holds one fails the attempt with a non-retryable error naming where the float sits,
//! instead of reaching the caller as `null`. Through the test environment and the real worker.

use std::time::Duration;

use crate::support::calls::{self, options, result_within, start};
use crate::support::server::{self, Served};
use activity_runtime::client::ExecuteError;
use activity_runtime::testing::ActivityEnvironment;
use activity_runtime::{ActivityContext, activity, activity_set};
use serde::Serialize;

#[derive(Debug, Serialize, serde::Deserialize)]
struct Reading {
    celsius: f64,
}

#[derive(Debug, Serialize, serde::Deserialize)]
struct Report {
    station: String,
    readings: Vec<Reading>,
}

#[activity]
async fn measure() -> Report {
    Report {
        station: "north".into(),
        readings: vec![Reading { celsius: 21.5 }, Reading { celsius: f64::NAN }],
    }
}

#[activity]
fn progress(ctx: ActivityContext) -> String {
    ctx.heartbeat(&vec![0.5, f64::INFINITY]);
    "finished anyway".into()
}

const RESULT_MESSAGE: &str = "activity `measure`: the result could not be encoded: value of type \
    `e2e::non_finite_floats::Report` does not encode as a payload: `readings[1].celsius` is NaN, which \
    JSON cannot represent; send a finite number, or an `Option` that is `None` when there is none";

const HEARTBEAT_MESSAGE: &str = "activity `progress`: the heartbeat details could not be \
    encoded: value of type `alloc::vec::Vec<f64>` does not encode as a payload: `[1]` is inf";

#[tokio::test]
async fn a_nan_result_or_heartbeat_is_a_non_retryable_error_naming_its_path() {
    let env = ActivityEnvironment::new(activity_set![measure, progress]).unwrap();
    let error = env.run(measure::ACTIVITY, ()).await.unwrap_err();
    assert_eq!(
        (error.error_type(), error.is_non_retryable()),
        ("PayloadEncodeError", true)
    );
    assert_eq!(error.message(), RESULT_MESSAGE);

    let error = env.run(progress::ACTIVITY, ()).await.unwrap_err();
    assert_eq!(
        (error.error_type(), error.is_non_retryable()),
        ("PayloadEncodeError", true)
    );
    assert!(
        error.message().starts_with(HEARTBEAT_MESSAGE),
        "{}",
        error.message()
    );
    assert!(env.heartbeats().is_empty(), "the heartbeat was not sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_gets_the_error_instead_of_a_null() {
    let Served {
        queue,
        worker,
        client,
    } = server::serve("non-finite", activity_set![measure, progress]).await;
    for (name, expected) in [("measure", RESULT_MESSAGE), ("progress", HEARTBEAT_MESSAGE)] {
        // Three attempts allowed: a non-retryable error must stop at the first.
        let activity = start::<serde_json::Value>(
            &client,
            name,
            (),
            options(&queue, Duration::from_secs(30), None, 3),
        )
        .await;
        let error = match result_within(&activity, Duration::from_secs(20)).await {
            Err(ExecuteError::Result(error)) => *error,
            other => panic!("{name}: expected a failure, got {other:?}"),
        };
        let (error_type, non_retryable, message) = calls::application_failure(error);
        assert_eq!(
            (error_type.as_str(), non_retryable),
            ("PayloadEncodeError", true)
        );
        assert!(message.starts_with(expected), "{name}: {message}");
    }
    worker.stop().await;
}
