//! Inbound interceptors wrap every attempt: they see the info, the headers and the outcome,
//! can change the outcome, run in the order they were added, and are held to the same panic
//! boundary as activities; the headers reach the activity through `ctx.headers()`. They read
//! and replace the arguments, decoded by the codec, and the headers, for the rest.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use activity_runtime::context::ActivityInfo;
use activity_runtime::error::ErrorKind;
use activity_runtime::interceptor::{ActivityInterceptor, Attempt, BoxFuture, Next, Outcome};
use activity_runtime::payload;
use activity_runtime::testing::ActivityEnvironment;
use activity_runtime::{ActivityContext, ActivityError, activity, activity_set};
use futures::FutureExt;

#[activity]
async fn tenant_greeting(ctx: ActivityContext, name: String) -> Result<String, ActivityError> {
    let tenant: String = match ctx.headers().get("tenant") {
        Some(header) => payload::decode(header)?,
        None => "nobody".to_string(),
    };
    Ok(format!("{name} of {tenant}"))
}

#[activity]
fn flaky(fail: bool) -> Result<u32, ActivityError> {
    if fail {
        return Err(ActivityError::new("flaked").with_type("Flaky"));
    }
    Ok(7)
}

static COUNTED: AtomicUsize = AtomicUsize::new(0);

#[activity]
async fn counted() {
    COUNTED.fetch_add(1, Ordering::SeqCst);
}

/// Writes what it saw, before and after the rest of the attempt, into a shared journal.
struct Journal {
    name: &'static str,
    entries: Arc<Mutex<Vec<String>>>,
}

impl ActivityInterceptor for Journal {
    fn execute<'a>(&'a self, attempt: &'a Attempt, next: Next<'a>) -> BoxFuture<'a, Outcome> {
        Box::pin(async move {
            let mut headers: Vec<_> = attempt.headers().keys().cloned().collect();
            headers.sort();
            self.entries.lock().unwrap().push(format!(
                "{} before {} attempt {} headers {headers:?}",
                self.name,
                attempt.info().activity_type,
                attempt.info().attempt
            ));
            let outcome = next.run().await;
            let seen = match &outcome {
                Ok(payload) => format!("ok {}", String::from_utf8_lossy(&payload.data)),
                Err(error) => format!("err {}", error.error_type()),
            };
            self.entries
                .lock()
                .unwrap()
                .push(format!("{} after {seen}", self.name));
            outcome
        })
    }
}

/// Turns a failure of type `Flaky` into the result 0.
struct ForgiveFlaky;

impl ActivityInterceptor for ForgiveFlaky {
    fn execute<'a>(&'a self, _: &'a Attempt, next: Next<'a>) -> BoxFuture<'a, Outcome> {
        Box::pin(async move {
            match next.run().await {
                Err(error) if error.error_type() == "Flaky" => {
                    payload::encode(&0u32).map_err(|error| ActivityError::new(error.to_string()))
                }
                outcome => outcome,
            }
        })
    }
}

/// Refuses every attempt without running it.
struct Closed;

impl ActivityInterceptor for Closed {
    fn execute<'a>(&'a self, attempt: &'a Attempt, _: Next<'a>) -> BoxFuture<'a, Outcome> {
        let message = format!("{} is closed", attempt.info().activity_type);
        Box::pin(async move { Err(ActivityError::new(message).non_retryable()) })
    }
}

/// Panics before the attempt runs.
struct Panicky;

impl ActivityInterceptor for Panicky {
    fn execute<'a>(&'a self, _: &'a Attempt, _: Next<'a>) -> BoxFuture<'a, Outcome> {
        Box::pin(async { panic!("the interceptor broke") })
    }
}

#[tokio::test]
async fn interceptors_see_info_headers_and_outcome_outermost_first() {
    let entries = Arc::new(Mutex::new(Vec::new()));
    let env = ActivityEnvironment::builder(activity_set![tenant_greeting, flaky])
        .interceptor(Journal {
            name: "outer",
            entries: Arc::clone(&entries),
        })
        .interceptor(Journal {
            name: "inner",
            entries: Arc::clone(&entries),
        })
        .header("tenant", "acme")
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(
        env.run(tenant_greeting::ACTIVITY, "Ada".to_string())
            .await
            .unwrap(),
        "Ada of acme"
    );
    env.run(flaky::ACTIVITY, true).await.unwrap_err();
    assert_eq!(
        *entries.lock().unwrap(),
        [
            "outer before tenant_greeting attempt 1 headers [\"tenant\"]",
            "inner before tenant_greeting attempt 1 headers [\"tenant\"]",
            "inner after ok \"Ada of acme\"",
            "outer after ok \"Ada of acme\"",
            "outer before flaky attempt 1 headers [\"tenant\"]",
            "inner before flaky attempt 1 headers [\"tenant\"]",
            "inner after err Flaky",
            "outer after err Flaky",
        ]
    );
}

#[tokio::test]
async fn an_activity_without_headers_sees_none() {
    let env = ActivityEnvironment::new(activity_set![tenant_greeting]).unwrap();
    assert_eq!(
        env.run(tenant_greeting::ACTIVITY, "Ada".to_string())
            .await
            .unwrap(),
        "Ada of nobody"
    );
}

#[tokio::test]
async fn an_interceptor_can_turn_a_failure_into_a_result() {
    let env = ActivityEnvironment::builder(activity_set![flaky])
        .interceptor(ForgiveFlaky)
        .build()
        .unwrap();
    let reported = env
        .run_payloads("flaky", vec![payload::encode(&true).unwrap()])
        .await
        .expect("forgiven");
    assert_eq!(payload::decode::<u32>(&reported).unwrap(), 0);
    // The function returned no value, so `run` cannot hand one back, and says why.
    let error = env.run(flaky::ACTIVITY, true).await.unwrap_err();
    assert!(
        error
            .message()
            .contains("an interceptor replaced the function's result"),
        "{}",
        error.message()
    );
    assert_eq!(env.run(flaky::ACTIVITY, false).await.unwrap(), 7);
}

#[tokio::test]
async fn an_interceptor_that_does_not_go_on_runs_nothing_and_reports_its_own_outcome() {
    let env = ActivityEnvironment::builder(activity_set![counted])
        .interceptor(Closed)
        .build()
        .unwrap();
    let error = env.run(counted::ACTIVITY, ()).await.unwrap_err();
    assert_eq!(error.message(), "counted is closed");
    assert!(error.is_non_retryable());
    assert_eq!(COUNTED.load(Ordering::SeqCst), 0, "the activity never ran");
}

#[tokio::test]
async fn a_panicking_interceptor_fails_the_attempt_as_a_panic() {
    let env = ActivityEnvironment::builder(activity_set![flaky])
        .interceptor(Panicky)
        .build()
        .unwrap();
    let error = env.run(flaky::ACTIVITY, false).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Application);
    assert_eq!(error.error_type(), "Panic");
    assert!(
        error.message().contains("the interceptor broke"),
        "{}",
        error.message()
    );
}

/// An order whose card number its caller sent reversed, as a field-level encryption would.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Order {
    card: String,
    cents: u64,
}

#[activity]
async fn charge_card(ctx: ActivityContext, order: Order) -> Result<String, ActivityError> {
    let channel: String = match ctx.headers().get("channel") {
        Some(header) => payload::decode(header)?,
        None => "none".to_string(),
    };
    Ok(format!(
        "{} cents on {} via {channel}",
        order.cents, order.card
    ))
}

/// Reveals the first argument's card number, and says which channel it came through.
struct RevealCard;

impl ActivityInterceptor for RevealCard {
    fn execute<'a>(&'a self, attempt: &'a Attempt, mut next: Next<'a>) -> BoxFuture<'a, Outcome> {
        Box::pin(async move {
            assert!(attempt.headers().is_empty(), "the caller's, untouched");
            let first = next.arguments_mut().first_mut().expect("the order");
            let mut order: Order = payload::decode(first)?;
            order.card = order.card.chars().rev().collect();
            *first = payload::encode(&order)?;
            next.headers_mut()
                .insert("channel".to_string(), payload::encode("web")?);
            next.run().await
        })
    }
}

/// Sees the arguments and headers the interceptor before it left.
struct SeeInputs(Arc<Mutex<Vec<String>>>);

impl ActivityInterceptor for SeeInputs {
    fn execute<'a>(&'a self, _: &'a Attempt, next: Next<'a>) -> BoxFuture<'a, Outcome> {
        Box::pin(async move {
            let order: Order = payload::decode(&next.arguments()[0])?;
            let channel: String = payload::decode(&next.headers()["channel"])?;
            self.0
                .lock()
                .unwrap()
                .push(format!("{} {channel}", order.card));
            next.run().await
        })
    }
}

/// An interceptor reads and replaces the arguments, decoded by the codec, and the headers; the
/// next one and the activity receive what it left.
#[tokio::test]
async fn an_interceptor_replaces_an_argument_field_and_adds_a_header() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let env = ActivityEnvironment::builder(activity_set![charge_card])
        .codec(crate::codec::ReversingCodec)
        .interceptor(RevealCard)
        .interceptor(SeeInputs(Arc::clone(&seen)))
        .build()
        .unwrap();
    let charged = env
        .run(
            charge_card::ACTIVITY,
            Order {
                card: "2424".to_string(),
                cents: 1250,
            },
        )
        .await
        .unwrap();
    assert_eq!(charged, "1250 cents on 4242 via web");
    assert_eq!(*seen.lock().unwrap(), ["4242 web"]);
}

#[activity]
fn report_progress(ctx: ActivityContext) {
    ctx.heartbeat(&1u32);
    ctx.heartbeat(&2u32);
}

/// Adds the tenant to every heartbeat's details.
struct TagHeartbeats;

impl ActivityInterceptor for TagHeartbeats {
    fn execute<'a>(&'a self, _: &'a Attempt, next: Next<'a>) -> BoxFuture<'a, Outcome> {
        next.run().boxed()
    }

    fn heartbeat(&self, info: &ActivityInfo, details: &mut Vec<payload::Payload>) {
        details.push(payload::encode(&info.activity_type).unwrap());
    }
}

/// The outbound hook sees, and changes, each heartbeat the activity sends, in order.
#[tokio::test]
async fn an_interceptor_sees_and_changes_each_heartbeat_on_its_way_out() {
    let env = ActivityEnvironment::builder(activity_set![report_progress])
        .interceptor(TagHeartbeats)
        .interceptor(TagHeartbeats)
        .build()
        .unwrap();
    env.run(report_progress::ACTIVITY, ()).await.unwrap();
    let sent: Vec<(u32, String, String)> = env
        .heartbeats()
        .iter()
        .map(|details| {
            assert_eq!(details.len(), 3, "the detail and two tags");
            (
                payload::decode(&details[0]).unwrap(),
                payload::decode(&details[1]).unwrap(),
                payload::decode(&details[2]).unwrap(),
            )
        })
        .collect();
    let tag = "report_progress".to_string();
    assert_eq!(sent, [(1, tag.clone(), tag.clone()), (2, tag.clone(), tag)]);
}
