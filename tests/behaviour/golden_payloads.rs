//! Payloads byte-compatible with the Python SDK's default data converter.
//!
//! `tests/data/golden_payloads.json` holds what Python 1.35.0's converter produced for a fixed
//! set of values (`scripts/record_golden_payloads.py` says how it was recorded). For each value,
//! the Rust encoding has the same metadata and equal data (equal JSON values for JSON encodings:
//! Python escapes non-ASCII and sorts keys, neither of which changes the value; equal bytes
//! otherwise), and Python's payload decodes into the same Rust value.

use std::collections::BTreeMap;

use activity_runtime::payload::{ByteBuf, FromPayload, Payload, Proto, ToPayload};
use base64::Engine;
use serde::{Deserialize, Serialize};
use temporalio_common::protos::temporal::api::common::v1::WorkflowExecution;

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Address {
    street: String,
    city: String,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Customer {
    name: String,
    age: u32,
    tags: Vec<String>,
    address: Address,
    nickname: Option<String>,
}

#[derive(Deserialize)]
struct Recording {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    metadata: BTreeMap<String, String>,
    data_base64: String,
}

impl Case {
    fn payload(&self) -> Payload {
        Payload {
            metadata: self
                .metadata
                .iter()
                .map(|(key, value)| (key.clone(), value.as_bytes().to_vec()))
                .collect(),
            data: base64::engine::general_purpose::STANDARD
                .decode(&self.data_base64)
                .expect("the recording holds base64"),
            ..Payload::default()
        }
    }
}

/// Checks one recorded case against the Rust value that stands for it.
fn check<T: ToPayload + FromPayload + PartialEq + std::fmt::Debug>(case: &Case, value: T) {
    let python = case.payload();
    let rust = value.to_payload().unwrap();
    let metadata = |payload: &Payload| {
        payload
            .metadata
            .iter()
            .map(|(key, value)| (key.clone(), String::from_utf8_lossy(value).into_owned()))
            .collect::<BTreeMap<_, _>>()
    };
    assert_eq!(
        metadata(&rust),
        metadata(&python),
        "metadata of `{}`",
        case.name
    );
    if case.metadata["encoding"].starts_with("json/") {
        let as_json = |data: &[u8]| serde_json::from_slice::<serde_json::Value>(data).unwrap();
        assert_eq!(
            as_json(&rust.data),
            as_json(&python.data),
            "data of `{}`",
            case.name
        );
    } else {
        assert_eq!(rust.data, python.data, "data of `{}`", case.name);
    }
    assert_eq!(
        T::from_payload(&python).unwrap(),
        value,
        "Python's `{}` decodes into the Rust value",
        case.name
    );
}

#[test]
fn every_recorded_python_payload_matches_the_rust_encoding() {
    let recording: Recording =
        serde_json::from_str(include_str!("../data/golden_payloads.json")).unwrap();
    let mut names = Vec::new();
    for case in &recording.cases {
        names.push(case.name.as_str());
        match case.name.as_str() {
            "string" => check(case, "Hello, World!".to_string()),
            "empty_string" => check(case, String::new()),
            "int" => check(case, 42u32),
            "negative_int" => check(case, -7i64),
            "big_int" => check(case, 9_007_199_254_740_993u64),
            "float" => check(case, 3.25f64),
            "bool_true" => check(case, true),
            "bool_false" => check(case, false),
            "none" => check(case, None::<String>),
            "nested_struct" => check(
                case,
                Customer {
                    name: "Ada".into(),
                    age: 36,
                    tags: vec!["vip".into(), "early".into()],
                    address: Address {
                        street: "1 Analytical Way".into(),
                        city: "London".into(),
                    },
                    nickname: None,
                },
            ),
            "list" => check(
                case,
                vec![
                    serde_json::json!(1),
                    serde_json::json!("two"),
                    serde_json::json!(3.5),
                    serde_json::Value::Null,
                    serde_json::json!(true),
                ],
            ),
            "map" => check(
                case,
                BTreeMap::from([
                    ("zeta".to_string(), serde_json::json!(1)),
                    ("alpha".to_string(), serde_json::json!([1, 2])),
                    ("mid".to_string(), serde_json::json!({"k": "v"})),
                ]),
            ),
            "bytes" => check(case, ByteBuf::from(b"\x00\x01\xfe\xff raw".to_vec())),
            "empty_bytes" => check(case, ByteBuf::new()),
            "unicode" => check(case, "héllo ✓ 日本語 🎉".to_string()),
            "protobuf" => check(
                case,
                Proto(WorkflowExecution {
                    workflow_id: "order-42".into(),
                    run_id: "run-1".into(),
                }),
            ),
            other => panic!("no Rust value for the recorded case `{other}`"),
        }
    }
    assert_eq!(
        names.len(),
        16,
        "every recorded case was checked: {names:?}"
    );
}
