//! AES-256-GCM payload encryption, on the wire as the encryption codec of Temporal's Python, Go
//! and TypeScript samples writes it, so that a service in any of them reads what our worker
//! encrypted and the reverse:
//!
//! - metadata `encoding: binary/encrypted` and `encryption-key-id: <id>`;
//! - data: a 12-byte random nonce, then the ciphertext (with its 16-byte tag) of the whole
//!   inner `Payload`, serialized as protobuf.

use std::collections::BTreeMap;
use std::sync::Arc;

use futures::future::BoxFuture;
use prost::Message;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};

use super::{PayloadCodec, PayloadConversionError, SerializationContextData};
use crate::payload::Payload;

/// The `encoding` of an encrypted payload.
const ENCRYPTED: &[u8] = b"binary/encrypted";
/// The metadata key that names the key a payload was encrypted with.
const KEY_ID: &str = "encryption-key-id";

/// A [`PayloadCodec`] that encrypts every payload with AES-256-GCM, as Temporal's encryption
/// samples do, so that the server stores only ciphertext.
///
/// It encrypts with its current key and decrypts with any key it knows, by the
/// `encryption-key-id` each payload carries: rotate by making the new key current and keeping
/// the old one for decryption until no history holds it. Payloads that are not encrypted pass
/// through decoding unchanged, as in the samples. A payload that does not decrypt (an unknown
/// key id, a wrong key, altered ciphertext) fails the attempt, not retried, with an error that
/// names the key id and never the data. Keys never appear in `Debug` output.
///
/// ```
/// use activity_runtime::payload::codec::EncryptionCodec;
///
/// # fn main() -> Result<(), activity_runtime::payload::codec::EncryptionError> {
/// let current = [7u8; 32]; // from your secret store
/// let previous = [9u8; 32];
/// let codec = EncryptionCodec::new("2026-11", &current)?.decrypting_with("2026-10", &previous)?;
/// assert_eq!(codec.key_id(), "2026-11");
/// assert!(!format!("{codec:?}").contains("7, 7"));
/// # Ok(()) }
/// ```
///
/// Give it to a worker with `Worker::builder(...).codec(codec)`, and to a client with
/// `ConnectionConfig::client_with_codec`.
#[derive(Clone)]
pub struct EncryptionCodec {
    current: String,
    keys: Arc<BTreeMap<String, LessSafeKey>>,
    random: SystemRandom,
}

/// Why a key could not be used, or a payload not encrypted or decrypted. It names the key id,
/// never the key or the data.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EncryptionError {
    /// A key is not 32 bytes long.
    #[error("the key `{key_id}` is {length} bytes long; AES-256-GCM needs a 32-byte key")]
    KeyLength {
        /// The key's id.
        key_id: String,
        /// Its length in bytes.
        length: usize,
    },
    /// A payload names a key this codec does not know.
    #[error(
        "the payload was encrypted with key `{key_id}`, which this codec does not know (it knows {known}); add it with `EncryptionCodec::decrypting_with`"
    )]
    UnknownKey {
        /// The key id the payload names.
        key_id: String,
        /// The ids this codec knows, for the message.
        known: String,
    },
    /// A payload is marked encrypted but names no key.
    #[error("an encrypted payload carries no `{KEY_ID}` metadata, so no key can decrypt it")]
    MissingKeyId,
    /// A payload did not decrypt with the key it names.
    #[error(
        "the payload encrypted with key `{key_id}` does not decrypt: the key with that id is not the one it was encrypted with, or the ciphertext was altered"
    )]
    Undecryptable {
        /// The key id the payload names.
        key_id: String,
    },
    /// The system's random number generator, or the cipher, failed.
    #[error(
        "a payload could not be encrypted with key `{key_id}`: the system's random number generator or the cipher failed"
    )]
    Encrypt {
        /// The key's id.
        key_id: String,
    },
}

impl EncryptionCodec {
    /// A codec that encrypts with `key` (32 bytes), known as `key_id`, and decrypts with it.
    ///
    /// # Errors
    /// When the key is not 32 bytes long.
    pub fn new(key_id: impl Into<String>, key: &[u8]) -> Result<Self, EncryptionError> {
        let key_id = key_id.into();
        let mut keys = BTreeMap::new();
        keys.insert(key_id.clone(), cipher(&key_id, key)?);
        Ok(Self {
            current: key_id,
            keys: Arc::new(keys),
            random: SystemRandom::new(),
        })
    }

    /// Also decrypts payloads encrypted with `key`, known as `key_id`: a key rotated out.
    ///
    /// # Errors
    /// When the key is not 32 bytes long.
    pub fn decrypting_with(
        mut self,
        key_id: impl Into<String>,
        key: &[u8],
    ) -> Result<Self, EncryptionError> {
        let key_id = key_id.into();
        let cipher = cipher(&key_id, key)?;
        Arc::make_mut(&mut self.keys).insert(key_id, cipher);
        Ok(self)
    }

    /// The id of the key this codec encrypts with.
    pub fn key_id(&self) -> &str {
        &self.current
    }

    fn encrypt(&self, payload: &Payload) -> Result<Payload, EncryptionError> {
        let key = &self.keys[&self.current];
        let failed = |_| EncryptionError::Encrypt {
            key_id: self.current.clone(),
        };
        let mut nonce = [0u8; NONCE_LEN];
        self.random.fill(&mut nonce).map_err(failed)?;
        let mut sealed = payload.encode_to_vec();
        key.seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::empty(),
            &mut sealed,
        )
        .map_err(failed)?;
        let mut data = Vec::with_capacity(NONCE_LEN + sealed.len());
        data.extend_from_slice(&nonce);
        data.extend_from_slice(&sealed);
        Ok(Payload {
            metadata: [
                ("encoding".to_string(), ENCRYPTED.to_vec()),
                (KEY_ID.to_string(), self.current.as_bytes().to_vec()),
            ]
            .into(),
            data,
            ..Payload::default()
        })
    }

    fn decrypt(&self, payload: Payload) -> Result<Payload, EncryptionError> {
        if payload.metadata.get("encoding").map(Vec::as_slice) != Some(ENCRYPTED) {
            return Ok(payload);
        }
        let key_id = payload
            .metadata
            .get(KEY_ID)
            .map(|id| String::from_utf8_lossy(id).into_owned())
            .ok_or(EncryptionError::MissingKeyId)?;
        let Some(key) = self.keys.get(&key_id) else {
            return Err(EncryptionError::UnknownKey {
                known: self.known(),
                key_id,
            });
        };
        let undecryptable = || EncryptionError::Undecryptable {
            key_id: key_id.clone(),
        };
        let (nonce, sealed) = payload
            .data
            .split_at_checked(NONCE_LEN)
            .ok_or_else(undecryptable)?;
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| undecryptable())?;
        let mut sealed = sealed.to_vec();
        let plain = key
            .open_in_place(nonce, Aad::empty(), &mut sealed)
            .map_err(|_| undecryptable())?;
        Payload::decode(&*plain).map_err(|_| undecryptable())
    }

    fn known(&self) -> String {
        let ids: Vec<String> = self.keys.keys().map(|id| format!("`{id}`")).collect();
        ids.join(", ")
    }
}

impl std::fmt::Debug for EncryptionCodec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EncryptionCodec")
            .field("key_id", &self.current)
            .field("decrypts", &self.keys.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

fn cipher(key_id: &str, key: &[u8]) -> Result<LessSafeKey, EncryptionError> {
    let key = UnboundKey::new(&AES_256_GCM, key).map_err(|_| EncryptionError::KeyLength {
        key_id: key_id.to_string(),
        length: key.len(),
    })?;
    Ok(LessSafeKey::new(key))
}

impl PayloadCodec for EncryptionCodec {
    fn encode(
        &self,
        _: &SerializationContextData,
        payloads: Vec<Payload>,
    ) -> BoxFuture<'static, Result<Vec<Payload>, PayloadConversionError>> {
        let encoded = payloads
            .iter()
            .map(|payload| self.encrypt(payload))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|error| PayloadConversionError::EncodingError(Box::new(error)));
        Box::pin(std::future::ready(encoded))
    }

    fn decode(
        &self,
        _: &SerializationContextData,
        payloads: Vec<Payload>,
    ) -> BoxFuture<'static, Result<Vec<Payload>, PayloadConversionError>> {
        let decoded = payloads
            .into_iter()
            .map(|payload| self.decrypt(payload))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|error| PayloadConversionError::EncodingError(Box::new(error)));
        Box::pin(std::future::ready(decoded))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(data: &str) -> Payload {
        Payload {
            metadata: [("encoding".to_string(), b"json/plain".to_vec())].into(),
            data: data.as_bytes().to_vec(),
            ..Payload::default()
        }
    }

    #[test]
    fn a_payload_round_trips_and_its_ciphertext_is_fresh_each_time() {
        let codec = EncryptionCodec::new("k1", &[1; 32]).unwrap();
        let first = codec.encrypt(&payload("\"secret\"")).unwrap();
        let second = codec.encrypt(&payload("\"secret\"")).unwrap();
        assert_ne!(first.data, second.data, "a fresh nonce each time");
        assert!(!String::from_utf8_lossy(&first.data).contains("secret"));
        assert_eq!(first.metadata["encryption-key-id"], b"k1");
        assert_eq!(codec.decrypt(first).unwrap(), payload("\"secret\""));
    }

    #[test]
    fn a_rotated_codec_reads_the_old_key_and_writes_the_new() {
        let old = EncryptionCodec::new("old", &[1; 32]).unwrap();
        let written = old.encrypt(&payload("1")).unwrap();
        let rotated = EncryptionCodec::new("new", &[2; 32])
            .unwrap()
            .decrypting_with("old", &[1; 32])
            .unwrap();
        assert_eq!(rotated.decrypt(written).unwrap(), payload("1"));
        assert_eq!(
            rotated.encrypt(&payload("1")).unwrap().metadata["encryption-key-id"],
            b"new"
        );
    }

    #[test]
    fn failures_name_the_key_id_and_never_the_data() {
        let codec = EncryptionCodec::new("k1", &[1; 32]).unwrap();
        let stranger = EncryptionCodec::new("k2", &[2; 32]).unwrap();
        let error = codec
            .decrypt(stranger.encrypt(&payload("\"secret\"")).unwrap())
            .unwrap_err();
        assert!(
            matches!(&error, EncryptionError::UnknownKey { key_id, .. } if key_id == "k2"),
            "{error}"
        );
        let impostor = EncryptionCodec::new("k1", &[3; 32]).unwrap();
        let error = codec
            .decrypt(impostor.encrypt(&payload("\"secret\"")).unwrap())
            .unwrap_err();
        assert!(
            error.to_string().contains("`k1` does not decrypt"),
            "{error}"
        );
        let mut tampered = codec.encrypt(&payload("\"secret\"")).unwrap();
        *tampered.data.last_mut().unwrap() ^= 1;
        assert!(matches!(
            codec.decrypt(tampered),
            Err(EncryptionError::Undecryptable { .. })
        ));
        let mut short = codec.encrypt(&payload("1")).unwrap();
        short.data.truncate(5);
        assert!(matches!(
            codec.decrypt(short),
            Err(EncryptionError::Undecryptable { .. })
        ));
        assert!(matches!(
            EncryptionCodec::new("k", &[0; 16]),
            Err(EncryptionError::KeyLength { length: 16, .. })
        ));
    }

    #[test]
    fn plain_payloads_pass_through_decoding() {
        let codec = EncryptionCodec::new("k1", &[1; 32]).unwrap();
        assert_eq!(codec.decrypt(payload("1")).unwrap(), payload("1"));
    }

    #[test]
    fn debug_shows_key_ids_only() {
        let codec = EncryptionCodec::new("k1", &[0xAB; 32]).unwrap();
        let shown = format!("{codec:?}");
        assert!(shown.contains("k1"), "{shown}");
        assert!(
            !shown.contains("171") && !shown.to_lowercase().contains("ab, "),
            "{shown}"
        );
    }
}
