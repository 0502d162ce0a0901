//! Property tests: encoding then decoding arbitrary serde values round-trips, and the JSON the
//! converter writes is exactly serde_json's.

use std::collections::BTreeMap;

use activity_runtime::payload::{self, ByteBuf};
use proptest::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Order {
    id: u64,
    customer: String,
    lines: Vec<(String, u32)>,
    note: Option<String>,
    attributes: BTreeMap<String, i64>,
    status: Status,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Status {
    Open,
    Shipped { carrier: String },
    Cancelled(String),
}

fn status() -> impl Strategy<Value = Status> {
    prop_oneof![
        Just(Status::Open),
        any::<String>().prop_map(|carrier| Status::Shipped { carrier }),
        any::<String>().prop_map(Status::Cancelled),
    ]
}

fn order() -> impl Strategy<Value = Order> {
    (
        any::<u64>(),
        any::<String>(),
        prop::collection::vec((any::<String>(), any::<u32>()), 0..5),
        any::<Option<String>>(),
        prop::collection::btree_map(any::<String>(), any::<i64>(), 0..5),
        status(),
    )
        .prop_map(|(id, customer, lines, note, attributes, status)| Order {
            id,
            customer,
            lines,
            note,
            attributes,
            status,
        })
}

/// Any JSON value, nested a few levels, with finite numbers (JSON has no NaN).
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<u64>().prop_map(serde_json::Value::from),
        (-1e300f64..1e300).prop_map(serde_json::Value::from),
        any::<String>().prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..8)
                .prop_map(|map| serde_json::Value::Object(map.into_iter().collect())),
        ]
    })
}

fn round_trips<T>(value: &T) -> Result<(), TestCaseError>
where
    T: Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let encoded = payload::encode(value).unwrap();
    prop_assert_eq!(&payload::decode::<T>(&encoded).unwrap(), value);
    Ok(())
}

proptest! {
    #[test]
    fn structs_round_trip_and_their_json_is_serde_json(order in order()) {
        round_trips(&order)?;
        let encoded = payload::encode(&order).unwrap();
        prop_assert_eq!(&encoded.metadata["encoding"], b"json/plain");
        prop_assert_eq!(encoded.data, serde_json::to_vec(&order).unwrap());
    }

    #[test]
    fn json_values_round_trip(value in json_value()) {
        round_trips(&value)?;
        let encoded = payload::encode(&value).unwrap();
        let expected = if value.is_null() { b"binary/null".as_slice() } else { b"json/plain" };
        prop_assert_eq!(encoded.metadata["encoding"].as_slice(), expected);
    }

    #[test]
    fn strings_and_numbers_round_trip(text in any::<String>(), int in any::<i128>(), float in any::<f64>().prop_filter("finite", |f| f.is_finite())) {
        round_trips(&text)?;
        round_trips(&int)?;
        round_trips(&float)?;
        round_trips(&Some(text.clone()))?;
        round_trips(&None::<String>)?;
    }

    #[test]
    fn bytes_round_trip_as_binary_plain(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let wrapped = ByteBuf::from(bytes.clone());
        round_trips(&wrapped)?;
        let encoded = payload::encode(&wrapped).unwrap();
        prop_assert_eq!(&encoded.metadata["encoding"], b"binary/plain");
        prop_assert_eq!(encoded.data, bytes);
    }
}
