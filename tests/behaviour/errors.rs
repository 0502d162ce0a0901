//! How an activity's failure reaches the server: the type (the Rust error's name by default),
//! non-retryable, details, next retry delay, the benign category, the `source()` chain as
//! Temporal causes, cancellation, and the stack trace: where the error was made, or the line
//! that panicked.

use std::time::Duration;

use activity_runtime::testing::ActivityEnvironment;
use activity_runtime::{ActivityError, activity, activity_set, payload};
use temporalio_common::protos::temporal::api::failure::v1::failure::FailureInfo;

#[derive(Debug, thiserror::Error)]
#[error("could not reach the bank")]
struct BankUnreachable {
    #[source]
    source: std::io::Error,
}

#[activity]
async fn charge() -> Result<(), BankUnreachable> {
    Err(BankUnreachable {
        source: std::io::Error::other("connection refused"),
    })
}

/// The line of `validate` that makes its error.
const VALIDATE_ERROR_AT: u32 = line!() + 4;

#[activity]
fn validate(card: String) -> Result<(), ActivityError> {
    Err(ActivityError::new(format!("card {card} is expired"))
        .with_type("CardExpired")
        .non_retryable()
        .with_details(&serde_json::json!({"card": card}))?
        .with_next_retry_delay(Duration::from_secs(3))
        .benign())
}

#[activity]
async fn with_context() -> anyhow::Result<()> {
    let error: anyhow::Result<()> = Err(anyhow::anyhow!("disk full"));
    anyhow::Context::context(error, "could not write the receipt")
}

fn environment() -> ActivityEnvironment {
    ActivityEnvironment::new(activity_set![charge, validate, with_context]).unwrap()
}

#[tokio::test]
async fn a_std_error_keeps_its_type_name_and_its_source_chain_as_causes() {
    let error = environment().run(charge::ACTIVITY, ()).await.unwrap_err();
    assert_eq!(error.error_type(), "BankUnreachable");
    assert!(!error.is_non_retryable());
    let failure = error.to_failure();
    assert_eq!(failure.message, "could not reach the bank");
    assert_eq!(failure.cause.unwrap().message, "connection refused");
}

#[tokio::test]
async fn the_builder_sets_everything_a_caller_in_any_sdk_reads() {
    let failure = environment()
        .run(validate::ACTIVITY, ("4242".into(),))
        .await
        .unwrap_err()
        .to_failure();
    assert_eq!(failure.message, "card 4242 is expired");
    let Some(FailureInfo::ApplicationFailureInfo(info)) = failure.failure_info else {
        panic!("an application failure");
    };
    assert_eq!(info.r#type, "CardExpired");
    assert!(info.non_retryable);
    let details = &info.details.unwrap().payloads;
    assert_eq!(
        payload::decode::<serde_json::Value>(&details[0]).unwrap(),
        serde_json::json!({"card": "4242"})
    );
    assert_eq!(info.next_retry_delay.unwrap().seconds, 3);
    assert_eq!(info.category, 1, "benign");
}

#[tokio::test]
async fn anyhow_context_becomes_the_message_and_the_cause() {
    let error = environment()
        .run(with_context::ACTIVITY, ())
        .await
        .unwrap_err();
    assert_eq!(error.message(), "could not write the receipt");
    assert_eq!(error.causes()[0].message, "disk full");
}

/// The lines of the two panics below.
const ASYNC_PANIC_AT: u32 = line!() + 5;
const BLOCKING_PANIC_AT: u32 = line!() + 9;

#[activity]
async fn panic_async() {
    panic!("async activity panicked on purpose")
}

#[activity]
fn panic_blocking() {
    panic!("blocking activity panicked on purpose")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_names_its_line_async_and_blocking() {
    let env = ActivityEnvironment::new(activity_set![panic_async, panic_blocking]).unwrap();
    let async_panic = env.run(panic_async::ACTIVITY, ()).await.unwrap_err();
    let blocking_panic = env.run(panic_blocking::ACTIVITY, ()).await.unwrap_err();
    for (error, line) in [
        (async_panic, ASYNC_PANIC_AT),
        (blocking_panic, BLOCKING_PANIC_AT),
    ] {
        assert_eq!(error.error_type(), "Panic");
        let trace = error.to_failure().stack_trace;
        assert!(
            trace.starts_with(&format!("panicked at {}:{line}:", file!())),
            "{trace}"
        );
    }
}

#[tokio::test]
async fn a_returned_error_names_the_line_that_made_it() {
    let error = environment()
        .run(validate::ACTIVITY, ("4242".into(),))
        .await
        .unwrap_err();
    assert!(
        error
            .stack_trace()
            .starts_with(&format!("at {}:{VALIDATE_ERROR_AT}:", file!())),
        "{}",
        error.stack_trace()
    );
}
