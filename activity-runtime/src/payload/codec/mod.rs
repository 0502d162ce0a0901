//! The payload codec hook: encryption or compression applied to every payload that leaves or
//! enters an activity.
//!
//! The hook is the official SDK's [`PayloadCodec`] trait from `temporalio-common`, so a codec
//! written for `temporalio-sdk` (an AES-GCM codec from Temporal's samples, say) plugs in here
//! unchanged. A worker applies it to arguments and the last heartbeat details on the way in,
//! and to results, heartbeat details and failure details on the way out; activity code only ever
//! sees plain payloads.
//!
//! **Encryption.** With the feature `encryption`, `EncryptionCodec` encrypts every payload with
//! AES-256-GCM on the wire format of Temporal's Python, Go and TypeScript encryption samples, so
//! the server stores only ciphertext and services in those languages read what a worker wrote.
//! Give the same codec to the worker ([`codec`](crate::worker::WorkerBuilder::codec)) and to
//! the clients ([`client_with_codec`](crate::ConnectionConfig::client_with_codec)).
//!
//! **Encoded failures.** A failure's message would otherwise reach the server in plain text,
//! and a message may quote user data (an argument that does not decode is quoted). With a
//! codec set, each failure's message, and each cause's, travels as `Encoded failure`, the text
//! moved into `encoded_attributes` and encoded by the codec, as Python's and Go's
//! `encode_common_attributes` send it; every SDK with the same codec reads the message as
//! usual. [`encode_failure_messages`](crate::worker::WorkerBuilder::encode_failure_messages)
//! turns it on without a codec or off with one.

pub use temporalio_common::data_converters::{
    ActivitySerializationContext, PayloadCodec, PayloadConversionError, SerializationContextData,
};

#[cfg(feature = "encryption")]
mod encryption;
#[cfg(feature = "encryption")]
#[cfg_attr(docsrs, doc(cfg(feature = "encryption")))]
pub use encryption::{EncryptionCodec, EncryptionError};
