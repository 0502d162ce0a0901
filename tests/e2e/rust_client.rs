//! Rust callers through `temporalio-client`'s `start_activity`, on a real dev server: typed
//! through `client::execute_activity` and through the official client's own `start_activity`
//! with our typed names (`f::ACTIVITY`, `Type::METHOD`), and untyped by name. Failures arrive as the client's
//! application failures with our type, and an unknown type is a retryable `NotFoundError` that
//! lists the registered names while the worker keeps serving.

use std::time::Duration;

use crate::support::calls;
use crate::support::deadline::within;
use crate::support::seed::{YourParams, your_activity};
use crate::support::server::{self, Served};
use activity_runtime::client::ActivityStartOptions;
use activity_runtime::client::{ExecuteError, execute_activity};
use activity_runtime::definition::MultiArgs3;
use activity_runtime::payload;
use activity_runtime::{ActivityError, ActivitySet, activities, activity, activity_set};
use temporalio_common::UntypedActivity;
use temporalio_common::data_converters::RawValue;

#[activity]
async fn label(name: String, count: u32, tags: Vec<String>) -> String {
    format!("{name}×{count} [{}]", tags.join(","))
}

#[activity]
fn reverse(bytes: Vec<u8>) -> Vec<u8> {
    bytes.into_iter().rev().collect()
}

struct Counter {
    step: u64,
}

#[activities]
impl Counter {
    #[activity]
    async fn advance(&self, from: u64) -> u64 {
        from + self.step
    }
}

#[activity]
fn refuse(reason: String) -> Result<(), ActivityError> {
    Err(ActivityError::new(reason)
        .with_type("Refused")
        .non_retryable())
}

/// How long a caller may wait for anything here.
const LIMIT: Duration = Duration::from_secs(30);

/// One attempt of at most 10 s: these tests check what the first attempt reports.
fn options(task_queue: &str) -> ActivityStartOptions {
    calls::options(task_queue, Duration::from_secs(10), None, 1)
}

fn application_failure(error: ExecuteError) -> (String, bool, String) {
    match error {
        ExecuteError::Result(error) => calls::application_failure(*error),
        other => panic!("expected an activity result error, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_typed_rust_caller_runs_the_seed_activity() {
    let Served {
        queue,
        worker,
        client,
    } = server::serve("rust-typed", activity_set![your_activity, refuse]).await;
    let input = YourParams {
        greeting: "Hello".into(),
        name: "World".into(),
    };
    let greeting = within(
        LIMIT,
        "the seed activity",
        execute_activity(&client, your_activity::ACTIVITY, (input,), options(&queue)),
    )
    .await
    .unwrap();
    assert_eq!(greeting, "Hello, World!");

    let error = within(
        LIMIT,
        "the refusal",
        execute_activity(&client, refuse::ACTIVITY, ("no".into(),), options(&queue)),
    )
    .await
    .unwrap_err();
    let (error_type, non_retryable, message) = application_failure(error);
    assert_eq!((error_type.as_str(), non_retryable), ("Refused", true));
    assert!(message.contains("no"), "{message}");
    worker.stop().await;
}

/// The official client's own `start_activity` takes our typed names, checked against the
/// functions' signatures at compile time: one argument as itself, three as `MultiArgs3`, bytes
/// as `binary/plain` both ways, and a method of an `#[activities]` block.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_client_starts_our_activities_typed() {
    let set = activity_set![your_activity, label, reverse]
        .merge(ActivitySet::from_instance(Counter { step: 5 }));
    let Served {
        queue,
        worker,
        client,
    } = server::serve("rust-official-typed", set).await;
    let input = YourParams {
        greeting: "Hej".into(),
        name: "Världen".into(),
    };
    let handle = client
        .start_activity(your_activity::ACTIVITY, input, options(&queue))
        .await
        .unwrap();
    let greeting: String = within(LIMIT, "the seed", handle.result()).await.unwrap();
    assert_eq!(greeting, "Hej, Världen!");

    let handle = client
        .start_activity(
            label::ACTIVITY,
            MultiArgs3("tea".to_string(), 3, vec!["green".to_string()]),
            options(&queue),
        )
        .await
        .unwrap();
    let label = within(LIMIT, "three arguments", handle.result())
        .await
        .unwrap();
    assert_eq!(label, "tea×3 [green]");

    let handle = client
        .start_activity(reverse::ACTIVITY, vec![1u8, 2, 255], options(&queue))
        .await
        .unwrap();
    let reversed: Vec<u8> = within(LIMIT, "bytes", handle.result()).await.unwrap();
    assert_eq!(reversed, [255, 2, 1]);

    let handle = client
        .start_activity(Counter::ADVANCE, 10u64, options(&queue))
        .await
        .unwrap();
    let advanced = within(LIMIT, "a method", handle.result()).await.unwrap();
    assert_eq!(advanced, 15);
    worker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_untyped_caller_by_name_gets_the_same_payloads() {
    let Served {
        queue,
        worker,
        client,
    } = server::serve("rust-untyped", activity_set![your_activity]).await;
    let input = RawValue::new(vec![
        payload::encode(&serde_json::json!({"greeting": "Hej", "name": "Världen"})).unwrap(),
    ]);
    let handle = client
        .start_activity(
            UntypedActivity::new("your_activity"),
            input,
            options(&queue),
        )
        .await
        .unwrap();
    let result = within(LIMIT, "the result", handle.result()).await.unwrap();
    assert_eq!(
        payload::decode::<String>(&result.payloads[0]).unwrap(),
        "Hej, Världen!"
    );
    worker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_type_is_a_retryable_not_found_error_and_the_worker_keeps_serving() {
    let Served {
        queue,
        worker,
        client,
    } = server::serve("rust-unknown", activity_set![your_activity, refuse]).await;
    let handle = client
        .start_activity(
            UntypedActivity::new("no_such_activity"),
            RawValue::new(vec![]),
            options(&queue),
        )
        .await
        .unwrap();
    let error = within(LIMIT, "the failure", handle.result())
        .await
        .map(|_| ())
        .map_err(ExecuteError::from)
        .unwrap_err();
    let (error_type, non_retryable, message) = application_failure(error);
    assert_eq!(
        (error_type.as_str(), non_retryable),
        ("NotFoundError", false)
    );
    assert_eq!(
        message,
        "activity type `no_such_activity` is not registered on this worker; registered: `refuse`, `your_activity`"
    );

    let input = YourParams {
        greeting: "Still".into(),
        name: "here".into(),
    };
    let greeting = within(
        LIMIT,
        "the next activity",
        execute_activity(&client, your_activity::ACTIVITY, (input,), options(&queue)),
    )
    .await
    .unwrap();
    assert_eq!(greeting, "Still, here!");
    worker.stop().await;
}
