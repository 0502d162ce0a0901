//! The configured payload codec ([`PayloadCodec`]), applied in both directions with errors
//! that name what was being coded.

use std::sync::Arc;

use futures::future::BoxFuture;
use temporalio_common::data_converters::{
    DataConverter, DefaultFailureConverter, PayloadConverter,
};

use crate::error::{ActivityError, RuntimeFailure};
use crate::payload::Payload;
use crate::payload::codec::{
    ActivitySerializationContext, PayloadCodec, PayloadConversionError, SerializationContextData,
};

/// A shared codec, or none.
#[derive(Clone, Default)]
pub(crate) struct Codec(Option<Arc<dyn PayloadCodec + Send + Sync>>);

/// The shared codec as a codec of its own: `temporalio-common` implements the trait for
/// `Arc<T>` of a sized `T` only.
struct Shared(Arc<dyn PayloadCodec + Send + Sync>);

impl PayloadCodec for Shared {
    fn encode(
        &self,
        context: &SerializationContextData,
        payloads: Vec<Payload>,
    ) -> BoxFuture<'static, Result<Vec<Payload>, PayloadConversionError>> {
        self.0.encode(context, payloads)
    }

    fn decode(
        &self,
        context: &SerializationContextData,
        payloads: Vec<Payload>,
    ) -> BoxFuture<'static, Result<Vec<Payload>, PayloadConversionError>> {
        self.0.decode(context, payloads)
    }
}

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

    /// A client's data converter with this codec, so that a client handed to activities encodes
    /// what it sends as the worker does.
    pub(crate) fn data_converter(&self) -> DataConverter {
        match &self.0 {
            None => DataConverter::default(),
            Some(codec) => DataConverter::new(
                PayloadConverter::default(),
                DefaultFailureConverter::default(),
                Shared(Arc::clone(codec)),
            ),
        }
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
            Err(error) => {
                let failure = failure_of(&error);
                Err(failure.with_message(format!(
                    "the payload codec failed to {} the {what}: {error}",
                    match direction {
                        Direction::Encode => "encode",
                        Direction::Decode => "decode",
                    }
                )))
            }
        }
    }
}

impl Codec {
    /// `error` with its messages moved into attribute payloads that `converter` and this codec
    /// encode. A codec that fails leaves a failure that says so and nothing of the original
    /// message, which must not reach the server in plain text.
    pub(crate) async fn seal_failure(
        &self,
        error: ActivityError,
        converter: &dyn crate::payload::PayloadConverter,
    ) -> ActivityError {
        let encoded = match error.common_attributes(converter) {
            Ok(attributes) => self.encode("failure messages", attributes).await,
            Err(error) => Err(RuntimeFailure::PayloadEncode.with_message(format!(
                "the failure messages could not be encoded: {error}"
            ))),
        };
        match encoded {
            Ok(encoded) => error.with_encoded_attributes(encoded),
            Err(failure) => failure,
        }
    }

    /// What a caller with this codec and `converter` reads of a failure that a worker with
    /// them sent: its details and its messages decoded.
    pub(crate) async fn open_failure(
        &self,
        error: ActivityError,
        converter: &dyn crate::payload::PayloadConverter,
    ) -> Result<ActivityError, ActivityError> {
        let details = self
            .decode("failure details", error.details().to_vec())
            .await?;
        let error = error.replace_details(details);
        if !error.has_encoded_attributes() {
            return Ok(error);
        }
        let decoded = self
            .decode("failure messages", error.encoded_attributes().to_vec())
            .await?;
        error
            .with_decoded_attributes(&decoded, converter)
            .map_err(|error| {
                RuntimeFailure::ArgumentDecode
                    .with_message(format!("the failure messages do not decode: {error}"))
            })
    }
}

/// Retryable, for a codec we do not know: a worker with the right key, or a fixed codec, can
/// succeed. Our encryption codec's decryption failures are not, as in Temporal's samples.
fn failure_of(error: &PayloadConversionError) -> RuntimeFailure {
    #[cfg(feature = "encryption")]
    if let PayloadConversionError::EncodingError(error) = error
        && error.is::<crate::payload::codec::EncryptionError>()
    {
        return RuntimeFailure::PayloadDecryption;
    }
    let _ = error;
    RuntimeFailure::PayloadCodec
}

fn codec_error(message: String) -> ActivityError {
    RuntimeFailure::PayloadCodec.with_message(message)
}
