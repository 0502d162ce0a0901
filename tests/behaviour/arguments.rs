//! How the generated code decodes an activity task's payloads into the function's parameters.

use activity_runtime::context::ActivityInfo;
use activity_runtime::definition::ActivityDefinition;
use activity_runtime::payload::{self, Payload};
use activity_runtime::testing::ActivityEnvironment;
use activity_runtime::{ActivityContext, ActivityError, activity, activity_set};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct YourParams {
    greeting: String,
    name: String,
}

#[activity]
async fn greet(
    YourParams { greeting, name }: YourParams,
    times: u32,
    suffix: Option<String>,
) -> String {
    let line = format!("{greeting}, {name}{}", suffix.unwrap_or_else(|| "!".into()));
    vec![line; times as usize].join(" ")
}

/// Decodes the arguments and prepares the call, without running it.
fn start(payloads: Vec<Payload>) -> Result<(), ActivityError> {
    let ctx = ActivityContext::new(ActivityInfo::new("greet"));
    ActivityDefinition::of::<greet>()
        .start(ctx, payloads)
        .map(drop)
}

fn encoded(values: &[serde_json::Value]) -> Vec<Payload> {
    values
        .iter()
        .map(|value| payload::encode(value).unwrap())
        .collect()
}

fn params() -> serde_json::Value {
    serde_json::json!({"greeting": "Hello", "name": "World"})
}

async fn run(payloads: Vec<Payload>) -> Result<Payload, ActivityError> {
    ActivityEnvironment::new(activity_set![greet])
        .unwrap()
        .run_payloads("greet", payloads)
        .await
}

#[tokio::test]
async fn arguments_decode_in_order_one_payload_each() {
    let result = run(encoded(&[params(), 2.into(), "?".into()]))
        .await
        .unwrap();
    assert_eq!(
        payload::decode::<String>(&result).unwrap(),
        "Hello, World? Hello, World?"
    );
}

#[tokio::test]
async fn missing_trailing_option_argument_is_none() {
    let result = run(encoded(&[params(), 1.into()])).await.unwrap();
    assert_eq!(payload::decode::<String>(&result).unwrap(), "Hello, World!");
}

#[test]
fn missing_required_argument_names_its_position_name_and_type() {
    let error = start(encoded(&[params()])).unwrap_err();
    assert!(error.is_non_retryable());
    assert_eq!(error.error_type(), "ArgumentDecodeError");
    assert_eq!(
        error.message(),
        "activity `greet`: argument 1 (`times`), expected `u32`: missing: the caller sent 1 argument"
    );
}

#[test]
fn extra_argument_is_a_non_retryable_error_with_both_counts() {
    let error = start(encoded(&[params(), 1.into(), "!".into(), "extra".into()])).unwrap_err();
    assert!(error.is_non_retryable());
    assert_eq!(
        error.message(),
        "activity `greet` takes 3 arguments but the caller sent 4"
    );
}

#[test]
fn wrong_type_names_the_position_and_the_expected_type() {
    let error = start(encoded(&[params(), "two".into()])).unwrap_err();
    assert!(error.is_non_retryable());
    assert!(
        error.message().starts_with("activity `greet`: argument 1 (`times`), expected `u32`: json/plain payload does not decode as `u32`: invalid type: string \"two\""),
        "{}",
        error.message()
    );
}

#[test]
fn destructured_parameter_is_named_by_its_position_and_type() {
    let error = start(encoded(&[serde_json::json!({"greeting": "Hi"}), 1.into()])).unwrap_err();
    assert!(
        error.message().starts_with(
            "activity `greet`: argument 0, expected `behaviour::arguments::YourParams`:"
        ),
        "{}",
        error.message()
    );
    assert!(
        error.message().contains("missing field `name`"),
        "{}",
        error.message()
    );
}

#[test]
fn invalid_json_and_unknown_encoding_are_argument_errors() {
    let mut garbage = payload::encode(&1).unwrap();
    garbage.data = b"{not json".to_vec();
    let error = start(vec![garbage, payload::encode(&1).unwrap()]).unwrap_err();
    assert!(
        error.message().contains("argument 0"),
        "{}",
        error.message()
    );
    assert!(error.is_non_retryable());

    let mut yaml = payload::encode(&params()).unwrap();
    yaml.metadata
        .insert("encoding".into(), b"text/yaml".to_vec());
    let error = start(vec![yaml, payload::encode(&1).unwrap()]).unwrap_err();
    assert!(
        error
            .message()
            .contains("unsupported payload encoding `text/yaml`"),
        "{}",
        error.message()
    );
}
