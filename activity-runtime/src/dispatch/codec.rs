//! The configured payload codec ([`PayloadCodec`]), applied in both directions with errors
//! that name what was being coded.

use std::sync::Arc;

use crate::error::{ActivityError, RuntimeFailure};
use crate::payload::Payload;
use crate::payload::codec::{ActivitySerializationContext, PayloadCodec, SerializationContextData};

/// A shared codec, or none.
#[derive(Clone, Default)]
pub(crate) struct Codec(Option<Arc<dyn PayloadCodec + Send + Sync>>);

/// Which way payloads go through the codec, for the error message.
#[derive(Debug, Clone, Copy)]
enum Direction {
    Encode,
    Decode,
}

impl Codec {
    pub(crate) fn new(codec: Arc<dyn PayloadCodec + Send + Sync>) -> Self {
        Self(Some(codec))
    }

    pub(crate) fn is_some(&self) -> bool {
        self.0.is_some()
    }

    /// Encodes payloads that leave the activity; `what` names them in an error.
    pub(crate) async fn encode(
        &self,
        what: &str,
        payloads: Vec<Payload>,
    ) -> Result<Vec<Payload>, ActivityError> {
        self.apply(Direction::Encode, what, payloads).await
    }

    /// Decodes payloads that arrive for the activity; `what` names them in an error.
    pub(crate) async fn decode(
        &self,
        what: &str,
        payloads: Vec<Payload>,
    ) -> Result<Vec<Payload>, ActivityError> {
        self.apply(Direction::Decode, what, payloads).await
    }

    async fn apply(
        &self,
        direction: Direction,
        what: &str,
        payloads: Vec<Payload>,
    ) -> Result<Vec<Payload>, ActivityError> {
        let Some(codec) = &self.0 else {
            return Ok(payloads);
        };
        if payloads.is_empty() {
            return Ok(payloads);
        }
        let context = SerializationContextData::Activity(ActivitySerializationContext::new());
        let count = payloads.len();
        let result = match direction {
            Direction::Encode => codec.encode(&context, payloads).await,
            Direction::Decode => codec.decode(&context, payloads).await,
        };
        match result {
            Ok(coded) if coded.len() == count => Ok(coded),
            Ok(coded) => Err(codec_error(format!(
                "the payload codec returned {} payloads for {count} {what}; a codec must map \
                 each payload to one payload",
                coded.len()
            ))),
            // Retryable: a worker with the right key, or a fixed codec, can succeed.
            Err(error) => Err(codec_error(format!(
                "the payload codec failed to {} the {what}: {error}",
                match direction {
                    Direction::Encode => "encode",
                    Direction::Decode => "decode",
                }
            ))),
        }
    }
}

fn codec_error(message: String) -> ActivityError {
    RuntimeFailure::PayloadCodec.with_message(message)
}
