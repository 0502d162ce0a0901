//! Activity arguments and results in every encoding the default data converters of the Temporal
//! SDKs use: `binary/null`, `binary/plain`, `json/plain`, and protobuf messages behind `Proto`,
//! read from `json/protobuf` (what Python sends) and `binary/protobuf` (what the official Rust
//! SDK sends), and written as `json/protobuf`.

use activity_runtime::payload::{self, ByteBuf, Payload, Proto};
use activity_runtime::testing::ActivityEnvironment;
use activity_runtime::{activity, activity_set};
use prost::Message;
use temporalio_common::protos::temporal::api::common::v1::WorkflowExecution;

#[activity]
async fn rerun(execution: Proto<WorkflowExecution>) -> Proto<WorkflowExecution> {
    let Proto(mut execution) = execution;
    execution.run_id = format!("{}-again", execution.run_id);
    Proto(execution)
}

#[activity]
fn checksum(data: ByteBuf, salt: Option<ByteBuf>) -> ByteBuf {
    let mut all = data.into_vec();
    all.extend(salt.map(ByteBuf::into_vec).unwrap_or_default());
    ByteBuf::from(all.iter().map(|b| b.wrapping_add(1)).collect::<Vec<u8>>())
}

fn environment() -> ActivityEnvironment {
    ActivityEnvironment::new(activity_set![rerun, checksum]).unwrap()
}

fn metadata(payload: &Payload, key: &str) -> String {
    String::from_utf8_lossy(&payload.metadata[key]).into_owned()
}

/// What the Python SDK sends for a protobuf message: proto3 JSON with its full name.
fn python_style_message() -> Payload {
    Payload {
        metadata: [
            ("encoding".to_string(), b"json/protobuf".to_vec()),
            (
                "messageType".to_string(),
                b"temporal.api.common.v1.WorkflowExecution".to_vec(),
            ),
        ]
        .into(),
        data: br#"{"workflowId": "order-1", "runId": "r1"}"#.to_vec(),
        ..Payload::default()
    }
}

#[tokio::test]
async fn a_message_python_sends_as_json_protobuf_decodes_and_the_result_is_json_protobuf() {
    let result = environment()
        .run_payloads("rerun", vec![python_style_message()])
        .await
        .unwrap();
    assert_eq!(metadata(&result, "encoding"), "json/protobuf");
    assert_eq!(
        metadata(&result, "messageType"),
        "temporal.api.common.v1.WorkflowExecution"
    );
    let json: serde_json::Value = serde_json::from_slice(&result.data).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"workflowId": "order-1", "runId": "r1-again"})
    );
}

#[tokio::test]
async fn a_message_the_official_rust_sdk_sends_as_binary_protobuf_decodes() {
    let execution = WorkflowExecution {
        workflow_id: "order-2".into(),
        run_id: "r2".into(),
    };
    let binary = Payload {
        metadata: [
            ("encoding".to_string(), b"binary/protobuf".to_vec()),
            (
                "messageType".to_string(),
                b"temporal.api.common.v1.WorkflowExecution".to_vec(),
            ),
        ]
        .into(),
        data: execution.encode_to_vec(),
        ..Payload::default()
    };
    let result = environment()
        .run_payloads("rerun", vec![binary])
        .await
        .unwrap();
    let Proto(decoded) = payload::decode::<Proto<WorkflowExecution>>(&result).unwrap();
    assert_eq!(decoded.run_id, "r2-again");
}

#[tokio::test]
async fn a_message_of_another_type_is_a_non_retryable_error_naming_both_types() {
    let mut other = python_style_message();
    other
        .metadata
        .insert("messageType".into(), b"acme.v1.Invoice".to_vec());
    let error = environment()
        .run_payloads("rerun", vec![other])
        .await
        .unwrap_err();
    assert!(error.is_non_retryable());
    assert!(
        error
            .message()
            .contains("holds protobuf message `acme.v1.Invoice`"),
        "{}",
        error.message()
    );
}

#[tokio::test]
async fn bytes_are_binary_plain_both_ways_and_a_missing_option_is_none() {
    let env = environment();
    let result = env
        .run_payloads(
            "checksum",
            vec![payload::encode(&ByteBuf::from(vec![0, 254])).unwrap()],
        )
        .await
        .unwrap();
    assert_eq!(metadata(&result, "encoding"), "binary/plain");
    assert_eq!(result.data, [1, 255]);
    let salted = env
        .run(
            checksum::ACTIVITY,
            (ByteBuf::from(vec![1]), Some(ByteBuf::from(vec![2]))),
        )
        .await
        .unwrap();
    assert_eq!(salted.into_vec(), [2, 3]);
    let null = env
        .run_payloads(
            "checksum",
            vec![
                payload::encode(&ByteBuf::from(vec![9])).unwrap(),
                payload::encode(&()).unwrap(),
            ],
        )
        .await
        .unwrap();
    assert_eq!(null.data, [10]);
}

#[test]
fn a_serde_type_reads_a_json_protobuf_payload_as_json() {
    let value = payload::decode::<serde_json::Value>(&python_style_message()).unwrap();
    assert_eq!(value["workflowId"], "order-1");
}
