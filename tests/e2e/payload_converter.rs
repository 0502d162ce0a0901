//! A payload converter of another encoding, end to end: a worker with the MessagePack converter
//! of `examples/msgpack` reads a Python caller's msgpack arguments and answers in msgpack, on
//! our worker and on the official SDK's; our client helpers encode with the converter they are
//! given; and a worker without it names the encoding it cannot read.

use std::time::Duration;

use activity_runtime::client::ClientWithConverter;
use activity_runtime::{ActivityContext, ActivityError, Worker, activity, activity_set, official};
use serde::{Deserialize, Serialize};
use temporalio_client::ActivityDescribeOptions;
use temporalio_common::protos::temporal::api::activity::v1::activity_execution_outcome::Value;
use temporalio_common::protos::temporal::api::common::v1::Payloads;
use temporalio_sdk::WorkerOptions;

use crate::official_sdk::beside_official_worker;
use crate::support::calls::{self, application_failure, options, result_within, start};
use crate::support::peers;
use crate::support::server;

#[path = "../../examples/msgpack/converter.rs"]
mod converter;

use converter::{MSGPACK, MsgPack};

#[derive(Debug, Serialize, Deserialize)]
struct Order {
    id: String,
    lines: Vec<Line>,
    rush: bool,
}

#[derive(Debug, Serialize, Deserialize)]
struct Line {
    sku: String,
    cents: u64,
    quantity: u32,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Quote {
    order_id: String,
    total_cents: u64,
    rush: bool,
    coupon: Option<String>,
    attempt: u32,
    resumed_from_line: Option<usize>,
}

#[derive(Serialize, Deserialize)]
struct Progress {
    lines_done: usize,
}

/// Quotes an order; the first attempt heartbeats its progress after one line and fails, and
/// the retry resumes from it.
#[activity]
async fn quote_order(
    ctx: ActivityContext,
    order: Order,
    coupon: Option<String>,
) -> Result<Quote, ActivityError> {
    let resumed = ctx.last_heartbeat_details::<Progress>()?;
    if ctx.info().attempt == 1 {
        ctx.heartbeat(&Progress { lines_done: 1 });
        return Err(ActivityError::new("the first attempt stops after one line"));
    }
    Ok(Quote {
        order_id: order.id,
        total_cents: order
            .lines
            .iter()
            .map(|line| line.cents * u64::from(line.quantity))
            .sum(),
        rush: order.rush,
        coupon,
        attempt: ctx.info().attempt,
        resumed_from_line: resumed.map(|progress| progress.lines_done),
    })
}

/// Refuses every order, non-retryably, with the line that cannot be served as a detail.
#[activity]
async fn refuse_order(order: Order) -> Result<(), ActivityError> {
    let line = &order.lines[1];
    Err(ActivityError::new(format!("no `{}` left", line.sku))
        .with_type("OutOfStock")
        .non_retryable()
        .with_details(line)?)
}

/// Heartbeats its progress once, then waits until its heartbeat timeout ends it.
#[activity]
async fn stall_with_progress(ctx: ActivityContext) -> Result<(), ActivityError> {
    ctx.heartbeat(&Progress { lines_done: 3 });
    ctx.cancelled().await;
    Err(ActivityError::cancelled())
}

fn order() -> Order {
    Order {
        id: "o-17".to_string(),
        lines: vec![
            Line {
                sku: "tea".to_string(),
                cents: 450,
                quantity: 2,
            },
            Line {
                sku: "cup".to_string(),
                cents: 1200,
                quantity: 1,
            },
        ],
        rush: true,
    }
}

fn encodings(payloads: &Payloads) -> Vec<String> {
    payloads
        .payloads
        .iter()
        .map(|payload| String::from_utf8_lossy(&payload.metadata["encoding"]).into_owned())
        .collect()
}

/// A Python workflow whose converter writes msgpack calls our activities: ours decode its
/// msgpack arguments, the retry reads the msgpack heartbeat details of the attempt before, and
/// Python decodes our msgpack result, a failure's details and the heartbeat details of a
/// timeout (its converter reads no JSON). The workflow's history shows the encodings.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_python_caller_with_a_msgpack_converter_calls_our_activities_in_msgpack() {
    let queue = server::task_queue("msgpack-python");
    let worker = server::start_worker_with(
        Worker::builder(
            &queue,
            activity_set![quote_order, refuse_order, stall_with_progress],
        )
        .payload_converter(MsgPack),
    )
    .await;
    let out: serde_json::Value = peers::python("msgpack_caller.py", &[&queue]).await;
    assert_eq!(
        out,
        serde_json::json!({
            "quote": {
                "order_id": "o-17", "total_cents": 2100, "rush": true, "coupon": null,
                "attempt": 2, "resumed_from_line": 1,
            },
            "refusal": {
                "type": "OutOfStock", "message": "no `cup` left",
                "details": [{"sku": "cup", "cents": 1200, "quantity": 1}],
            },
            "stalled": [{"lines_done": 3}],
            "argument_encodings": [MSGPACK, "binary/null"],
            "result_encodings": [MSGPACK],
            "detail_encodings": [MSGPACK],
        })
    );
    println!("payload converter: a Python msgpack caller and our msgpack worker read each other");
    worker.stop().await;
}

/// Our client helpers encode the arguments and decode the result with the converter they were
/// given, and the server holds msgpack: on our worker and on the official SDK's, each with the
/// converter set on its builder.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_client_helpers_and_both_workers_convert_with_the_converter_they_are_given() {
    let queue = server::task_queue("msgpack-rust");
    let worker = server::start_worker_with(
        Worker::builder(&queue, activity_set![quote_order]).payload_converter(MsgPack),
    )
    .await;
    let client = ClientWithConverter::new(calls::client().await, MsgPack);
    quote_in_msgpack(&client, &queue).await;
    worker.stop().await;

    let queue = server::task_queue("msgpack-official");
    let activities = official::Activities::builder(activity_set![quote_order])
        .payload_converter(MsgPack)
        .build()
        .expect("the set is valid");
    let options = WorkerOptions::new(queue.as_str())
        .register_activities(activities)
        .build();
    let plain = calls::client().await;
    beside_official_worker(&plain, options, quote_in_msgpack(&client, &queue)).await;
}

async fn quote_in_msgpack(client: &ClientWithConverter, queue: &str) {
    let started = start::<Quote>(
        client,
        "quote_order",
        (order(), Some("SPRING".to_string())),
        options(queue, Duration::from_secs(30), None, 3),
    )
    .await;
    let quote = result_within(&started, Duration::from_secs(60))
        .await
        .expect("the quote");
    assert_eq!(
        quote,
        Quote {
            order_id: "o-17".to_string(),
            total_cents: 2100,
            rush: true,
            coupon: Some("SPRING".to_string()),
            attempt: 2,
            resumed_from_line: Some(1),
        }
    );
    let description = started
        .handle()
        .describe(
            ActivityDescribeOptions::builder()
                .include_input(true)
                .include_outcome(true)
                .include_heartbeat_details(true)
                .build(),
        )
        .await
        .expect("describe");
    let input = description.raw_input().expect("the input");
    assert_eq!(encodings(input), [MSGPACK, MSGPACK]);
    let Some(Value::Result(result)) = description.raw_outcome() else {
        panic!("a result: {:?}", description.raw_outcome());
    };
    assert_eq!(encodings(result), [MSGPACK]);
    let details = description
        .raw_info()
        .heartbeat_details
        .as_ref()
        .expect("the heartbeat details");
    assert_eq!(encodings(details), [MSGPACK]);
}

/// A worker on the default converter refuses msgpack arguments with a non-retryable failure
/// that names the encoding and the encodings it reads, instead of retrying the same bytes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_without_the_converter_names_the_encoding_it_cannot_read() {
    let queue = server::task_queue("msgpack-refused");
    let worker =
        server::start_worker_with(Worker::builder(&queue, activity_set![quote_order])).await;
    let client = ClientWithConverter::new(calls::client().await, MsgPack);
    let started = start::<Quote>(
        &client,
        "quote_order",
        (order(), None::<String>),
        options(&queue, Duration::from_secs(30), None, 3),
    )
    .await;
    let error = result_within(&started, Duration::from_secs(60))
        .await
        .expect_err("the worker cannot read msgpack");
    let activity_runtime::client::ExecuteError::Result(error) = error else {
        panic!("expected the activity's failure, got {error}");
    };
    let (error_type, non_retryable, message) = application_failure(*error);
    assert_eq!(error_type, "ArgumentDecodeError");
    assert!(non_retryable);
    assert!(
        message.contains("argument 0 (`order`)")
            && message.contains("unsupported payload encoding `binary/msgpack`"),
        "{message}"
    );
    worker.stop().await;
}
