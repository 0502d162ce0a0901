//! Payloads cross both ways between this converter and the official Rust SDK's
//! (`temporalio-common`'s default `PayloadConverter`, the one its workflows and clients use):
//! each value that one encodes, the other decodes to the same value, and both write the same
//! bytes and `encoding`. Checked live against the crate in the lock file, not a recording.

use std::fmt::Debug;

use activity_runtime::payload::{self, ArgumentList, ByteBuf, FromPayload, Payload, ToPayload};
use serde::{Deserialize, Serialize};
use temporalio_common::data_converters::{
    ActivitySerializationContext, GenericPayloadConverter, MultiArgs2, MultiArgs3,
    PayloadConverter, SerializationContext, SerializationContextData, TemporalDeserializable,
    TemporalSerializable,
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct YourParams {
    greeting: String,
    name: String,
}

fn with_official<R>(f: impl FnOnce(&PayloadConverter, &SerializationContext<'_>) -> R) -> R {
    let converter = PayloadConverter::default();
    let data = SerializationContextData::Activity(ActivitySerializationContext::new());
    let context = SerializationContext::new(&data, &converter);
    f(&converter, &context)
}

fn official_encode<T: TemporalSerializable + 'static>(value: &T) -> Vec<Payload> {
    with_official(|converter, context| converter.to_payloads(context, value).unwrap())
}

fn official_decode<T: TemporalDeserializable + 'static>(payloads: Vec<Payload>) -> T {
    with_official(|converter, context| converter.from_payloads(context, payloads).unwrap())
}

fn encoding(payload: &Payload) -> String {
    String::from_utf8_lossy(&payload.metadata["encoding"]).into_owned()
}

/// One value, as one payload, both ways and byte for byte.
fn crosses<T>(value: T, expected_encoding: &str)
where
    T: ToPayload + FromPayload + TemporalSerializable + TemporalDeserializable,
    T: Debug + PartialEq + 'static,
{
    let official = official_encode(&value);
    let ours = payload::encode(&value).unwrap();
    assert_eq!(
        official.len(),
        1,
        "{value:?}: the official SDK sends one payload"
    );
    assert_eq!(
        encoding(&ours),
        expected_encoding,
        "{value:?}: our encoding"
    );
    assert_eq!(
        encoding(&official[0]),
        expected_encoding,
        "{value:?}: its encoding"
    );
    assert_eq!(ours.data, official[0].data, "{value:?}: the same bytes");
    assert_eq!(payload::decode::<T>(&official[0]).unwrap(), value);
    assert_eq!(official_decode::<T>(vec![ours]), value);
}

#[test]
fn single_values_cross_both_ways_byte_for_byte() {
    crosses("Hello, World!".to_string(), "json/plain");
    crosses(
        YourParams {
            greeting: "Hello".into(),
            name: "World".into(),
        },
        "json/plain",
    );
    crosses(42u64, "json/plain");
    crosses(vec![0u8, 1, 2, 255], "binary/plain");
    crosses(Vec::<u8>::new(), "binary/plain");
    crosses(Some(vec![1u8, 2, 3]), "binary/plain");
    crosses(None::<Vec<u8>>, "binary/null");
    crosses(Some("x".to_string()), "json/plain");
    crosses(None::<String>, "binary/null");
    crosses(vec!["a".to_string()], "json/plain");
    crosses(Vec::<String>::new(), "json/plain");
}

#[test]
fn unit_is_binary_null_as_a_value_and_no_payload_as_arguments() {
    let ours = payload::encode(&()).unwrap();
    assert_eq!(encoding(&ours), "binary/null");
    with_official(|converter, context| {
        let official = converter.to_payload(context, &()).unwrap();
        assert_eq!(encoding(&official), "binary/null");
        assert_eq!(official.data, ours.data);
    });
    // An activity without arguments: the official SDK sends `()` as no payloads, as we do.
    assert!(official_encode(&()).is_empty());
    assert!(().into_payloads().unwrap().is_empty());
    official_decode::<()>(Vec::new());
}

#[test]
fn bytes_inside_a_struct_stay_a_json_array_on_both_sides() {
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Blob {
        data: Vec<u8>,
    }
    crosses(Blob { data: vec![1, 2] }, "json/plain");
    // A `ByteBuf` is bytes to us; the official SDK reads our `binary/plain` into a `Vec<u8>`.
    let ours = payload::encode(&ByteBuf::from(vec![7u8, 8])).unwrap();
    assert_eq!(official_decode::<Vec<u8>>(vec![ours]), [7, 8]);
}

#[test]
fn two_and_three_arguments_are_one_payload_each_as_multi_args() {
    let two = (
        YourParams {
            greeting: "Hej".into(),
            name: "Världen".into(),
        },
        vec![9u8, 8],
    );
    let official = official_encode(&MultiArgs2::from(two.clone()));
    let ours = two.clone().into_payloads().unwrap();
    assert_eq!(official, ours, "the same payloads, in order");
    assert_eq!(payload::decode::<YourParams>(&official[0]).unwrap(), two.0);
    assert_eq!(payload::decode::<Vec<u8>>(&official[1]).unwrap(), two.1);
    let MultiArgs2(params, bytes) = official_decode::<MultiArgs2<YourParams, Vec<u8>>>(ours);
    assert_eq!((params, bytes), two);

    let three = ("a".to_string(), 2u32, Some(3.5f64));
    let official = official_encode(&MultiArgs3::from(three.clone()));
    let ours = three.clone().into_payloads().unwrap();
    assert_eq!(official, ours);
    let MultiArgs3(a, b, c) = official_decode::<MultiArgs3<String, u32, Option<f64>>>(ours);
    assert_eq!((a, b, c), three);
}
