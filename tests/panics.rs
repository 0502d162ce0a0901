//! A panic in an activity, async or blocking, becomes a retryable failure instead of escaping,
//! and the runtime keeps serving.

use activity_runtime::{activity, activity_set, testing::ActivityEnvironment};

#[activity]
async fn async_panics(message: String) {
    panic!("{message}");
}

#[activity]
fn blocking_panics(message: String) {
    panic!("{message}");
}

#[activity]
async fn still_serving() -> String {
    "still serving".to_string()
}

fn environment() -> ActivityEnvironment {
    ActivityEnvironment::new(activity_set![async_panics, blocking_panics, still_serving])
        .expect("the set is valid")
}

#[tokio::test]
async fn async_panic_is_a_retryable_failure_with_the_message() {
    let env = environment();
    let error = env.run::<async_panics>(("boom".into(),)).await.unwrap_err();
    assert_eq!(error.message(), "activity panicked: boom");
    assert_eq!(error.error_type(), "Panic");
    assert!(!error.is_non_retryable());
    assert_eq!(env.run::<still_serving>(()).await.unwrap(), "still serving");
}

#[tokio::test]
async fn blocking_panic_is_a_retryable_failure_with_the_message() {
    let env = environment();
    let error = env
        .run::<blocking_panics>(("boom".into(),))
        .await
        .unwrap_err();
    assert_eq!(error.message(), "activity panicked: boom");
    assert!(!error.is_non_retryable());
    // The pool thread that panicked is replaced; the next blocking task still runs.
    let again = env
        .run::<blocking_panics>(("again".into(),))
        .await
        .unwrap_err();
    assert_eq!(again.message(), "activity panicked: again");
    assert_eq!(env.run::<still_serving>(()).await.unwrap(), "still serving");
}
