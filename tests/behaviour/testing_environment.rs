//! The test environment is as easy to call as the function: one argument goes without a tuple,
//! a result comes back as the function returned it (no `Deserialize` needed), and a function
//! taking `State<T>` stays directly callable.

use activity_runtime::error::ErrorKind;
use activity_runtime::payload::Payload;
use activity_runtime::testing::ActivityEnvironment;
use activity_runtime::{State, activity, activity_set};

/// Encodes, never decodes: a result type many services have.
#[derive(serde::Serialize, Debug, PartialEq)]
struct Receipt {
    order: u64,
    cents: u64,
}

#[activity]
async fn charge(order: u64) -> Receipt {
    Receipt { order, cents: 250 }
}

#[activity]
fn pair(order: (u64, u64)) -> u64 {
    order.0 + order.1
}

#[activity]
async fn add(a: u64, b: u64) -> u64 {
    a + b
}

#[activity]
fn ratio(value: f64) -> f64 {
    value / 0.0
}

struct Rates {
    percent: u64,
}

#[activity]
async fn with_tax(rates: State<Rates>, cents: u64) -> u64 {
    cents * (100 + rates.percent) / 100
}

#[tokio::test]
async fn one_argument_goes_without_a_tuple_and_a_tuple_still_works() {
    let env = ActivityEnvironment::new(activity_set![charge, pair, add]).unwrap();
    let expected = Receipt {
        order: 7,
        cents: 250,
    };
    assert_eq!(env.run(charge::ACTIVITY, 7).await.unwrap(), expected);
    assert_eq!(env.run(charge::ACTIVITY, (7,)).await.unwrap(), expected);
    // An argument that is itself a tuple is one argument.
    assert_eq!(env.run(pair::ACTIVITY, (1, 2)).await.unwrap(), 3);
    assert_eq!(env.run(pair::ACTIVITY, ((1, 2),)).await.unwrap(), 3);
    assert_eq!(env.run(add::ACTIVITY, (1, 2)).await.unwrap(), 3);
}

#[tokio::test]
async fn the_result_still_goes_through_the_workers_encoding() {
    let env = ActivityEnvironment::new(activity_set![ratio]).unwrap();
    let error = env.run(ratio::ACTIVITY, 1.0).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Application);
    assert_eq!(error.error_type(), "PayloadEncodeError", "{error}");
}

#[tokio::test]
async fn a_function_taking_state_is_callable_directly_and_in_the_environment() {
    assert_eq!(with_tax(State::new(Rates { percent: 20 }), 100).await, 120);
    let env = ActivityEnvironment::builder(activity_set![with_tax])
        .state(Rates { percent: 10 })
        .build()
        .unwrap();
    assert_eq!(env.run(with_tax::ACTIVITY, 100).await.unwrap(), 110);
}

#[activity(dynamic)]
async fn anything(arguments: Vec<Payload>) -> usize {
    arguments.len()
}

#[tokio::test]
async fn running_an_activity_the_set_lacks_says_so_when_the_dynamic_one_took_it() {
    let env = ActivityEnvironment::new(activity_set![anything]).unwrap();
    let error = env.run(charge::ACTIVITY, 7).await.unwrap_err();
    assert!(
        error.message().contains("set has no `charge`"),
        "{}",
        error.message()
    );
}
