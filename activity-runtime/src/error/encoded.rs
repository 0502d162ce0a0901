//! Failure messages that travel encoded, as Python's and Go's `encode_common_attributes` send
//! them: each failure of the chain carries `message: "Encoded failure"`, and its real message
//! and stack trace in `encoded_attributes`, a JSON payload `{"message": ..., "stack_trace":
//! ...}` that the codec encodes. So a codec that encrypts
//! covers what a failure says too, and any SDK with the same codec reads it back.

use serde::{Deserialize, Serialize};

use super::ActivityError;
use crate::payload::{Payload, PayloadConverter, PayloadError};

/// The message every encoded failure shows in the server's history.
const ENCODED_MESSAGE: &str = "Encoded failure";

/// The attributes the SDKs move into the encoded payload; the field names are theirs.
#[derive(Serialize, Deserialize)]
struct CommonAttributes {
    message: String,
    #[serde(default)]
    stack_trace: String,
}

impl ActivityError {
    /// The plain attribute payloads of this failure and each of its causes, in chain order,
    /// encoded by `converter` (as Python's failure converter encodes them with its payload
    /// converter), for the codec to encode.
    pub(crate) fn common_attributes(
        &self,
        converter: &dyn PayloadConverter,
    ) -> Result<Vec<Payload>, PayloadError> {
        // The stack trace is the outermost failure's; it names the causes itself.
        let stack_traces =
            std::iter::once(self.stack_trace()).chain(std::iter::repeat(String::new()));
        std::iter::once(&self.message)
            .chain(self.causes.iter().map(|cause| &cause.message))
            .zip(stack_traces)
            .map(|(message, stack_trace)| {
                converter.encode(&CommonAttributes {
                    message: message.clone(),
                    stack_trace,
                })
            })
            .collect()
    }

    /// This failure with its messages replaced by `encoded`, the codec-encoded
    /// [`common_attributes`](Self::common_attributes).
    pub(crate) fn with_encoded_attributes(mut self, encoded: Vec<Payload>) -> Self {
        self.message = ENCODED_MESSAGE.to_string();
        for cause in &mut self.causes {
            cause.message = ENCODED_MESSAGE.to_string();
        }
        self.rare_mut().encoded_attributes = encoded;
        self
    }

    /// Whether the messages travel encoded.
    pub(crate) fn has_encoded_attributes(&self) -> bool {
        !self.encoded_attributes().is_empty()
    }

    /// The encoded attribute payloads, in chain order, for the codec to decode.
    pub(crate) fn encoded_attributes(&self) -> &[Payload] {
        self.rare
            .as_ref()
            .map_or(&[], |rare| rare.encoded_attributes.as_slice())
    }

    /// The encoded attribute payload of the failure at `depth` in the chain (0: this one).
    pub(crate) fn encoded_attribute(&self, depth: usize) -> Option<Payload> {
        self.encoded_attributes().get(depth).cloned()
    }

    /// This failure with its messages restored from `decoded`, the codec-decoded
    /// [`encoded_attributes`](Self::encoded_attributes), as a caller with `converter` reads it.
    pub(crate) fn with_decoded_attributes(
        mut self,
        decoded: &[Payload],
        converter: &dyn PayloadConverter,
    ) -> Result<Self, PayloadError> {
        let mut attributes = decoded
            .iter()
            .map(|payload| converter.decode::<CommonAttributes>(payload));
        let mut stack_trace = String::new();
        if let Some(outermost) = attributes.next() {
            let outermost = outermost?;
            self.message = outermost.message;
            stack_trace = outermost.stack_trace;
        }
        for (cause, attributes) in self.causes.iter_mut().zip(attributes) {
            cause.message = attributes?.message;
        }
        self.rare_mut().encoded_attributes = Vec::new();
        Ok(self.with_stack_trace(stack_trace))
    }
}
