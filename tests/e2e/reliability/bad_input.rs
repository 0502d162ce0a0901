//! Bad input through the real server: each case fails with a message that names the argument's
//! position and the expected type, non-retryable where a retry cannot help, and the worker
//! survives every one.

use std::collections::HashMap;
use std::time::Duration;

use crate::support::calls::{self, client, options, start};
use crate::support::deadline::within;
use crate::support::grpc_proxy::RewritingProxy;
use crate::support::server;
use crate::support::worker_process::WorkerProcess;
use activity_runtime::payload::{self, Payload};
use activity_runtime::{ConnectionConfig, Worker, activity, activity_set};
use prost::Message;
use temporalio_common::UntypedActivity;
use temporalio_common::data_converters::RawValue;
use temporalio_common::protos::temporal::api::workflowservice::v1::PollActivityTaskQueueResponse;

fn raw(encoding: &str, data: &[u8]) -> Payload {
    Payload {
        metadata: HashMap::from([("encoding".to_string(), encoding.as_bytes().to_vec())]),
        data: data.to_vec(),
        ..Payload::default()
    }
}

fn label() -> Payload {
    payload::encode("label").unwrap()
}

/// The failure type, retryability and message of an activity run with `arguments`.
async fn failure_of(
    client: &activity_runtime::client::Client,
    queue: &str,
    name: &str,
    arguments: Vec<Payload>,
) -> (String, bool, String) {
    let handle = client
        .start_activity(
            UntypedActivity::new(name),
            RawValue::new(arguments),
            options(queue, Duration::from_secs(10), None, 2),
        )
        .await
        .expect("the server accepts the start");
    let error = within(
        Duration::from_secs(30),
        "the activity's failure",
        handle.result(),
    )
    .await
    .map(|_| ())
    .expect_err("the activity fails");
    calls::application_failure(error)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bad_input_is_a_clear_failure_and_the_worker_survives() {
    let queue = server::task_queue("bad-input");
    let worker = WorkerProcess::start(server::address(), &queue);
    let client = client().await;
    let count = "argument 0 (`count`), expected `u32`";
    let cases: Vec<(&str, Vec<Payload>, &str)> = vec![
        (
            "invalid JSON",
            vec![raw("json/plain", b"{not json"), label()],
            count,
        ),
        (
            "a JSON value of the wrong type",
            vec![payload::encode("seven").unwrap(), label()],
            "invalid type: string \"seven\", expected u32",
        ),
        (
            "too few arguments",
            vec![payload::encode(&7).unwrap()],
            "argument 1 (`label`), expected `alloc::string::String`: missing: the caller sent 1 argument",
        ),
        (
            "too many arguments",
            vec![payload::encode(&7).unwrap(), label(), label()],
            "takes 2 arguments but the caller sent 3",
        ),
        (
            "an unknown encoding",
            vec![raw("text/yaml", b"count: 7"), label()],
            "unsupported payload encoding `text/yaml`",
        ),
        (
            "binary garbage",
            vec![raw("binary/plain", &[0xde, 0xad, 0xbe, 0xef]), label()],
            count,
        ),
        (
            "no metadata at all",
            vec![
                Payload {
                    data: vec![0xff; 16],
                    ..Payload::default()
                },
                label(),
            ],
            "no `encoding` metadata",
        ),
    ];
    for (case, arguments, expected) in cases {
        let (error_type, non_retryable, message) =
            failure_of(&client, &queue, "typed", arguments).await;
        assert_eq!(error_type, "ArgumentDecodeError", "{case}: {message}");
        assert!(non_retryable, "{case}: a retry sends the same bytes");
        assert!(message.contains(expected), "{case}: {message}");
        assert!(message.starts_with("activity `typed`"), "{case}: {message}");
    }

    // JSON nested deeper than serde_json's recursion limit (128) is refused while it decodes,
    // naming the parameter, rather than overflowing the worker's stack; shallower nesting
    // decodes.
    let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let (error_type, non_retryable, message) = failure_of(
        &client,
        &queue,
        "depth_of",
        vec![raw("json/plain", nested(10_000).as_bytes())],
    )
    .await;
    assert_eq!(
        (error_type.as_str(), non_retryable),
        ("ArgumentDecodeError", true),
        "{message}"
    );
    assert!(
        message.starts_with("activity `depth_of`")
            && message.contains("argument 0 (`tree`)")
            && message.contains("recursion limit exceeded"),
        "{message}"
    );
    let shallow: serde_json::Value = serde_json::from_str(&nested(100)).unwrap();
    let depth = start::<u32>(
        &client,
        "depth_of",
        (shallow,),
        options(&queue, Duration::from_secs(10), None, 1),
    )
    .await;
    assert_eq!(
        calls::result_within(&depth, Duration::from_secs(30))
            .await
            .unwrap(),
        100
    );

    // A result over the limit fails as PayloadTooLarge, not as a gRPC error or a retry loop.
    let (error_type, non_retryable, message) = failure_of(
        &client,
        &queue,
        "blob",
        vec![payload::encode(&(3 * 1024 * 1024)).unwrap()],
    )
    .await;
    assert_eq!(
        (error_type.as_str(), non_retryable),
        ("PayloadTooLarge", true),
        "{message}"
    );
    assert!(
        message.contains("over the 2097152 byte payload limit"),
        "{message}"
    );

    // An input over 2 MB never reaches the worker: the server refuses the start, saying why.
    let huge = payload::encode(&"x".repeat(3 * 1024 * 1024)).unwrap();
    let refused = client
        .start_activity(
            UntypedActivity::new("typed"),
            RawValue::new(vec![huge, label()]),
            options(&queue, Duration::from_secs(10), None, 1),
        )
        .await
        .map(|_| ())
        .expect_err("the server refuses a 3 MB input");
    let refused = refused.to_string();
    assert!(refused.contains("exceeds length limit"), "{refused}");

    // The worker process served every case and still serves.
    let square = start::<u64>(
        &client,
        "square",
        (9u64, 0u64),
        options(&queue, Duration::from_secs(10), None, 1),
    )
    .await;
    assert_eq!(
        calls::result_within(&square, Duration::from_secs(30))
            .await
            .unwrap(),
        81
    );
    let status = worker.terminate_within(Duration::from_secs(30));
    assert!(status.success(), "{status}");
}

#[activity]
async fn scheduled_at_the_end_of_time() {}

#[activity]
async fn echo(text: String) -> String {
    text
}

/// A task with a timestamp no Rust type holds, from a server that sends what a real one never
/// would (a proxy rewrites the answer to the worker's poll): the worker fails the task clearly,
/// naming the field, instead of panicking in its poll loop, and keeps serving.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_task_fails_naming_its_field_and_the_worker_keeps_serving() {
    let proxy = RewritingProxy::start(server::address(), "/PollActivityTaskQueue", |message| {
        let mut response =
            PollActivityTaskQueueResponse::decode(message).expect("a poll's answer decodes");
        let target = response
            .activity_type
            .as_ref()
            .map(|kind| kind.name.as_str());
        if target == Some("scheduled_at_the_end_of_time") {
            let started = response
                .started_time
                .insert(std::time::SystemTime::now().into());
            // A second past the last one: no `SystemTime` holds it.
            (started.seconds, started.nanos) = (i64::MAX, 1_500_000_000);
        }
        response.encode_to_vec()
    });
    let queue = server::task_queue("malformed");
    let worker = server::start_worker_on(
        Worker::builder(&queue, activity_set![scheduled_at_the_end_of_time, echo])
            .connection(ConnectionConfig::new(&proxy.address()).expect("the proxy's address")),
    )
    .await;
    let client = client().await;
    let (error_type, non_retryable, message) =
        failure_of(&client, &queue, "scheduled_at_the_end_of_time", Vec::new()).await;
    assert_eq!(
        (error_type.as_str(), non_retryable),
        ("MalformedActivityTask", true),
        "{message}"
    );
    assert!(
        message
            .starts_with("Temporal Core sent an activity task whose `started_time` is malformed"),
        "{message}"
    );
    let echoed = start::<String>(
        &client,
        "echo",
        ("still serving".to_string(),),
        options(&queue, Duration::from_secs(10), None, 1),
    )
    .await;
    assert_eq!(
        calls::result_within(&echoed, Duration::from_secs(30))
            .await
            .unwrap(),
        "still serving"
    );
    assert!(worker.is_running());
    worker.stop().await;
}
