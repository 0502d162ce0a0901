//! What the dispatch benchmarks run, shared by the criterion bench (`benches/dispatch.rs`, in
//! time) and `dispatch_count` (in instructions, under callgrind): the seed and a
//! three-argument activity as `#[activity]` generates them, the same bodies written by hand
//! over serde_json, and their inputs.

use std::collections::HashMap;

use activity_runtime::context::ActivityInfo;
use activity_runtime::definition::ActivityDefinition;
use activity_runtime::payload::{self, Payload};
use activity_runtime::{ActivityContext, activity};

use crate::{YourParams, greet};

#[activity(name = "your_activity")]
pub async fn your_activity(input: YourParams) -> String {
    greet(&input)
}

#[activity]
pub async fn three(name: String, count: u32, tags: Vec<String>) -> String {
    label(&name, count, &tags)
}

/// The three-argument activity's body.
pub fn label(name: &str, count: u32, tags: &[String]) -> String {
    format!("{name}×{count} [{}]", tags.join(","))
}

/// The seed's argument, as a caller in any SDK sends it.
pub fn seed_input() -> Vec<Payload> {
    vec![
        payload::encode(&YourParams {
            greeting: "Hello".into(),
            name: "World".into(),
        })
        .unwrap(),
    ]
}

/// The three-argument activity's arguments.
pub fn three_input() -> Vec<Payload> {
    vec![
        payload::encode("tea").unwrap(),
        payload::encode(&3u32).unwrap(),
        payload::encode(&vec!["green".to_string(), "loose".to_string()]).unwrap(),
    ]
}

/// A JSON result payload, as every SDK writes one.
fn json_payload(data: Vec<u8>) -> Payload {
    Payload {
        metadata: HashMap::from([("encoding".to_string(), b"json/plain".to_vec())]),
        data,
        ..Payload::default()
    }
}

/// The seed by hand: serde_json straight from the payload's bytes and back, the least any
/// worker can do.
pub fn hand_written_seed(input: Vec<Payload>) -> Payload {
    let params: YourParams = serde_json::from_slice(&input[0].data).unwrap();
    json_payload(serde_json::to_vec(&greet(&params)).unwrap())
}

/// The three-argument activity by hand.
pub fn hand_written_three(input: Vec<Payload>) -> Payload {
    let name: String = serde_json::from_slice(&input[0].data).unwrap();
    let count: u32 = serde_json::from_slice(&input[1].data).unwrap();
    let tags: Vec<String> = serde_json::from_slice(&input[2].data).unwrap();
    json_payload(serde_json::to_vec(&label(&name, count, &tags)).unwrap())
}

/// A context for `activity_type`, as the generated code receives one.
pub fn context(activity_type: &str) -> ActivityContext {
    ActivityContext::new(ActivityInfo::new(activity_type))
}

/// What `#[activity]` generated for `definition`, run inline: argument decoding, the call, the
/// result's encoding.
pub async fn generated(
    definition: &ActivityDefinition,
    context: ActivityContext,
    input: Vec<Payload>,
) -> Payload {
    let invocation = definition.start(context, input).unwrap();
    invocation.run_inline().await.unwrap()
}
