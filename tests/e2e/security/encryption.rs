//! The encryption codec against the real dev server, the Python SDK with the codec of
//! Temporal's Python sample and the TypeScript SDK with one in the format of its TypeScript
//! sample: each reads what the other encrypted, the server's history holds only ciphertext
//! (failure messages included), keys rotate, and a payload encrypted with a key the worker does
//! not know fails once, not retried, naming the key id.

use std::process::Stdio;
use std::time::Duration;

use activity_runtime::client::{ExecuteError, execute_activity, start_activity_by_name};
use activity_runtime::payload::codec::EncryptionCodec;
use activity_runtime::{ActivityError, Worker, activity, activity_set};
use serde::Deserialize;

use crate::support::calls::{application_failure, options, result_within};
use crate::support::deadline::within;
use crate::support::peers;
use crate::support::server::{self, Served};
use crate::support::{cli, process};

const KEY_ID: &str = "test-key-2026-11";
const KEY: &[u8; 32] = b"an-example-32-byte-key-for-tests";
const PREVIOUS_KEY_ID: &str = "test-key-2026-10";
const PREVIOUS_KEY: &[u8; 32] = b"the-previous-32-byte-key-rotated";

/// What no stored byte may show in plain text. ASCII, so that no JSON escaping can hide it.
const SECRET: &str = "card-4111-1111-1111-1111-cvv-737";

/// The part of the secret that the history and messages are searched for. Two of its groups:
/// one group alone, "4111", turns up by chance in the history's random ids, whose hex can
/// hold any four digits (one run failed on `...-65f5d7404111`).
const LEAK: &str = "4111-1111";

fn codec() -> EncryptionCodec {
    EncryptionCodec::new(KEY_ID, KEY).expect("a 32-byte key")
}

#[activity]
fn keep_secret(text: String) -> String {
    format!("kept: {text}")
}

#[activity]
fn charge(amount_cents: u64) -> u64 {
    amount_cents
}

#[activity]
fn refuse_secret(text: String) -> Result<(), ActivityError> {
    Err(ActivityError::new(format!("refused {text}"))
        .with_type("Refused")
        .non_retryable())
}

async fn serve_encrypted(test: &str, codec: EncryptionCodec) -> Served {
    server::serve_with(test, |queue| {
        Worker::builder(queue, activity_set![keep_secret, refuse_secret, charge]).codec(codec)
    })
    .await
}

#[derive(Debug, Deserialize)]
struct ReadFailure {
    r#type: String,
    message: String,
    non_retryable: bool,
}

#[derive(Debug, Deserialize)]
struct PythonRead {
    kept: String,
    refuse_secret: ReadFailure,
    charge: ReadFailure,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_python_workflow_with_the_samples_codec_reads_what_we_encrypted_and_the_history_holds_only_ciphertext()
 {
    let Served { queue, worker, .. } = serve_encrypted("encrypted-python", codec()).await;
    let workflow_id = server::task_queue("encrypted-workflow");
    let read: PythonRead = peers::python(
        "encrypted_peer.py",
        &[KEY_ID, &hex(KEY), "call", &queue, SECRET, &workflow_id],
    )
    .await;
    assert_eq!(read.kept, format!("kept: {SECRET}"));
    assert_eq!(read.refuse_secret.r#type, "Refused");
    assert_eq!(read.refuse_secret.message, format!("refused {SECRET}"));
    assert!(read.refuse_secret.non_retryable);
    // The argument that did not decode is quoted, and the quote travelled encrypted.
    assert_eq!(read.charge.r#type, "ArgumentDecodeError", "{read:?}");
    assert!(read.charge.message.contains(SECRET), "{read:?}");
    assert!(read.charge.non_retryable);
    worker.stop().await;

    // The workflow's input and result, and three activities' inputs, outcomes and failures.
    let history = stored_history(&workflow_id).await;
    assert_only_ciphertext(&history, 8, 2);
}

/// A TypeScript workflow whose worker and client have a codec in the format of Temporal's
/// TypeScript encryption sample: it reads our encrypted result and our failure, whose message
/// travelled encrypted, and the stored history holds only ciphertext.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_typescript_workflow_with_the_samples_codec_reads_what_we_encrypted_and_the_history_holds_only_ciphertext()
 {
    let Served { queue, worker, .. } = serve_encrypted("encrypted-typescript", codec()).await;
    let workflow_id = server::task_queue("encrypted-typescript-workflow");
    let read: serde_json::Value = peers::typescript(
        "call_rust_activities.js",
        &["encrypted", &queue, &workflow_id, KEY_ID, &hex(KEY), SECRET],
    )
    .await;
    worker.stop().await;
    assert_eq!(
        read,
        serde_json::json!({
            "kept": format!("kept: {SECRET}"),
            "refused": {
                "type": "Refused",
                "message": format!("refused {SECRET}"),
                "nonRetryable": true,
                "details": [],
                "causes": [],
            },
        })
    );
    // The workflow's two arguments and result, and two activities' inputs and outcomes.
    let history = stored_history(&workflow_id).await;
    assert_only_ciphertext(&history, 7, 1);
}

/// The workflow's history as the server stores it, as the CLI prints it in JSON.
async fn stored_history(workflow_id: &str) -> serde_json::Value {
    cli::temporal_json(&["workflow", "show", "--workflow-id", workflow_id]).await
}

/// No text of the history, read as it is or base64-decoded, shows the secret; and it holds
/// encrypted payloads, results and failure attributes among them.
/// `payloads` and `failures` are how many encrypted payloads and encoded failures the history
/// must hold at least, so that a history with nothing encrypted cannot pass.
fn assert_only_ciphertext(history: &serde_json::Value, payloads: usize, failures: usize) {
    let mut strings = Vec::new();
    collect_strings(history, &mut strings);
    let mut encrypted = 0;
    for text in &strings {
        assert!(!text.contains(LEAK), "plain text in the history: {text}");
        if let Ok(bytes) = base64_decode(text) {
            assert!(
                !String::from_utf8_lossy(&bytes).contains(LEAK),
                "plain text, base64-encoded, in the history: {text}"
            );
            if bytes == b"binary/encrypted" {
                encrypted += 1;
            }
        }
    }
    assert!(
        encrypted >= payloads,
        "only {encrypted} encrypted payloads in {history}"
    );
    let encoded = history.to_string().matches("Encoded failure").count();
    assert!(
        encoded >= failures,
        "the {failures} failures' messages travel encoded: {history}"
    );
}

fn collect_strings<'a>(value: &'a serde_json::Value, into: &mut Vec<&'a str>) {
    match value {
        serde_json::Value::String(text) => into.push(text),
        serde_json::Value::Array(items) => {
            items.iter().for_each(|item| collect_strings(item, into))
        }
        serde_json::Value::Object(fields) => fields.iter().for_each(|(key, value)| {
            into.push(key);
            collect_strings(value, into);
        }),
        _ => {}
    }
}

fn base64_decode(text: &str) -> Result<Vec<u8>, base64::DecodeError> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(text)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// A Python worker with the sample's codec, which refuses any payload that arrives unencrypted:
/// our client's arguments reach it encrypted, and we read its encrypted result.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_client_with_the_codec_calls_a_python_worker_with_the_samples_codec() {
    let queue = server::task_queue("encrypted-python-worker");
    let mut peer = process::command(server::python());
    peer.arg(server::project_root().join("tests/python/encrypted_peer.py"))
        .args([server::address(), KEY_ID, &hex(KEY), "serve", &queue])
        .stdout(Stdio::piped());
    let mut peer = peer.spawn().expect("the Python worker starts");
    let stdout = std::io::BufReader::new(peer.stdout.take().expect("piped stdout"));
    let (ready, _stdout) = tokio::task::spawn_blocking(move || {
        process::line_within(
            stdout,
            Duration::from_secs(120),
            "the Python worker's `ready`",
        )
    })
    .await
    .expect("the reader");
    assert_eq!(ready.trim(), "ready");

    let client = within(
        Duration::from_secs(30),
        "a client with the codec",
        server::connection().client_with_codec(codec()),
    )
    .await
    .expect("the client connects");
    let started = start_activity_by_name::<String>(
        &client,
        "python_keep_secret",
        (SECRET.to_string(),),
        options(&queue, Duration::from_secs(10), None, 1),
    )
    .await
    .expect("the start is accepted");
    let kept = result_within(&started, Duration::from_secs(30)).await;
    let _ = peer.kill();
    let _ = peer.wait();
    assert_eq!(
        kept.expect("the Python worker's result"),
        format!("python kept: {SECRET}")
    );
}

/// Runs `keep_secret` with the secret on `queue`, from a client with `codec`.
async fn keep_secret_with(codec: EncryptionCodec, queue: &str) -> Result<String, ExecuteError> {
    let client = server::connection()
        .client_with_codec(codec)
        .await
        .expect("a client");
    within(
        Duration::from_secs(30),
        "the activity's outcome",
        execute_activity(
            &client,
            keep_secret::ACTIVITY,
            SECRET.to_string(),
            options(queue, Duration::from_secs(10), None, 3),
        ),
    )
    .await
}

/// The worker encrypts with the current key and still reads the previous one; a payload
/// encrypted with a key it does not know fails once, not retried, naming the key id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_rotate_and_an_unknown_key_fails_once_naming_its_id() {
    let rotated = codec()
        .decrypting_with(PREVIOUS_KEY_ID, PREVIOUS_KEY)
        .expect("a 32-byte key");
    let Served { queue, worker, .. } = serve_encrypted("encrypted-rotation", rotated).await;

    // A service not yet rotated writes with the previous key, and reads the current one.
    let behind = EncryptionCodec::new(PREVIOUS_KEY_ID, PREVIOUS_KEY)
        .and_then(|codec| codec.decrypting_with(KEY_ID, KEY))
        .expect("32-byte keys");
    let kept = keep_secret_with(behind, &queue)
        .await
        .expect("a payload under the previous key decrypts");
    assert_eq!(kept, format!("kept: {SECRET}"));

    // A service that writes with a key retired from the worker, and reads the current one.
    let retired = EncryptionCodec::new("test-key-retired", &[7; 32])
        .and_then(|codec| codec.decrypting_with(KEY_ID, KEY))
        .expect("32-byte keys");
    let failed = keep_secret_with(retired, &queue).await;
    let Err(ExecuteError::Result(error)) = failed else {
        panic!("expected the activity's failure, got {failed:?}");
    };
    let (error_type, non_retryable, message) = application_failure(*error);
    assert_eq!(error_type, "PayloadDecryptionError");
    assert!(non_retryable);
    assert!(message.contains("`test-key-retired`"), "{message}");
    assert!(!message.contains(LEAK), "{message}");
    worker.stop().await;
}
