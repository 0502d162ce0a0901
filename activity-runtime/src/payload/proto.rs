//! Protobuf messages as payloads, behind the opt-in [`Proto`] wrapper.
//!
//! Temporal SDKs send a protobuf message in one of two encodings: `json/protobuf` (proto3 JSON,
//! with the message's full name in the `messageType` metadata), which Python and TypeScript
//! write by default, and `binary/protobuf`. [`Proto`] reads both and writes `json/protobuf`, so
//! that a Python caller's message decodes here and ours decodes there.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{ENCODING_KEY, FromPayload, Payload, PayloadError, ToPayload, encoding_of};

/// The encoding of a message as proto3 JSON.
pub const JSON_PROTOBUF: &str = "json/protobuf";
/// The encoding of a message in protobuf's binary wire format.
pub const BINARY_PROTOBUF: &str = "binary/protobuf";
/// The metadata key that holds a message's full name.
pub const MESSAGE_TYPE_KEY: &str = "messageType";

/// A prost message that travels as a protobuf payload.
///
/// Proto3 JSON needs serde implementations that follow the proto3 JSON mapping, such as those
/// that `pbjson-build` generates (as `temporalio-protos` does); the message must also know its
/// full name (`prost_build::Config::enable_type_names`).
///
/// ```
/// use activity_runtime::payload::{self, Proto};
/// use temporalio_common::protos::temporal::api::common::v1::WorkflowExecution;
///
/// let execution = WorkflowExecution { workflow_id: "order-42".into(), run_id: "r1".into() };
/// let encoded = payload::encode(&Proto(execution.clone())).unwrap();
/// assert_eq!(encoded.metadata["encoding"], b"json/protobuf");
/// assert_eq!(encoded.metadata["messageType"], b"temporal.api.common.v1.WorkflowExecution");
/// assert_eq!(encoded.data, br#"{"workflowId":"order-42","runId":"r1"}"#);
///
/// let Proto(decoded) = payload::decode::<Proto<WorkflowExecution>>(&encoded).unwrap();
/// assert_eq!(decoded, execution);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Proto<M>(pub M);

impl<M> Proto<M> {
    /// The message.
    pub fn into_inner(self) -> M {
        self.0
    }
}

/// What [`Proto`] needs of a message: prost's binary format and full name, and proto3 JSON
/// through serde.
pub trait ProtoMessage:
    prost::Message + prost::Name + Default + Serialize + DeserializeOwned
{
}

impl<M: prost::Message + prost::Name + Default + Serialize + DeserializeOwned> ProtoMessage for M {}

impl<M: ProtoMessage> ToPayload for Proto<M> {
    fn to_payload(&self) -> Result<Payload, PayloadError> {
        let data = serde_json::to_vec(&self.0).map_err(|source| PayloadError::Encode {
            type_name: std::any::type_name::<M>(),
            source: source.into(),
        })?;
        Ok(Payload {
            metadata: [
                (ENCODING_KEY.to_string(), JSON_PROTOBUF.as_bytes().to_vec()),
                (MESSAGE_TYPE_KEY.to_string(), M::full_name().into_bytes()),
            ]
            .into(),
            data,
            ..Payload::default()
        })
    }

    fn default_encoding(&self) -> &'static str {
        JSON_PROTOBUF
    }

    fn serialize_with<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<M: ProtoMessage> FromPayload for Proto<M> {
    fn from_payload(payload: &Payload) -> Result<Self, PayloadError> {
        let encoding = encoding_of(payload)?;
        if let Some(found) = payload.metadata.get(MESSAGE_TYPE_KEY) {
            let expected = M::full_name();
            if found.as_slice() != expected.as_bytes() {
                return Err(PayloadError::WrongMessageType {
                    expected: std::any::type_name::<M>(),
                    found: String::from_utf8_lossy(found).into_owned(),
                });
            }
        }
        let message = match encoding {
            JSON_PROTOBUF => serde_json::from_slice(&payload.data)
                .map_err(|error| PayloadError::decode::<M>(encoding, error))?,
            BINARY_PROTOBUF => M::decode(payload.data.as_slice())
                .map_err(|error| PayloadError::decode::<M>(encoding, error))?,
            other => {
                return Err(PayloadError::decode::<M>(
                    other,
                    "a protobuf message is read from json/protobuf or binary/protobuf only",
                ));
            }
        };
        Ok(Self(message))
    }

    fn from_missing() -> Option<Self> {
        None
    }

    fn deserialize_with<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        M::deserialize(deserializer).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payload::{FromPayload, ToPayload};
    use prost::Message;
    use temporalio_common::protos::temporal::api::common::v1::WorkflowExecution;

    fn execution() -> WorkflowExecution {
        WorkflowExecution {
            workflow_id: "wf".into(),
            run_id: "run".into(),
        }
    }

    #[test]
    fn reads_binary_protobuf_as_the_official_rust_sdk_writes_it() {
        let payload = Payload {
            metadata: [
                (
                    ENCODING_KEY.to_string(),
                    BINARY_PROTOBUF.as_bytes().to_vec(),
                ),
                (
                    MESSAGE_TYPE_KEY.to_string(),
                    b"temporal.api.common.v1.WorkflowExecution".to_vec(),
                ),
            ]
            .into(),
            data: execution().encode_to_vec(),
            ..Payload::default()
        };
        let Proto(decoded) = Proto::<WorkflowExecution>::from_payload(&payload).unwrap();
        assert_eq!(decoded, execution());
    }

    #[test]
    fn another_message_type_is_an_error_naming_both() {
        let mut payload = Proto(execution()).to_payload().unwrap();
        payload
            .metadata
            .insert(MESSAGE_TYPE_KEY.into(), b"acme.Order".to_vec());
        let message = Proto::<WorkflowExecution>::from_payload(&payload)
            .unwrap_err()
            .to_string();
        assert!(message.contains("`acme.Order`"), "{message}");
        assert!(message.contains("WorkflowExecution"), "{message}");
    }

    #[test]
    fn a_json_plain_payload_is_not_a_message() {
        let payload = crate::payload::encode("text").unwrap();
        let message = Proto::<WorkflowExecution>::from_payload(&payload)
            .unwrap_err()
            .to_string();
        assert!(
            message.starts_with("json/plain payload does not decode as"),
            "{message}"
        );
    }
}
