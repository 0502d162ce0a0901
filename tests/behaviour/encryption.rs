//! The encryption codec in the attempt path that workers and the test environment share: a
//! payload that does not decrypt (a key id the worker does not know, the wrong key under a
//! known id, altered ciphertext, no key id) fails the attempt, not retried, with a message that
//! names the key id and holds none of the data; nothing panics, and no log line shows the data
//! or the key. Against the server and the Python SDK: `tests/e2e/security/encryption.rs`.

use activity_runtime::payload::codec::{EncryptionCodec, PayloadCodec, SerializationContextData};
use activity_runtime::payload::{self, Payload};
use activity_runtime::testing::ActivityEnvironment;
use activity_runtime::{activity, activity_set};

use crate::support::logs;

const SECRET: &str = "card-4111-1111-1111-1111";
const KEY: &[u8; 32] = b"an-example-32-byte-key-for-tests";

#[activity]
fn keep(text: String) -> String {
    text
}

/// The worker's side: it knows one key, `current`, and reads its failure messages in plain
/// text, so that the test can read what the server would be told.
fn worker() -> ActivityEnvironment {
    ActivityEnvironment::builder(activity_set![keep])
        .codec(EncryptionCodec::new("current", KEY).unwrap())
        .encode_failure_messages(false)
        .build()
        .unwrap()
}

async fn encrypted_with(codec: &EncryptionCodec) -> Vec<Payload> {
    codec
        .encode(
            &SerializationContextData::None,
            vec![payload::encode(SECRET).unwrap()],
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn a_payload_that_does_not_decrypt_fails_not_retried_naming_the_key_id() {
    logs::capture();
    let stranger = EncryptionCodec::new("stranger", &[9; 32]).unwrap();
    let impostor = EncryptionCodec::new("current", &[9; 32]).unwrap();
    let current = EncryptionCodec::new("current", KEY).unwrap();
    let mut tampered = encrypted_with(&current).await;
    *tampered[0].data.last_mut().unwrap() ^= 1;
    let mut anonymous = encrypted_with(&current).await;
    anonymous[0].metadata.remove("encryption-key-id");
    let cases = [
        (
            "unknown key id",
            encrypted_with(&stranger).await,
            "with key `stranger`, which this codec does not know (it knows `current`)",
        ),
        (
            "wrong key",
            encrypted_with(&impostor).await,
            "with key `current` does not decrypt",
        ),
        (
            "altered ciphertext",
            tampered,
            "with key `current` does not decrypt",
        ),
        (
            "no key id",
            anonymous,
            "carries no `encryption-key-id` metadata",
        ),
    ];
    let env = worker();
    for (case, arguments, expected) in cases {
        let error = env.run_payloads("keep", arguments).await.unwrap_err();
        assert_eq!(error.error_type(), "PayloadDecryptionError", "{case}");
        assert!(error.is_non_retryable(), "{case}");
        assert!(
            error.message().contains(expected),
            "{case}: {}",
            error.message()
        );
        assert!(
            !error.message().contains("4111"),
            "{case}: {}",
            error.message()
        );
    }
    assert!(logs::lines_containing("4111").is_empty());
    assert!(logs::lines_containing("an-example-32-byte-key").is_empty());
}

#[tokio::test]
async fn what_decrypts_runs_and_its_result_leaves_encrypted() {
    let env = worker();
    let current = EncryptionCodec::new("current", KEY).unwrap();
    let result = env
        .run_payloads("keep", encrypted_with(&current).await)
        .await
        .unwrap();
    assert_eq!(result.metadata["encoding"], b"binary/encrypted");
    assert!(!String::from_utf8_lossy(&result.data).contains("4111"));
    let decoded = current
        .decode(&SerializationContextData::None, vec![result])
        .await
        .unwrap();
    assert_eq!(payload::decode::<String>(&decoded[0]).unwrap(), SECRET);
}
