//! A team's own payload converter: msgpack, CBOR, a company-wide convention, JSON with other
//! rules; set on a worker, a test environment, the official bridge or a client helper, in
//! place of the default converter of this module, which it may fall through to.

use std::any::Any;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock};

use serde::Deserializer;

use super::{
    ArgumentList, FromPayload, Payload, PayloadError, PayloadList, ToPayload, encoding_of,
};

/// How values become payloads and payloads values, with the Rust type at hand: Python's
/// `PayloadConverter`, Go's `converter.PayloadConverter`.
///
/// Each method is asked for every argument, result and heartbeat detail, and for a failure's
/// sealed messages. A failure's details, which
/// [`ActivityError::with_details`](crate::ActivityError::with_details) encodes as JSON without a
/// converter at hand, are rewritten in the converter's encoding as the failure leaves, the JSON
/// value through serde. Headers keep the default encoding, which tracing interceptors of every
/// SDK read. A method left out falls through to
/// the default converter, and so does any value or payload that a method hands back with
/// [`ValueToEncode::to_default_payload`] or [`PayloadToDecode::decode_default`]: a converter
/// handles its own encoding and leaves the rest to the default, as a composite converter of the
/// other SDKs does.
///
/// Set it with `.payload_converter(...)` on [`WorkerBuilder`](crate::worker::WorkerBuilder),
/// [`ActivityEnvironmentBuilder`](crate::testing::ActivityEnvironmentBuilder) and the official
/// bridge's builder, and with [`ClientWithConverter`](crate::client::ClientWithConverter) for
/// the client helpers; an activity reads it with
/// [`ctx.payload_converter()`](crate::ActivityContext::payload_converter).
///
/// MessagePack for every value that the default converter would write as JSON, as a Python
/// `CompositePayloadConverter` with a msgpack converter in place of its JSON one does
/// (`cargo run --example msgpack` runs one end to end):
///
/// ```
/// use activity_runtime::payload::{self, Payload, PayloadConverter, PayloadError};
/// use activity_runtime::payload::{Decoded, PayloadToDecode, ValueToEncode};
///
/// struct MsgPack;
///
/// const MSGPACK: &str = "binary/msgpack";
///
/// impl PayloadConverter for MsgPack {
///     fn to_payload(&self, value: &ValueToEncode<'_>) -> Result<Payload, PayloadError> {
///         if value.default_encoding() != payload::JSON_PLAIN {
///             return value.to_default_payload(); // null, bytes and protobuf as every SDK
///         }
///         let data = rmp_serde::to_vec_named(value.serialize()).map_err(|e| value.error(e))?;
///         Ok(payload::with_encoding(MSGPACK, data))
///     }
///
///     fn from_payload(&self, target: PayloadToDecode<'_>) -> Result<Decoded, PayloadError> {
///         if target.encoding() != Some(MSGPACK) {
///             return target.decode_default();
///         }
///         let data = target.payload().data.as_slice();
///         target.deserialize(&mut rmp_serde::Deserializer::new(data))
///     }
/// }
///
/// let converter: &dyn PayloadConverter = &MsgPack;
/// let encoded = converter.encode(&vec![1u32, 2, 3])?;
/// assert_eq!(encoded.metadata["encoding"], b"binary/msgpack");
/// assert_eq!(encoded.data, [0x93, 1, 2, 3]);
/// assert_eq!(converter.decode::<Vec<u32>>(&encoded)?, [1, 2, 3]);
/// // What it does not handle, the default converter does.
/// assert_eq!(converter.encode(&None::<u32>)?.metadata["encoding"], b"binary/null");
/// assert_eq!(converter.decode::<String>(&payload::encode("json")?)?, "json");
/// # Ok::<(), PayloadError>(())
/// ```
pub trait PayloadConverter: Any + Send + Sync {
    /// Encodes a value. Default: as the default converter does.
    ///
    /// # Errors
    /// When the value cannot be represented: build the error with [`ValueToEncode::error`].
    fn to_payload(&self, value: &ValueToEncode<'_>) -> Result<Payload, PayloadError> {
        value.to_default_payload()
    }

    /// Decodes a payload into the type the target asks for. Default: as the default converter
    /// does.
    ///
    /// # Errors
    /// When the payload does not fit the type; [`PayloadToDecode::deserialize`] makes the error
    /// for a serde format, [`PayloadToDecode::error`] for another.
    // Python's and Go's name, which users of those SDKs look for.
    #[allow(clippy::wrong_self_convention)]
    fn from_payload(&self, target: PayloadToDecode<'_>) -> Result<Decoded, PayloadError> {
        target.decode_default()
    }
}

/// The default converter: the encodings of the [module's table](crate::payload), which every
/// Temporal SDK reads, byte for byte what [`payload::encode`](crate::payload::encode) writes.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultPayloadConverter;

impl PayloadConverter for DefaultPayloadConverter {}

impl dyn PayloadConverter {
    /// Encodes one value with this converter.
    ///
    /// # Errors
    /// When the converter cannot encode it.
    pub fn encode<T: ToPayload + ?Sized>(&self, value: &T) -> Result<Payload, PayloadError> {
        if self.is_default() {
            return value.to_payload();
        }
        self.to_payload(&ValueToEncode {
            value: &Erased(value),
        })
    }

    /// Decodes one payload with this converter.
    ///
    /// # Errors
    /// When the converter cannot decode it as `T`.
    pub fn decode<T: FromPayload>(&self, payload: &Payload) -> Result<T, PayloadError> {
        if self.is_default() {
            return T::from_payload(payload);
        }
        let mut slot = None::<T>;
        self.from_payload(PayloadToDecode {
            payload,
            slot: &mut slot,
        })?;
        Ok(slot.expect("a `Decoded` is made only by filling the slot"))
    }

    /// Encodes a tuple with this converter, one payload per element, as
    /// [`ArgumentList::into_payloads`] does with the default converter.
    ///
    /// # Errors
    /// When an element does not encode.
    pub fn encode_all<A: ArgumentList>(&self, values: A) -> Result<Vec<Payload>, PayloadError> {
        values.encode_with(self)
    }

    /// Decodes a tuple with this converter, one element per payload, as
    /// [`PayloadList::from_payloads`] does with the default converter.
    ///
    /// # Errors
    /// When an element does not decode, or the count does not fit the tuple.
    pub fn decode_all<L: PayloadList>(&self, payloads: &[Payload]) -> Result<L, PayloadError> {
        L::decode_with(payloads, self)
    }

    /// `payloads` as this converter writes their values, where the default converter wrote
    /// them as JSON: failure details, which [`ActivityError::with_details`] encodes without a
    /// converter at hand. Each JSON value goes through serde as a map or a list, as a struct
    /// or a sequence of the same shape would.
    ///
    /// [`ActivityError::with_details`]: crate::ActivityError::with_details
    pub(crate) fn reencode_json(
        &self,
        payloads: Vec<Payload>,
    ) -> Result<Vec<Payload>, PayloadError> {
        if self.is_default() {
            return Ok(payloads);
        }
        payloads
            .into_iter()
            .map(|payload| match encoding_of(&payload) {
                Ok(super::JSON_PLAIN) => {
                    self.encode(&super::decode::<serde_json::Value>(&payload)?)
                }
                _ => Ok(payload),
            })
            .collect()
    }

    /// Whether this is the default converter, whose work needs no erasure.
    fn is_default(&self) -> bool {
        (self as &dyn Any).is::<DefaultPayloadConverter>()
    }
}

impl std::fmt::Debug for dyn PayloadConverter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_default() {
            f.write_str("DefaultPayloadConverter")
        } else {
            f.write_str("PayloadConverter(..)")
        }
    }
}

/// `converter`, or the default one when there is none.
pub(crate) fn converter_or_default(
    converter: Option<&Arc<dyn PayloadConverter>>,
) -> &dyn PayloadConverter {
    match converter {
        Some(converter) => &**converter,
        None => &DefaultPayloadConverter,
    }
}

/// The default converter, shared.
pub(crate) fn default_converter() -> Arc<dyn PayloadConverter> {
    static DEFAULT: LazyLock<Arc<dyn PayloadConverter>> =
        LazyLock::new(|| Arc::new(DefaultPayloadConverter));
    Arc::clone(&DEFAULT)
}

/// Whether a converter other than the default was ever set in this process: until then the
/// generated code encodes results without looking for the attempt's converter.
static CUSTOM_CONVERTER_SET: AtomicBool = AtomicBool::new(false);

/// A converter as a builder keeps it: `None` for the default, whose work needs no erasure;
/// noting that a custom one is in use.
pub(crate) fn custom_converter(
    converter: Arc<dyn PayloadConverter>,
) -> Option<Arc<dyn PayloadConverter>> {
    if converter.is_default() {
        return None;
    }
    CUSTOM_CONVERTER_SET.store(true, Ordering::Relaxed);
    Some(converter)
}

/// Whether results must be encoded by the attempt's converter rather than the default.
pub(crate) fn custom_converter_set() -> bool {
    CUSTOM_CONVERTER_SET.load(Ordering::Relaxed)
}

/// A payload built by hand: `data` in `encoding`, the metadata every SDK reads first.
///
/// ```
/// let payload = activity_runtime::payload::with_encoding("binary/msgpack", vec![0xc0]);
/// assert_eq!(payload.metadata["encoding"], b"binary/msgpack");
/// ```
pub fn with_encoding(encoding: &str, data: Vec<u8>) -> Payload {
    super::payload(encoding, data)
}

/// A value on its way to a payload, as a [`PayloadConverter`] sees it.
pub struct ValueToEncode<'a> {
    value: &'a dyn Outgoing,
}

impl ValueToEncode<'_> {
    /// The value as serde serializes it, for the converter's own format: the value itself, or
    /// the message of a [`Proto`](crate::payload::Proto) (its proto3 JSON form).
    pub fn serialize(&self) -> &dyn erased_serde::Serialize {
        self.value.serialize()
    }

    /// The value's Rust type, for errors and for a converter that encodes some types only.
    pub fn type_name(&self) -> &'static str {
        self.value.type_name()
    }

    /// The encoding the default converter gives the value: [`BINARY_NULL`](super::BINARY_NULL),
    /// [`BINARY_PLAIN`](super::BINARY_PLAIN), [`JSON_PROTOBUF`](super::JSON_PROTOBUF) or
    /// [`JSON_PLAIN`](super::JSON_PLAIN), without encoding it. A converter that replaces JSON
    /// only, as the other SDKs' composite converters are usually set up, encodes the last.
    pub fn default_encoding(&self) -> &'static str {
        self.value.default_encoding()
    }

    /// The payload the default converter makes of the value: the fall-through.
    ///
    /// # Errors
    /// As [`payload::encode`](crate::payload::encode).
    pub fn to_default_payload(&self) -> Result<Payload, PayloadError> {
        self.value.to_default_payload()
    }

    /// The error for a value the converter could not encode, naming its type.
    pub fn error(
        &self,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> PayloadError {
        PayloadError::Encode {
            type_name: self.type_name(),
            source: source.into(),
        }
    }
}

impl std::fmt::Debug for ValueToEncode<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ValueToEncode")
            .field("type_name", &self.type_name())
            .finish_non_exhaustive()
    }
}

/// A payload on its way to a value of a type the converter does not see, only its name; the
/// converter fills it with [`deserialize`](Self::deserialize) or
/// [`decode_default`](Self::decode_default), which hand back the [`Decoded`] it returns.
pub struct PayloadToDecode<'a> {
    payload: &'a Payload,
    slot: &'a mut dyn Incoming,
}

impl<'a> PayloadToDecode<'a> {
    /// The payload.
    pub fn payload(&self) -> &'a Payload {
        self.payload
    }

    /// The payload's `encoding` metadata, if it has one that is text.
    pub fn encoding(&self) -> Option<&'a str> {
        encoding_of(self.payload).ok()
    }

    /// The Rust type the payload is to become, for errors and for a converter that decodes
    /// some types only.
    pub fn type_name(&self) -> &'static str {
        self.slot.type_name()
    }

    /// Decodes the value from `deserializer`, a serde format reading the payload's data.
    ///
    /// # Errors
    /// What the format said, as a [`PayloadError::Decode`] naming the encoding and the type.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Decoded, PayloadError> {
        let mut erased = <dyn erased_serde::Deserializer<'de>>::erase(deserializer);
        match self.slot.deserialize(&mut erased) {
            Ok(()) => Ok(Decoded(())),
            Err(error) => Err(self.error(error)),
        }
    }

    /// Decodes the payload as the default converter does: the fall-through.
    ///
    /// # Errors
    /// As [`payload::decode`](crate::payload::decode).
    pub fn decode_default(self) -> Result<Decoded, PayloadError> {
        self.slot.decode_default(self.payload)?;
        Ok(Decoded(()))
    }

    /// The error for a payload the converter could not decode, naming its encoding and the
    /// type.
    pub fn error(
        &self,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> PayloadError {
        PayloadError::Decode {
            encoding: self.encoding().unwrap_or("(none)").to_string(),
            expected: self.type_name(),
            source: source.into(),
        }
    }
}

impl std::fmt::Debug for PayloadToDecode<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PayloadToDecode")
            .field("encoding", &self.encoding())
            .field("type_name", &self.type_name())
            .finish_non_exhaustive()
    }
}

/// Proof that a [`PayloadToDecode`] was filled: only its methods make one, so a converter
/// cannot return without decoding or falling through.
#[derive(Debug)]
pub struct Decoded(());

/// A value of some type behind `dyn`, for [`ValueToEncode`].
trait Outgoing {
    fn serialize(&self) -> &dyn erased_serde::Serialize;
    fn type_name(&self) -> &'static str;
    fn default_encoding(&self) -> &'static str;
    fn to_default_payload(&self) -> Result<Payload, PayloadError>;
}

/// `&T` as serde sees it through [`ToPayload::serialize_with`]; sized, so that even a `str`
/// can be erased.
struct Erased<'a, T: ?Sized>(&'a T);

impl<T: ToPayload + ?Sized> serde::Serialize for Erased<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_with(serializer)
    }
}

impl<T: ToPayload + ?Sized> Outgoing for Erased<'_, T> {
    fn serialize(&self) -> &dyn erased_serde::Serialize {
        self
    }
    fn type_name(&self) -> &'static str {
        std::any::type_name::<T>()
    }
    fn default_encoding(&self) -> &'static str {
        self.0.default_encoding()
    }
    fn to_default_payload(&self) -> Result<Payload, PayloadError> {
        self.0.to_payload()
    }
}

/// The slot of a value of some type behind `dyn`, for [`PayloadToDecode`].
trait Incoming {
    fn type_name(&self) -> &'static str;
    fn deserialize(
        &mut self,
        deserializer: &mut dyn erased_serde::Deserializer<'_>,
    ) -> Result<(), erased_serde::Error>;
    fn decode_default(&mut self, payload: &Payload) -> Result<(), PayloadError>;
}

impl<T: FromPayload> Incoming for Option<T> {
    fn type_name(&self) -> &'static str {
        std::any::type_name::<T>()
    }
    fn deserialize(
        &mut self,
        deserializer: &mut dyn erased_serde::Deserializer<'_>,
    ) -> Result<(), erased_serde::Error> {
        *self = Some(T::deserialize_with(deserializer)?);
        Ok(())
    }
    fn decode_default(&mut self, payload: &Payload) -> Result<(), PayloadError> {
        *self = Some(T::from_payload(payload)?);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payload::{BINARY_NULL, BINARY_PLAIN, ByteBuf, JSON_PLAIN, JSON_PROTOBUF, Proto};
    use temporalio_common::protos::temporal::api::common::v1::WorkflowExecution;

    /// Writes every value as serde_json's pretty form under its own encoding, and reads it back.
    struct Pretty;

    impl PayloadConverter for Pretty {
        fn to_payload(&self, value: &ValueToEncode<'_>) -> Result<Payload, PayloadError> {
            let data = serde_json::to_vec_pretty(value.serialize()).map_err(|e| value.error(e))?;
            Ok(with_encoding("json/pretty", data))
        }

        fn from_payload(&self, target: PayloadToDecode<'_>) -> Result<Decoded, PayloadError> {
            if target.encoding() != Some("json/pretty") {
                return target.decode_default();
            }
            let data = target.payload().data.as_slice();
            target.deserialize(&mut serde_json::Deserializer::from_slice(data))
        }
    }

    fn execution() -> WorkflowExecution {
        WorkflowExecution {
            workflow_id: "wf".into(),
            run_id: "run".into(),
        }
    }

    #[test]
    fn the_default_converter_behind_dyn_writes_the_bytes_of_payload_encode() {
        let default: &dyn PayloadConverter = &DefaultPayloadConverter;
        assert_eq!(
            default.encode("text").unwrap(),
            crate::payload::encode("text").unwrap()
        );
        assert_eq!(
            default.encode(&[1u8, 2][..]).unwrap(),
            crate::payload::encode(&[1u8, 2][..]).unwrap()
        );
        assert_eq!(
            default.encode(&None::<u8>).unwrap(),
            crate::payload::encode(&None::<u8>).unwrap()
        );
        let proto = Proto(execution());
        assert_eq!(
            default.encode(&proto).unwrap(),
            crate::payload::encode(&proto).unwrap()
        );
        let encoded = default.encode_all((7u8, "seven")).unwrap();
        assert_eq!(encoded, (7u8, "seven").into_payloads().unwrap());
        let (number, word): (u8, String) = default.decode_all(&encoded).unwrap();
        assert_eq!((number, word.as_str()), (7, "seven"));
        assert_eq!(format!("{default:?}"), "DefaultPayloadConverter");
    }

    #[test]
    fn the_default_encoding_is_what_the_default_converter_would_write() {
        struct Probe;
        impl PayloadConverter for Probe {
            fn to_payload(&self, value: &ValueToEncode<'_>) -> Result<Payload, PayloadError> {
                let payload = value.to_default_payload()?;
                assert_eq!(
                    payload.metadata["encoding"],
                    value.default_encoding().as_bytes(),
                    "{}",
                    value.type_name()
                );
                Ok(payload)
            }
        }
        let probe: &dyn PayloadConverter = &Probe;
        for (payload, expected) in [
            (probe.encode(&()).unwrap(), BINARY_NULL),
            (
                probe.encode(&Some(ByteBuf::from(vec![1]))).unwrap(),
                BINARY_PLAIN,
            ),
            (probe.encode(&vec![1u8]).unwrap(), BINARY_PLAIN),
            (probe.encode(&Proto(execution())).unwrap(), JSON_PROTOBUF),
            (probe.encode(&vec![1u16]).unwrap(), JSON_PLAIN),
            (probe.encode("str").unwrap(), JSON_PLAIN),
        ] {
            assert_eq!(payload.metadata["encoding"], expected.as_bytes());
        }
    }

    #[test]
    fn a_converter_sees_unsized_values_and_protobuf_messages_through_serde() {
        let pretty: &dyn PayloadConverter = &Pretty;
        let text = pretty.encode("unsized").unwrap();
        assert_eq!(text.data, br#""unsized""#);
        assert_eq!(pretty.decode::<String>(&text).unwrap(), "unsized");
        let message = pretty.encode(&Proto(execution())).unwrap();
        assert_eq!(
            String::from_utf8(message.data.clone()).unwrap(),
            "{\n  \"workflowId\": \"wf\",\n  \"runId\": \"run\"\n}"
        );
        assert_eq!(
            pretty
                .decode::<Proto<WorkflowExecution>>(&message)
                .unwrap()
                .0,
            execution()
        );
        // What it does not claim falls through, tuples included.
        let json = crate::payload::encode(&(1, 2)).unwrap();
        assert_eq!(pretty.decode::<(u8, u8)>(&json).unwrap(), (1, 2));
        let error = pretty.decode::<u8>(&text).unwrap_err().to_string();
        assert!(
            error.starts_with("json/pretty payload does not decode as `u8`: invalid type"),
            "{error}"
        );
    }
}
