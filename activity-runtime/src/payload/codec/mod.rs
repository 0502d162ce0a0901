//! The payload codec hook: encryption or compression applied to every payload that leaves or
//! enters an activity.
//!
//! The hook is the official SDK's [`PayloadCodec`] trait from `temporalio-common`, so a codec
//! written for `temporalio-sdk` (an AES-GCM codec from Temporal's samples, say) plugs in here
//! unchanged. A worker applies it to arguments and the last heartbeat details on the way in,
//! and to results, heartbeat details and failure details on the way out; activity code only ever
//! sees plain payloads.

pub use temporalio_common::data_converters::{
    ActivitySerializationContext, PayloadCodec, PayloadConversionError, SerializationContextData,
};

#[cfg(feature = "encryption")]
mod encryption;
#[cfg(feature = "encryption")]
#[cfg_attr(docsrs, doc(cfg(feature = "encryption")))]
pub use encryption::{EncryptionCodec, EncryptionError};
