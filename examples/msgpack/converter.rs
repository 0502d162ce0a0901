//! MessagePack as a payload converter: every value the default converter would write as JSON
//! goes as `binary/msgpack` instead, and `None`, bytes and protobuf messages as every SDK writes
//! them. It is what a Python `CompositePayloadConverter` with a msgpack converter in place of
//! its JSON one writes and reads, so the two SDKs call each other.

use activity_runtime::payload::{
    self, Decoded, Payload, PayloadConverter, PayloadError, PayloadToDecode, ValueToEncode,
};

/// The encoding's name, as the Python converter names it too.
pub const MSGPACK: &str = "binary/msgpack";

/// MessagePack for what would be JSON; the default converter for the rest.
pub struct MsgPack;

impl PayloadConverter for MsgPack {
    fn to_payload(&self, value: &ValueToEncode<'_>) -> Result<Payload, PayloadError> {
        if value.default_encoding() != payload::JSON_PLAIN {
            return value.to_default_payload();
        }
        // Structs as maps with field names, which a dynamic language reads as a dict.
        let data =
            rmp_serde::to_vec_named(value.serialize()).map_err(|error| value.error(error))?;
        Ok(payload::with_encoding(MSGPACK, data))
    }

    fn from_payload(&self, target: PayloadToDecode<'_>) -> Result<Decoded, PayloadError> {
        if target.encoding() != Some(MSGPACK) {
            return target.decode_default();
        }
        let data = target.payload().data.as_slice();
        target.deserialize(&mut rmp_serde::Deserializer::new(data))
    }
}
