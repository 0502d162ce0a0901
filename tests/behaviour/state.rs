//! Shared dependencies reach activities by type: a `State<T>` parameter, or `ctx.state::<T>()`.
//! State that is missing is an error when the environment is built, naming the type.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};

use activity_runtime::error::RegistryError;
use activity_runtime::testing::ActivityEnvironment;
use activity_runtime::{ActivityContext, ActivityError, State, activity, activity_set};

#[derive(Default)]
struct Counter(AtomicU32);

struct Prefix(String);

#[activity]
async fn count(counter: State<Counter>, by: u32) -> u32 {
    counter.0.fetch_add(by, Ordering::SeqCst) + by
}

#[activity]
fn label(
    ctx: ActivityContext,
    prefix: State<Prefix>,
    name: String,
    log: State<Mutex<Vec<String>>>,
) -> String {
    let line = format!("{}{name} (attempt {})", prefix.0, ctx.info().attempt);
    log.lock().unwrap().push(line.clone());
    line
}

#[activity]
async fn optional_state(ctx: ActivityContext) -> Result<String, ActivityError> {
    Ok(ctx.state::<Prefix>()?.0.clone())
}

#[tokio::test]
async fn state_parameters_receive_the_values_the_builder_was_given() {
    let log = std::sync::Arc::new(Mutex::new(Vec::<String>::new()));
    let env = ActivityEnvironment::builder(activity_set![count, label])
        .state(Counter::default())
        .state(Prefix("order ".into()))
        .shared_state(log.clone())
        .build()
        .unwrap();
    assert_eq!(env.run(count::ACTIVITY, (2,)).await.unwrap(), 2);
    assert_eq!(
        env.run(count::ACTIVITY, (3,)).await.unwrap(),
        5,
        "one shared counter"
    );
    assert_eq!(
        env.run(label::ACTIVITY, ("42".into(),)).await.unwrap(),
        "order 42 (attempt 1)"
    );
    assert_eq!(*log.lock().unwrap(), ["order 42 (attempt 1)"]);
}

#[test]
fn missing_state_is_an_error_at_construction_naming_the_type() {
    let error = ActivityEnvironment::builder(activity_set![count, label])
        .state(Counter::default())
        .build()
        .unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("activity `label` (`behaviour::state::label`) takes `State<behaviour::state::Prefix>`, but no `behaviour::state::Prefix` was given"),
        "{message}"
    );
    assert!(
        message.contains("std::sync::poison::mutex::Mutex<alloc::vec::Vec<alloc::string::String>>")
            || message.contains("Mutex<alloc::vec::Vec<alloc::string::String>>"),
        "{message}"
    );
    let activity_runtime::error::BuildError::Registry(RegistryError::Several(problems)) = error
    else {
        panic!("both missing types are reported");
    };
    assert_eq!(problems.len(), 2);
}

#[tokio::test]
async fn ctx_state_is_an_error_naming_the_type_only_when_asked_for() {
    let without = ActivityEnvironment::new(activity_set![optional_state]).unwrap();
    let error = without.run(optional_state::ACTIVITY, ()).await.unwrap_err();
    assert_eq!(error.error_type(), "MissingState");
    assert!(
        error
            .message()
            .contains("state of type `behaviour::state::Prefix`"),
        "{}",
        error.message()
    );

    let with = ActivityEnvironment::builder(activity_set![optional_state])
        .state(Prefix("p".into()))
        .build()
        .unwrap();
    assert_eq!(with.run(optional_state::ACTIVITY, ()).await.unwrap(), "p");
}
