//! How activities are gathered and checked: by name with `activity_set!`, or all at once with
//! `all_activities()`; the companion beside the function; and a set checked once, when a worker
//! or environment is built: names are unique, at most one activity is dynamic, and an unknown
//! type is a retryable `NotFoundError` that lists the names.

use activity_runtime::definition::{Activity, ActivityDefinition, Execution};
use activity_runtime::error::RegistryError;
use activity_runtime::payload::{self, Payload};
use activity_runtime::testing::ActivityEnvironment;
use activity_runtime::{ActivityContext, activity, activity_set, all_activities};

#[activity(name = "your_activity")]
async fn your_activity(name: String) -> String {
    format!("Hello, {name}!")
}

mod billing {
    #[activity_runtime::activity(name = "charge")]
    pub async fn charge_card(cents: u64) -> u64 {
        cents
    }

    #[activity_runtime::activity]
    pub fn compute_total(prices: Vec<u64>) -> u64 {
        prices.iter().sum()
    }
}

mod legacy {
    #[activity_runtime::activity(name = "charge")]
    pub fn charge_account(cents: u64) -> u64 {
        cents * 2
    }
}

#[activity]
async fn refund(cents: u64) -> u64 {
    cents
}

#[activity(dynamic)]
async fn fallback(ctx: ActivityContext, args: Vec<Payload>) -> String {
    format!("{} with {} arguments", ctx.info().activity_type, args.len())
}

#[activity(dynamic)]
fn other_fallback(args: Vec<Payload>) -> usize {
    args.len()
}

fn registry_error(set: activity_runtime::ActivitySet) -> RegistryError {
    match ActivityEnvironment::new(set).unwrap_err() {
        activity_runtime::error::BuildError::Registry(error) => error,
        other => panic!("expected a registry error, got {other}"),
    }
}

#[test]
fn two_functions_with_one_name_are_refused_naming_both() {
    let error = registry_error(activity_set![billing::charge_card, legacy::charge_account]);
    assert_eq!(
        error,
        RegistryError::DuplicateName {
            name: "charge",
            first: "behaviour::registry::billing::charge_card",
            second: "behaviour::registry::legacy::charge_account",
        }
    );
    let message = error.to_string();
    assert!(message.contains("#[activity(name = \"...\")]"), "{message}");
}

#[test]
fn the_same_function_listed_twice_is_one_activity() {
    ActivityEnvironment::new(activity_set![refund, refund]).expect("no conflict");
    ActivityEnvironment::new(activity_runtime::all_activities().merge(activity_set![refund]))
        .expect_err("all_activities() holds both `charge` functions");
}

#[test]
fn a_second_dynamic_activity_is_refused() {
    let error = registry_error(activity_set![fallback, other_fallback]);
    assert!(
        matches!(error, RegistryError::SecondDynamic { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("at most one"), "{error}");
}

#[test]
fn every_problem_is_reported_at_once() {
    let error = registry_error(activity_set![
        billing::charge_card,
        legacy::charge_account,
        fallback,
        other_fallback
    ]);
    let RegistryError::Several(problems) = &error else {
        panic!("expected several problems: {error}");
    };
    assert_eq!(problems.len(), 2);
    assert_eq!(error.to_string().lines().count(), 2);
}

#[tokio::test]
async fn an_unknown_type_is_a_retryable_not_found_error_listing_the_names() {
    let env = ActivityEnvironment::new(activity_set![refund, billing::charge_card]).unwrap();
    let error = env.run_payloads("refnud", vec![]).await.unwrap_err();
    assert_eq!(error.error_type(), "NotFoundError");
    assert!(!error.is_non_retryable());
    assert_eq!(
        error.message(),
        "activity type `refnud` is not registered on this worker; registered: `charge`, `refund`"
    );
    // The environment keeps serving.
    assert_eq!(env.run(refund::ACTIVITY, (5,)).await.unwrap(), 5);
}

#[tokio::test]
async fn the_dynamic_activity_runs_every_unregistered_type_with_raw_arguments() {
    let env = ActivityEnvironment::new(activity_set![refund, fallback]).unwrap();
    let arguments = vec![
        payload::encode(&1).unwrap(),
        payload::encode("two").unwrap(),
    ];
    let result = env.run_payloads("anything_else", arguments).await.unwrap();
    assert_eq!(
        payload::decode::<String>(&result).unwrap(),
        "anything_else with 2 arguments"
    );
    // A registered type still goes to its own function.
    assert_eq!(env.run(refund::ACTIVITY, (7,)).await.unwrap(), 7);
}

#[test]
fn activity_set_keeps_the_listed_order_and_accepts_paths() {
    let set = activity_set![billing::compute_total, your_activity,];
    assert_eq!(
        set.names().collect::<Vec<_>>(),
        ["compute_total", "your_activity"]
    );
    let total = set.get("compute_total").unwrap();
    assert_eq!(total.execution(), Execution::Blocking);
    assert_eq!(
        total.function(),
        "behaviour::registry::billing::compute_total"
    );
}

#[test]
fn all_activities_collects_every_annotated_function_sorted_by_name() {
    // Every `#[activity]` in this binary, the behaviour tests' other modules' too, and the two
    // named `charge` here included: the set is checked only when a worker or environment is
    // built from it.
    let all = all_activities();
    let names = all.names().collect::<Vec<_>>();
    assert!(names.is_sorted(), "{names:?}");
    let here = all
        .iter()
        .filter(|definition| definition.function().starts_with("behaviour::registry::"))
        .map(|definition| definition.name())
        .collect::<Vec<_>>();
    assert_eq!(
        here,
        [
            "charge",
            "charge",
            "compute_total",
            "fallback",
            "other_fallback",
            "refund",
            "your_activity"
        ]
    );
    assert!(
        all.iter()
            .any(|definition| definition.function() == "behaviour::state::label"),
        "another module's activity is there too"
    );
}

#[tokio::test]
async fn the_function_stays_callable_beside_its_companion() {
    assert_eq!(your_activity("World".into()).await, "Hello, World!");
    assert_eq!(billing::compute_total(vec![1, 2]), 3);
    assert_eq!(<your_activity as Activity>::NAME, "your_activity");
    assert_eq!(
        ActivityDefinition::of::<your_activity>().name(),
        "your_activity"
    );
}
