//! A panic in an activity, async or blocking, becomes a retryable failure instead of escaping.

use activity_runtime::{ActivityContext, ActivityDefinition, ActivityInfo, activity};

#[activity]
async fn async_panics(message: String) {
    panic!("{message}");
}

#[activity]
fn blocking_panics(message: String) {
    panic!("{message}");
}

async fn failure_of(definition: ActivityDefinition) -> activity_runtime::ActivityError {
    let ctx = ActivityContext::new(ActivityInfo::new(definition.name()));
    let argument = activity_runtime::payload::encode("boom").unwrap();
    definition
        .start(ctx, vec![argument])
        .unwrap()
        .run()
        .await
        .unwrap_err()
}

#[tokio::test]
async fn async_panic_is_a_retryable_failure_with_the_message() {
    let error = failure_of(ActivityDefinition::of::<async_panics>()).await;
    assert_eq!(error.message(), "activity panicked: boom");
    assert!(!error.is_non_retryable());
}

#[tokio::test]
async fn blocking_panic_is_a_retryable_failure_with_the_message() {
    let error = failure_of(ActivityDefinition::of::<blocking_panics>()).await;
    assert_eq!(error.message(), "activity panicked: boom");
    assert!(!error.is_non_retryable());
}
