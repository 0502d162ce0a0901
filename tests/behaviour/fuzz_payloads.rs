//! A bounded fuzz run in every test run (the open-ended one is `fuzz/`, with cargo-fuzz):
//! arbitrary payload bytes and metadata, decoded directly and dispatched from an activity task
//! to typed functions. Nothing may panic, and every failure must be an error that names the
//! activity.

use std::collections::HashMap;

use activity_runtime::payload::{self, ByteBuf, Payload, Proto};
use activity_runtime::testing::ActivityEnvironment;
use activity_runtime::{activity, activity_set};
use proptest::prelude::*;
use serde::Deserialize;
use temporalio_common::protos::temporal::api::common::v1::WorkflowExecution;

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Order {
    id: u64,
    lines: Vec<(String, u32)>,
    note: Option<String>,
}

#[activity]
async fn typed(count: u32, label: String, order: Option<Order>) -> String {
    format!("{label}:{count}:{}", order.map_or(0, |order| order.id))
}

#[activity]
fn bytes_and_message(data: ByteBuf, execution: Proto<WorkflowExecution>) -> usize {
    data.len() + execution.0.workflow_id.len()
}

/// Payloads as they might arrive: any encoding (mostly real ones), any data.
fn arbitrary_payload() -> impl Strategy<Value = Payload> {
    let encoding = prop_oneof![
        Just(Some(b"json/plain".to_vec())),
        Just(Some(b"binary/plain".to_vec())),
        Just(Some(b"binary/null".to_vec())),
        Just(Some(b"json/protobuf".to_vec())),
        Just(Some(b"binary/protobuf".to_vec())),
        Just(None),
        prop::collection::vec(any::<u8>(), 0..24).prop_map(Some),
    ];
    let data = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..256),
        "\\PC{0,64}".prop_map(String::into_bytes),
        Just(br#"{"id": 1, "lines": [["a", 2]], "note": null}"#.to_vec()),
        Just(br#"{"workflowId": "w", "runId": "r"}"#.to_vec()),
    ];
    let extra = prop::collection::hash_map(
        "\\PC{0,12}",
        prop::collection::vec(any::<u8>(), 0..12),
        0..3,
    );
    (encoding, data, extra).prop_map(|(encoding, data, extra)| {
        let mut metadata: HashMap<String, Vec<u8>> = extra;
        match encoding {
            Some(encoding) => {
                metadata.insert("encoding".into(), encoding);
            }
            None => {
                metadata.remove("encoding");
            }
        }
        Payload {
            metadata,
            data,
            ..Payload::default()
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn decoding_arbitrary_payloads_never_panics(payload in arbitrary_payload()) {
        let _ = payload::decode::<u32>(&payload);
        let _ = payload::decode::<String>(&payload);
        let _ = payload::decode::<Option<Vec<f64>>>(&payload);
        let _ = payload::decode::<ByteBuf>(&payload);
        let _ = payload::decode::<serde_json::Value>(&payload);
        let _ = payload::decode::<Proto<WorkflowExecution>>(&payload);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn dispatching_arbitrary_tasks_never_panics_and_errors_name_the_activity(
        activity in prop_oneof![Just("typed"), Just("bytes_and_message"), Just("unknown")],
        arguments in prop::collection::vec(arbitrary_payload(), 0..5),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let env = ActivityEnvironment::new(activity_set![typed, bytes_and_message]).unwrap();
            match env.run_payloads(activity, arguments).await {
                Ok(_) => {}
                Err(error) => {
                    prop_assert!(error.message().contains(activity), "{}", error.message());
                    prop_assert!(!error.message().contains("panicked"), "{}", error.message());
                }
            }
            Ok(())
        })?;
    }
}
