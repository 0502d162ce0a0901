//! Temporal payloads, encoded as the default data converter of every Temporal SDK encodes them.
//!
//! | Rust value | `encoding` metadata | data |
//! |---|---|---|
//! | `()`, `None`, a unit struct | `binary/null` | empty |
//! | `Vec<u8>`, `[u8]`, `Box<[u8]>`, `VecDeque<u8>`, `Option<Vec<u8>>` (when `Some`) | `binary/plain` | the bytes |
//! | [`ByteBuf`], `bytes::Bytes` (any type that serializes with `serialize_bytes`) | `binary/plain` | the bytes |
//! | [`Proto<M>`] around a prost message | `json/protobuf`, with `messageType` | proto3 JSON |
//! | any other `Serialize` type | `json/plain` | compact JSON |
//!
//! **Bytes.** The official Rust SDK sends a `Vec<u8>` as `binary/plain`, and Python reads that
//! as `bytes`; so does this converter, for the byte types above when they are the whole value (an
//! argument, a result, a heartbeat detail). Decoding, each of them (and any type whose
//! `Deserialize` reads a sequence of `u8` or bytes) accepts `binary/plain` as well as a JSON array
//! of numbers. Inside a struct, a tuple or a `Vec`, serde hands the converter a sequence of
//! numbers with nothing that tells it apart from other numbers, so a `Vec<u8>` field stays a JSON
//! array, as it does in the official SDK; Python reads it as a `list` of `int`.
//!
//! ```
//! use activity_runtime::payload;
//!
//! let payload = payload::encode(&"Hello, World!").unwrap();
//! assert_eq!(payload.metadata["encoding"], b"json/plain");
//! assert_eq!(payload.data, br#""Hello, World!""#);
//! assert_eq!(payload::decode::<String>(&payload).unwrap(), "Hello, World!");
//! ```
//!
//! **Checked against every SDK.** Payloads recorded from the Python SDK's converter are decoded
//! and re-encoded byte for byte in the tests; the official Rust SDK's converter is checked live
//! in both directions; and Python and TypeScript workflows call activities end to end, with
//! values, several arguments, `None` and `undefined`, bytes and `Uint8Array`, typed failures,
//! heartbeat details across retries and cancellation.
//!
//! **Floats.** JSON cannot hold NaN or the infinities (serde_json would write `null`), so a
//! result or heartbeat holding one fails the attempt with a non-retryable `PayloadEncodeError`
//! that names where the float sits, as `` `readings[1].celsius` is NaN ``, instead of reaching
//! the caller as something else. Floats round-trip exactly.
//!
//! **Decoding errors** name the argument's position, name and expected type, and are
//! non-retryable: a retry sends the same bytes. JSON nested deeper than serde_json's recursion
//! limit is refused the same way, before it can exhaust the stack.
//!
//! **Another encoding.** The table is the [`DefaultPayloadConverter`]'s. A team whose services
//! speak msgpack, CBOR or a JSON of other rules sets its own [`PayloadConverter`] on the
//! worker, the test environment, the official bridge and the client helpers; it sees each
//! value with its Rust type through serde, and falls through to the default for what it does
//! not handle. [`ActivityContext::payload_converter`](crate::ActivityContext::payload_converter)
//! is the one in use.
//!
//! **Codecs and size.** A [`codec::PayloadCodec`] applies to arguments, results, heartbeat
//! details, the previous attempt's details, failure details and, by default, failure messages.
//! A result over 2 MiB, the server's limit, fails the attempt as a non-retryable
//! `PayloadTooLarge` naming the size and the limit; above 512 KiB a warning is logged
//! ([`PayloadLimits`](crate::worker::PayloadLimits)).

use serde::de::DeserializeOwned;
use serde::ser::{self, Impossible, Serialize};

mod arguments;
pub mod codec;
mod converter;
mod finite;
mod proto;

use finite::{FiniteFloats, NON_FINITE};

pub use arguments::{ArgumentList, IntoArguments, PayloadList};
pub use converter::{
    Decoded, DefaultPayloadConverter, PayloadConverter, PayloadToDecode, ValueToEncode,
    with_encoding,
};
pub(crate) use converter::{
    converter_or_default, custom_converter, custom_converter_set, default_converter,
};
pub use proto::{BINARY_PROTOBUF, JSON_PROTOBUF, MESSAGE_TYPE_KEY, Proto, ProtoMessage};
pub use serde_bytes::ByteBuf;
pub use temporalio_common::protos::temporal::api::common::v1::Payload;

/// The metadata key that names a payload's encoding.
pub const ENCODING_KEY: &str = "encoding";
/// The encoding of `()` and `None`.
pub const BINARY_NULL: &str = "binary/null";
/// The encoding of raw bytes.
pub const BINARY_PLAIN: &str = "binary/plain";
/// The encoding of every other serde value.
pub const JSON_PLAIN: &str = "json/plain";

/// The encodings this converter reads, for error messages.
const READABLE: &str = "binary/null, binary/plain, json/plain, json/protobuf, binary/protobuf";

/// Why a value could not become a payload, or a payload a value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PayloadError {
    /// The payload has no `encoding` metadata.
    #[error("the payload has no `encoding` metadata; expected one of {READABLE}")]
    MissingEncoding,
    /// The payload's encoding is not one this converter reads.
    #[error("unsupported payload encoding `{0}`; expected one of {READABLE}")]
    UnknownEncoding(String),
    /// The data is not valid for its encoding, or does not fit the expected type.
    #[error("{encoding} payload does not decode as `{expected}`: {source}")]
    Decode {
        /// The payload's encoding.
        encoding: String,
        /// The Rust type that was expected.
        expected: &'static str,
        /// What the decoder said.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// One element of a tuple of payloads ([`PayloadList`]) did not decode.
    #[error("element {index}: {source}")]
    Element {
        /// The element's position, from 0.
        index: usize,
        /// Why it did not decode.
        #[source]
        source: Box<PayloadError>,
    },
    /// A tuple of payloads ([`PayloadList`]) has a different count than its elements.
    #[error("expected {expected} payloads, one per element of the tuple, but found {found}")]
    Count {
        /// How many elements needed a payload (up to the first that was missing).
        expected: usize,
        /// How many payloads there were.
        found: usize,
    },
    /// A protobuf payload names another message type than the one expected.
    #[error("the payload holds protobuf message `{found}`, but `{expected}` was expected")]
    WrongMessageType {
        /// The expected message's full name.
        expected: &'static str,
        /// The payload's `messageType`.
        found: String,
    },
    /// The value holds a NaN or an infinity, which JSON cannot represent: serde_json would
    /// write `null`, and the caller would read something else than was sent.
    #[error(
        "value of type `{type_name}` does not encode as a payload: {} is {value}, which JSON \
         cannot represent; send a finite number, or an `Option` that is `None` when there is none",
        describe_path(path)
    )]
    NonFiniteFloat {
        /// The Rust type of the value.
        type_name: &'static str,
        /// Where the float sits in the value, as `readings[2].celsius`; `.` for the value itself.
        path: String,
        /// The float, as Rust prints it: `NaN`, `inf`, `-inf`.
        value: String,
    },
    /// The value failed to serialize.
    #[error("value of type `{type_name}` does not encode as a payload: {source}")]
    Encode {
        /// The Rust type of the value.
        type_name: &'static str,
        /// What serde, or the payload converter, said.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl PayloadError {
    pub(crate) fn decode<T>(
        encoding: &str,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Self::Decode {
            encoding: encoding.to_string(),
            expected: std::any::type_name::<T>(),
            source: source.into(),
        }
    }
}

/// A value that becomes one payload: every `serde::Serialize` type, and [`Proto`].
pub trait ToPayload {
    /// Encodes the value as the default converter does.
    ///
    /// # Errors
    /// When the value cannot be represented in its encoding.
    fn to_payload(&self) -> Result<Payload, PayloadError>;

    /// The encoding [`to_payload`](Self::to_payload) gives the value, without encoding it:
    /// what [`ValueToEncode::default_encoding`] answers a [`PayloadConverter`].
    fn default_encoding(&self) -> &'static str;

    /// Serializes the value with serde, for a [`PayloadConverter`] with a format of its own:
    /// the value itself, or a [`Proto`]'s message.
    ///
    /// # Errors
    /// What the serializer says.
    fn serialize_with<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
}

/// A value that one payload decodes into: every `serde::de::DeserializeOwned` type, and
/// [`Proto`].
pub trait FromPayload: Sized {
    /// Decodes the value as the default converter does, by the payload's `encoding` metadata.
    ///
    /// # Errors
    /// When the encoding is missing or unknown, or the data does not fit the type.
    fn from_payload(payload: &Payload) -> Result<Self, PayloadError>;

    /// The value of an argument the caller did not send: `None` for an `Option`, `()` for unit,
    /// and nothing for a type that needs a value.
    fn from_missing() -> Option<Self>;

    /// Deserializes the value with serde, for a [`PayloadConverter`] with a format of its own:
    /// the value itself, or a [`Proto`]'s message.
    ///
    /// # Errors
    /// What the deserializer says.
    fn deserialize_with<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error>;
}

impl<T: Serialize + ?Sized> ToPayload for T {
    fn to_payload(&self) -> Result<Payload, PayloadError> {
        encode_serde(self)
    }

    fn default_encoding(&self) -> &'static str {
        match self.serialize(Classifier {
            byte_string: is_byte_string::<T>(),
        }) {
            Ok(Special::Null) => BINARY_NULL,
            Ok(Special::Bytes(_)) => BINARY_PLAIN,
            Err(NotSpecial) => JSON_PLAIN,
        }
    }

    fn serialize_with<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.serialize(serializer)
    }
}

impl<T: DeserializeOwned> FromPayload for T {
    fn from_payload(payload: &Payload) -> Result<Self, PayloadError> {
        decode_serde(payload)
    }

    fn from_missing() -> Option<Self> {
        decode_null().ok()
    }

    fn deserialize_with<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        T::deserialize(deserializer)
    }
}

/// Encodes a value as one payload: `binary/null`, `binary/plain`, `json/protobuf` or
/// `json/plain`.
///
/// # Errors
/// When the value's `Serialize` implementation fails, or it is a map with non-string keys.
///
/// ```
/// use activity_runtime::payload::{self, ByteBuf};
///
/// assert_eq!(payload::encode(&()).unwrap().metadata["encoding"], b"binary/null");
/// let bytes = payload::encode(&ByteBuf::from(vec![0xff, 0x00])).unwrap();
/// assert_eq!(bytes.metadata["encoding"], b"binary/plain");
/// assert_eq!(bytes.data, [0xff, 0x00]);
/// ```
pub fn encode<T: ToPayload + ?Sized>(value: &T) -> Result<Payload, PayloadError> {
    value.to_payload()
}

fn encode_serde<T: Serialize + ?Sized>(value: &T) -> Result<Payload, PayloadError> {
    let classifier = Classifier {
        byte_string: is_byte_string::<T>(),
    };
    match value.serialize(classifier) {
        Ok(Special::Null) => Ok(payload(BINARY_NULL, Vec::new())),
        Ok(Special::Bytes(bytes)) => Ok(payload(BINARY_PLAIN, bytes)),
        Err(NotSpecial) => encode_json(value).map(|data| payload(JSON_PLAIN, data)),
    }
}

/// Compact JSON, refusing non-finite floats, which JSON cannot represent.
fn encode_json<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, PayloadError> {
    let type_name = std::any::type_name::<T>();
    let mut data = Vec::with_capacity(128);
    let serializer = &mut serde_json::Serializer::new(&mut data);
    match value.serialize(FiniteFloats(serializer)) {
        Ok(()) => Ok(data),
        Err(source) => match source.to_string().strip_prefix(NON_FINITE) {
            // Only now, on the rare failure, is the value walked again to find where it is.
            Some(float) => Err(PayloadError::NonFiniteFloat {
                type_name,
                path: non_finite_path(value),
                value: float.to_string(),
            }),
            None => Err(PayloadError::Encode {
                type_name,
                source: source.into(),
            }),
        },
    }
}

fn non_finite_path<T: Serialize + ?Sized>(value: &T) -> String {
    let serializer = &mut serde_json::Serializer::new(std::io::sink());
    match serde_path_to_error::serialize(value, FiniteFloats(serializer)) {
        Ok(()) => ".".to_string(),
        Err(error) => error.path().to_string(),
    }
}

fn describe_path(path: &str) -> String {
    if path == "." {
        "the value".to_string()
    } else {
        format!("`{path}`")
    }
}

/// Decodes one payload into a value, by the payload's `encoding` metadata.
///
/// # Errors
/// When the encoding is missing or unknown, or the data does not fit `T`.
///
/// ```
/// use activity_runtime::payload;
///
/// let null = payload::encode(&()).unwrap();
/// assert_eq!(payload::decode::<Option<String>>(&null).unwrap(), None);
/// assert!(payload::decode::<String>(&null).is_err());
/// ```
pub fn decode<T: FromPayload>(payload: &Payload) -> Result<T, PayloadError> {
    T::from_payload(payload)
}

fn decode_serde<T: DeserializeOwned>(payload: &Payload) -> Result<T, PayloadError> {
    let encoding = encoding_of(payload)?;
    let decoded = match encoding {
        // Proto3 JSON is JSON: a serde type may read what another SDK sent as a message.
        JSON_PLAIN | proto::JSON_PROTOBUF => serde_json::from_slice(&payload.data),
        BINARY_NULL => decode_null(),
        BINARY_PLAIN => T::deserialize(PlainBytes(&payload.data)),
        proto::BINARY_PROTOBUF => {
            return Err(PayloadError::decode::<T>(
                encoding,
                "a binary protobuf message decodes only into `Proto<M>` of its prost type",
            ));
        }
        other => return Err(PayloadError::UnknownEncoding(other.to_string())),
    };
    decoded.map_err(|error| PayloadError::decode::<T>(encoding, error))
}

/// The payload's `encoding` metadata.
pub(crate) fn encoding_of(payload: &Payload) -> Result<&str, PayloadError> {
    // A payload has a few metadata entries: comparing each key costs a tenth of hashing the
    // one sought with the map's SipHash, which was a sixth of the generated code's overhead
    // over hand-written serde_json (BENCHMARKS.md, "Dispatch overhead").
    let encoding = payload
        .metadata
        .iter()
        .find_map(|(key, value)| (key == ENCODING_KEY).then_some(value))
        .ok_or(PayloadError::MissingEncoding)?;
    std::str::from_utf8(encoding)
        .map_err(|_| PayloadError::UnknownEncoding(String::from_utf8_lossy(encoding).into_owned()))
}

/// Decodes an absent value: `None` for an `Option`, `()` for unit, and an error for the rest.
fn decode_null<T: DeserializeOwned>() -> Result<T, serde_json::Error> {
    T::deserialize(serde_json::Value::Null)
}

pub(crate) fn payload(encoding: &str, data: Vec<u8>) -> Payload {
    Payload {
        metadata: [(ENCODING_KEY.to_string(), encoding.as_bytes().to_vec())].into(),
        data,
        ..Payload::default()
    }
}

/// Whether `T` is one of the byte types that every SDK sends as `binary/plain` when it is the
/// whole value. Serde gives them no `serialize_bytes`, so only their type tells them apart from
/// other sequences (an empty `Vec<u8>` from an empty `Vec<String>`); `typeid` reads it without
/// the `'static` bound that `ToPayload` does not have.
fn is_byte_string<T: ?Sized>() -> bool {
    let byte_strings = [
        typeid::of::<Vec<u8>>(),
        typeid::of::<[u8]>(),
        typeid::of::<Box<[u8]>>(),
        typeid::of::<std::collections::VecDeque<u8>>(),
        typeid::of::<Option<Vec<u8>>>(),
    ];
    byte_strings.contains(&typeid::of::<T>())
}

/// What [`Classifier`] found at the top of a value.
enum Special {
    Null,
    Bytes(Vec<u8>),
}

/// The answer for every value that is neither null nor bytes: encode it as JSON.
#[derive(Debug)]
struct NotSpecial;

impl std::fmt::Display for NotSpecial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not a null or bytes value")
    }
}

impl std::error::Error for NotSpecial {}

impl ser::Error for NotSpecial {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        NotSpecial
    }
}

/// Looks only at the top of a value, through `Option` and newtype wrappers, to choose its
/// encoding. It stops at the first call for anything else, so a struct costs one call. For a
/// byte type ([`is_byte_string`]), it collects the sequence of `u8`s as the bytes.
struct Classifier {
    byte_string: bool,
}

/// The bytes of a byte type's sequence.
struct ByteCollector(Vec<u8>);

impl ser::SerializeSeq for ByteCollector {
    type Ok = Special;
    type Error = NotSpecial;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), NotSpecial> {
        let byte = match value.serialize(serde_json::value::Serializer) {
            Ok(serde_json::Value::Number(number)) => number.as_u64(),
            _ => None,
        };
        self.0.push(
            byte.and_then(|byte| u8::try_from(byte).ok())
                .ok_or(NotSpecial)?,
        );
        Ok(())
    }

    fn end(self) -> Result<Special, NotSpecial> {
        Ok(Special::Bytes(self.0))
    }
}

macro_rules! not_special {
    ($($method:ident($($ty:ty),*)),* $(,)?) => {
        $(fn $method(self, $(_: $ty),*) -> Result<Special, NotSpecial> { Err(NotSpecial) })*
    };
}

impl ser::Serializer for Classifier {
    type Ok = Special;
    type Error = NotSpecial;
    type SerializeSeq = ByteCollector;
    type SerializeTuple = Impossible<Special, NotSpecial>;
    type SerializeTupleStruct = Impossible<Special, NotSpecial>;
    type SerializeTupleVariant = Impossible<Special, NotSpecial>;
    type SerializeMap = Impossible<Special, NotSpecial>;
    type SerializeStruct = Impossible<Special, NotSpecial>;
    type SerializeStructVariant = Impossible<Special, NotSpecial>;

    fn serialize_bytes(self, bytes: &[u8]) -> Result<Special, NotSpecial> {
        Ok(Special::Bytes(bytes.to_vec()))
    }
    fn serialize_none(self) -> Result<Special, NotSpecial> {
        Ok(Special::Null)
    }
    fn serialize_unit(self) -> Result<Special, NotSpecial> {
        Ok(Special::Null)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Special, NotSpecial> {
        Ok(Special::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Special, NotSpecial> {
        value.serialize(self)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Special, NotSpecial> {
        value.serialize(self)
    }

    not_special! {
        serialize_bool(bool), serialize_i8(i8), serialize_i16(i16), serialize_i32(i32),
        serialize_i64(i64), serialize_i128(i128), serialize_u8(u8), serialize_u16(u16),
        serialize_u32(u32), serialize_u64(u64), serialize_u128(u128), serialize_f32(f32),
        serialize_f64(f64), serialize_char(char), serialize_str(&str),
        serialize_unit_variant(&'static str, u32, &'static str),
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Special, NotSpecial> {
        Err(NotSpecial)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, NotSpecial> {
        if self.byte_string {
            Ok(ByteCollector(Vec::with_capacity(len.unwrap_or(0))))
        } else {
            Err(NotSpecial)
        }
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, NotSpecial> {
        Err(NotSpecial)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, NotSpecial> {
        Err(NotSpecial)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, NotSpecial> {
        Err(NotSpecial)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, NotSpecial> {
        Err(NotSpecial)
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, NotSpecial> {
        Err(NotSpecial)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, NotSpecial> {
        Err(NotSpecial)
    }
}

/// Hands `binary/plain` data to a type as bytes, seeing through `Option` and newtypes, so that
/// `Option<ByteBuf>` and `struct Blob(ByteBuf)` read what Python sends for `bytes`; and as a
/// sequence of `u8` to a type that asks for one, as `Vec<u8>` does.
struct PlainBytes<'a>(&'a [u8]);

impl<'de> serde::Deserializer<'de> for PlainBytes<'_> {
    type Error = serde_json::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_bytes(self.0)
    }
    fn deserialize_option<V: serde::de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_some(self)
    }
    fn deserialize_newtype_struct<V: serde::de::Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }
    fn deserialize_seq<V: serde::de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_seq(serde::de::value::SeqDeserializer::new(
            self.0.iter().copied(),
        ))
    }
    fn deserialize_tuple<V: serde::de::Visitor<'de>>(
        self,
        _: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.deserialize_seq(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct tuple_struct map struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Blob(ByteBuf);

    #[test]
    fn byte_types_are_binary_plain_when_they_are_the_whole_value() {
        let bytes = vec![0u8, 255];
        let cases = [
            encode(&bytes).unwrap(),
            encode(&bytes[..]).unwrap(),
            encode(&bytes.clone().into_boxed_slice()).unwrap(),
            encode(&std::collections::VecDeque::from(bytes.clone())).unwrap(),
            encode(&Some(bytes.clone())).unwrap(),
        ];
        for payload in cases {
            assert_eq!(payload.metadata[ENCODING_KEY], b"binary/plain");
            assert_eq!(payload.data, bytes);
        }
        // Other sequences, even empty or of small numbers, stay JSON.
        assert_eq!(encode(&Vec::<String>::new()).unwrap().data, b"[]");
        assert_eq!(encode(&vec![1u16, 2]).unwrap().data, b"[1,2]");
        assert_eq!(encode(&(1u8, 2u8)).unwrap().data, b"[1,2]");
    }

    #[test]
    fn binary_plain_decodes_into_every_type_that_reads_bytes_or_a_sequence_of_u8() {
        let plain = payload(BINARY_PLAIN, vec![1, 2, 3]);
        assert_eq!(decode::<Vec<u8>>(&plain).unwrap(), [1, 2, 3]);
        assert_eq!(
            decode::<Option<Vec<u8>>>(&plain).unwrap(),
            Some(vec![1, 2, 3])
        );
        assert_eq!(decode::<[u8; 3]>(&plain).unwrap(), [1, 2, 3]);
        assert_eq!(
            decode::<std::collections::VecDeque<u8>>(&plain).unwrap(),
            [1, 2, 3]
        );
        assert_eq!(decode::<ByteBuf>(&plain).unwrap().into_vec(), [1, 2, 3]);
        // The JSON array a Vec<u8> used to be still decodes.
        let json = payload(JSON_PLAIN, b"[1,2,3]".to_vec());
        assert_eq!(decode::<Vec<u8>>(&json).unwrap(), [1, 2, 3]);
        // A sequence of something else is refused with the type it expected.
        let error = decode::<Vec<String>>(&plain).unwrap_err().to_string();
        assert!(error.contains("Vec<alloc::string::String>"), "{error}");
    }

    #[test]
    fn json_round_trips_a_struct() {
        #[derive(Debug, PartialEq, Serialize, Deserialize)]
        struct YourParams {
            greeting: String,
            name: String,
        }
        let value = YourParams {
            greeting: "Hello".into(),
            name: "World".into(),
        };
        let payload = encode(&value).unwrap();
        assert_eq!(payload.metadata[ENCODING_KEY], b"json/plain");
        assert_eq!(payload.data, br#"{"greeting":"Hello","name":"World"}"#);
        assert_eq!(decode::<YourParams>(&payload).unwrap(), value);
    }

    #[test]
    fn none_and_unit_are_binary_null() {
        for payload in [encode(&()).unwrap(), encode(&None::<u32>).unwrap()] {
            assert_eq!(payload.metadata[ENCODING_KEY], b"binary/null");
            assert!(payload.data.is_empty());
            assert_eq!(decode::<Option<u32>>(&payload).unwrap(), None);
            decode::<()>(&payload).unwrap();
        }
    }

    #[test]
    fn bytes_through_option_and_newtype_are_binary_plain() {
        let bytes = ByteBuf::from(vec![1, 2, 255]);
        let payload = encode(&Some(Blob(bytes.clone()))).unwrap();
        assert_eq!(payload.metadata[ENCODING_KEY], b"binary/plain");
        assert_eq!(payload.data, [1, 2, 255]);
        assert_eq!(
            decode::<Option<Blob>>(&payload).unwrap(),
            Some(Blob(bytes.clone()))
        );
        assert_eq!(decode::<ByteBuf>(&payload).unwrap(), bytes);
    }

    #[test]
    fn non_finite_floats_are_refused_with_their_path() {
        #[derive(Serialize)]
        struct Reading {
            celsius: f64,
        }
        #[derive(Serialize)]
        struct Report {
            readings: Vec<Reading>,
            ratio: Option<f32>,
        }
        let report = Report {
            readings: vec![Reading { celsius: 1.5 }, Reading { celsius: f64::NAN }],
            ratio: Some(0.5),
        };
        let error = encode(&report).unwrap_err();
        assert!(
            matches!(&error, PayloadError::NonFiniteFloat { path, value, .. }
                if path == "readings[1].celsius" && value == "NaN"),
            "{error:?}"
        );
        assert!(
            error.to_string().contains("`readings[1].celsius` is NaN"),
            "{error}"
        );

        let infinite = Report {
            readings: vec![],
            ratio: Some(f32::NEG_INFINITY),
        };
        assert!(
            encode(&infinite)
                .unwrap_err()
                .to_string()
                .contains("`ratio` is -inf")
        );
        let top = encode(&f64::INFINITY).unwrap_err().to_string();
        assert!(top.contains("the value is inf"), "{top}");
        let keyed = std::collections::BTreeMap::from([("a", vec![1.0, f64::NAN])]);
        assert!(
            encode(&keyed)
                .unwrap_err()
                .to_string()
                .contains("`a[1]` is NaN")
        );
        assert_eq!(
            encode(&vec![1.0f64, -0.0, 1e300]).unwrap().data,
            b"[1.0,-0.0,1e+300]"
        );
    }

    #[test]
    fn decode_errors_name_the_encoding_and_the_type() {
        let error = decode::<u32>(&encode(&"seven").unwrap()).unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("json/plain payload does not decode as `u32`"),
            "{message}"
        );

        let mut unknown = encode(&1).unwrap();
        unknown
            .metadata
            .insert(ENCODING_KEY.into(), b"text/x-yaml".to_vec());
        assert_eq!(
            decode::<u32>(&unknown).unwrap_err().to_string(),
            "unsupported payload encoding `text/x-yaml`; expected one of binary/null, binary/plain, \
             json/plain, json/protobuf, binary/protobuf"
        );
        assert!(matches!(
            decode::<u32>(&Payload::default()),
            Err(PayloadError::MissingEncoding)
        ));
    }
}
