//! A panic in an activity, async or blocking, becomes a retryable failure instead of escaping,
//! and the runtime keeps serving; so does a panic in a user's `Deserialize`, `Serialize` or
//! payload codec, through the real worker, even one while a failure's messages are sealed.

use activity_runtime::payload::Payload;
use activity_runtime::payload::codec::{
    PayloadCodec, PayloadConversionError, SerializationContextData,
};
use activity_runtime::{ActivityError, activity, activity_set, testing::ActivityEnvironment};
use futures::future::BoxFuture;

#[activity]
async fn async_panics(message: String) {
    panic!("{message}");
}

#[activity]
fn blocking_panics(message: String) {
    panic!("{message}");
}

#[activity]
async fn still_serving() -> String {
    "still serving".to_string()
}

fn environment() -> ActivityEnvironment {
    ActivityEnvironment::new(activity_set![async_panics, blocking_panics, still_serving])
        .expect("the set is valid")
}

#[tokio::test]
async fn async_panic_is_a_retryable_failure_with_the_message() {
    let env = environment();
    let error = env
        .run(async_panics::ACTIVITY, ("boom".into(),))
        .await
        .unwrap_err();
    assert_eq!(error.message(), "activity panicked: boom");
    assert_eq!(error.error_type(), "Panic");
    assert!(!error.is_non_retryable());
    assert_eq!(
        env.run(still_serving::ACTIVITY, ()).await.unwrap(),
        "still serving"
    );
}

#[tokio::test]
async fn blocking_panic_is_a_retryable_failure_with_the_message() {
    let env = environment();
    let error = env
        .run(blocking_panics::ACTIVITY, ("boom".into(),))
        .await
        .unwrap_err();
    assert_eq!(error.message(), "activity panicked: boom");
    assert!(!error.is_non_retryable());
    // The pool thread that panicked is replaced; the next blocking task still runs.
    let again = env
        .run(blocking_panics::ACTIVITY, ("again".into(),))
        .await
        .unwrap_err();
    assert_eq!(again.message(), "activity panicked: again");
    assert_eq!(
        env.run(still_serving::ACTIVITY, ()).await.unwrap(),
        "still serving"
    );
}

const SECRET: &str = "4111-1111";

#[activity]
fn refuse_card() -> Result<(), ActivityError> {
    Err(ActivityError::new(format!("card {SECRET} refused")))
}

/// Passes payloads through, but panics when asked to seal a failure's messages, quoting what it
/// was given, as a buggy codec might.
struct PanicsSealing;

impl PayloadCodec for PanicsSealing {
    fn encode(
        &self,
        _: &SerializationContextData,
        payloads: Vec<Payload>,
    ) -> BoxFuture<'static, Result<Vec<Payload>, PayloadConversionError>> {
        let sealing = |payload: &&Payload| payload.data.windows(11).any(|w| w == b"stack_trace");
        if let Some(messages) = payloads.iter().find(sealing) {
            panic!("cannot seal {}", String::from_utf8_lossy(&messages.data));
        }
        Box::pin(async move { Ok(payloads) })
    }

    fn decode(
        &self,
        _: &SerializationContextData,
        payloads: Vec<Payload>,
    ) -> BoxFuture<'static, Result<Vec<Payload>, PayloadConversionError>> {
        Box::pin(async move { Ok(payloads) })
    }
}

/// The failure that a panic while sealing leaves: a retryable `Panic` that says where it
/// happened and quotes nothing that was to be sealed, the panic's own message included.
fn assert_quotes_nothing_sealed(error_type: &str, non_retryable: bool, message: &str) {
    assert_eq!((error_type, non_retryable), ("Panic", false), "{message}");
    assert!(message.contains("panicked while sealing"), "{message}");
    assert!(!message.contains(SECRET), "{message}");
}

#[tokio::test]
async fn a_codec_panic_while_sealing_a_failure_is_a_panic_failure_quoting_nothing_sealed() {
    let env = ActivityEnvironment::builder(activity_set![refuse_card])
        .codec(PanicsSealing)
        .build()
        .unwrap();
    let error = env.run(refuse_card::ACTIVITY, ()).await.unwrap_err();
    assert_quotes_nothing_sealed(
        error.error_type(),
        error.is_non_retryable(),
        error.message(),
    );
    let failure = format!("{:?}", error.to_failure());
    assert!(!failure.contains(SECRET), "{failure}");
}

/// Against the real dev server: a panic anywhere in an attempt, not only in the function,
/// fails that attempt promptly and frees its slot. The worker has one slot, so an attempt that
/// leaked it would stall every later call.
mod through_the_worker {
    use std::time::Duration;

    use activity_runtime::{Worker, activity, activity_set};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::*;

    use crate::support::calls::{self, options, result_within, start};
    use crate::support::server::{self, Served};

    /// A parameter type whose `Deserialize` panics.
    struct PanicsWhenDecoded;

    impl<'de> Deserialize<'de> for PanicsWhenDecoded {
        fn deserialize<D: Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
            panic!("Deserialize panicked on purpose");
        }
    }

    /// A result type whose `Serialize` panics.
    struct PanicsWhenEncoded;

    impl Serialize for PanicsWhenEncoded {
        fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            panic!("Serialize panicked on purpose");
        }
    }

    #[activity]
    async fn takes_hostile(_input: PanicsWhenDecoded) {}

    #[activity]
    fn returns_hostile(_label: String) -> PanicsWhenEncoded {
        PanicsWhenEncoded
    }

    #[activity]
    async fn echo(text: String) -> String {
        text
    }

    const DECODE_PANIC: &[u8] = br#""the codec panics decoding this""#;
    const ENCODE_PANIC: &[u8] = br#""the codec panics encoding this""#;

    /// Passes payloads through, but panics on the two marked ones.
    struct PanickingCodec;

    impl PayloadCodec for PanickingCodec {
        fn encode(
            &self,
            _: &SerializationContextData,
            payloads: Vec<Payload>,
        ) -> BoxFuture<'static, Result<Vec<Payload>, PayloadConversionError>> {
            if payloads.iter().any(|payload| payload.data == ENCODE_PANIC) {
                panic!("the codec panicked encoding on purpose");
            }
            Box::pin(async move { Ok(payloads) })
        }

        fn decode(
            &self,
            _: &SerializationContextData,
            payloads: Vec<Payload>,
        ) -> BoxFuture<'static, Result<Vec<Payload>, PayloadConversionError>> {
            Box::pin(async move {
                if payloads.iter().any(|payload| payload.data == DECODE_PANIC) {
                    panic!("the codec panicked decoding on purpose");
                }
                Ok(payloads)
            })
        }
    }

    /// Runs `name` once and returns its failure's type, retryability and message, failing the
    /// test unless it arrives within seconds: the attempt's own timeout is a minute.
    async fn failure_of(
        client: &activity_runtime::client::Client,
        queue: &str,
        name: &str,
        input: impl activity_runtime::payload::ArgumentList,
    ) -> (String, bool, String) {
        let activity = start::<()>(
            client,
            name,
            input,
            options(queue, Duration::from_secs(60), None, 1),
        )
        .await;
        let error = result_within(&activity, Duration::from_secs(10))
            .await
            .expect_err("the attempt fails");
        match error {
            activity_runtime::client::ExecuteError::Result(error) => {
                calls::application_failure(*error)
            }
            other => panic!("expected an activity failure, got {other:?}"),
        }
    }

    /// `echo` answers within seconds: the worker's one slot is free.
    async fn still_serving(client: &activity_runtime::client::Client, queue: &str) {
        let next = start::<String>(
            client,
            "echo",
            ("still serving".to_string(),),
            options(queue, Duration::from_secs(60), None, 1),
        )
        .await;
        assert_eq!(
            result_within(&next, Duration::from_secs(10)).await.unwrap(),
            "still serving"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_panicking_deserialize_serialize_or_codec_fails_the_attempt_and_the_next_call_succeeds()
     {
        let Served {
            queue,
            worker,
            client,
        } = server::serve_with("hostile", |queue| {
            Worker::builder(queue, activity_set![takes_hostile, returns_hostile, echo])
                .codec(PanickingCodec)
                .max_concurrent_activities(1)
        })
        .await;
        let text = |bytes: &[u8]| serde_json::from_slice::<String>(bytes).unwrap();
        let cases = [
            (
                "takes_hostile",
                ("anything".to_string(),),
                "Deserialize panicked on purpose",
            ),
            (
                "returns_hostile",
                ("unused".to_string(),),
                "Serialize panicked on purpose",
            ),
            (
                "echo",
                (text(DECODE_PANIC),),
                "the codec panicked decoding on purpose",
            ),
            (
                "echo",
                (text(ENCODE_PANIC),),
                "the codec panicked encoding on purpose",
            ),
        ];
        for (name, input, panic) in cases {
            let (error_type, non_retryable, message) =
                failure_of(&client, &queue, name, input).await;
            assert_eq!(
                (error_type.as_str(), non_retryable),
                ("Panic", false),
                "{name}"
            );
            assert_eq!(message, format!("activity panicked: {panic}"), "{name}");
            still_serving(&client, &queue).await;
        }
        worker.stop().await;
    }

    /// A panic while the failure's messages are sealed completes the attempt too, as a failure
    /// that quotes nothing sealed, and frees the worker's one slot.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_codec_panic_while_sealing_fails_the_attempt_and_the_next_call_succeeds() {
        let Served {
            queue,
            worker,
            client,
        } = server::serve_with("panics-sealing", |queue| {
            Worker::builder(queue, activity_set![refuse_card, echo])
                .codec(PanicsSealing)
                .max_concurrent_activities(1)
        })
        .await;
        let (error_type, non_retryable, message) =
            failure_of(&client, &queue, "refuse_card", ()).await;
        assert_quotes_nothing_sealed(&error_type, non_retryable, &message);
        still_serving(&client, &queue).await;
        worker.stop().await;
    }
}
