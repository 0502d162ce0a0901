//! The blocking detector: an async activity that holds its executor thread too long in one
//! poll is reported once per activity type, with the fix.

use std::time::Duration;

use crate::support::logs;
use activity_runtime::testing::ActivityEnvironment;
use activity_runtime::{activity, activity_set};

#[activity]
async fn blocks_the_executor() {
    std::thread::sleep(Duration::from_millis(150));
}

#[activity]
async fn blocks_unnoticed() {
    std::thread::sleep(Duration::from_millis(150));
}

#[activity]
async fn yields_politely() {
    tokio::time::sleep(Duration::from_millis(150)).await;
}

#[tokio::test]
async fn a_long_poll_is_reported_once_with_the_activity_the_time_and_the_fix() {
    logs::capture();
    let env =
        ActivityEnvironment::new(activity_set![blocks_the_executor, yields_politely]).unwrap();
    env.run(blocks_the_executor::ACTIVITY, ()).await.unwrap();
    env.run(blocks_the_executor::ACTIVITY, ()).await.unwrap();
    env.run(yields_politely::ACTIVITY, ()).await.unwrap();

    let warnings = logs::lines_containing("async activity `blocks_the_executor`");
    assert_eq!(warnings.len(), 1, "once per activity type: {warnings:#?}");
    let warning = &warnings[0];
    assert!(warning.contains("WARN"), "{warning}");
    assert!(
        warning.contains("blocking_detector::blocks_the_executor"),
        "{warning}"
    );
    assert!(warning.contains("the limit is 100 ms"), "{warning}");
    assert!(warning.contains("make it a plain `fn`"), "{warning}");
    assert!(warning.contains("spawn_blocking"), "{warning}");
    assert!(logs::lines_containing("async activity `yields_politely`").is_empty());
}

#[tokio::test]
async fn the_detector_can_be_turned_off() {
    logs::capture();
    let env = ActivityEnvironment::builder(activity_set![blocks_unnoticed])
        .slow_poll_threshold(None)
        .build()
        .unwrap();
    env.run(blocks_unnoticed::ACTIVITY, ()).await.unwrap();
    assert!(logs::lines_containing("async activity `blocks_unnoticed`").is_empty());
}
