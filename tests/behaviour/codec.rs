//! The payload codec (encryption, compression) applies to every payload path: arguments,
//! results, heartbeat details, the previous attempt's details, failure details, and, by
//! default, failure messages. Activity code only sees plain payloads.

use activity_runtime::payload::codec::{
    PayloadCodec, PayloadConversionError, SerializationContextData,
};
use activity_runtime::payload::{self, Payload};
use activity_runtime::testing::ActivityEnvironment;
use activity_runtime::{ActivityContext, ActivityError, activity, activity_set};
use futures::future::BoxFuture;

const WRAPPED: &[u8] = b"binary/x-test-codec";

/// Reverses the data and hides the encoding, so that a payload that skipped the codec in either
/// direction cannot decode.
pub(crate) struct ReversingCodec;

fn reverse(
    payloads: Vec<Payload>,
    from: &str,
    to: &str,
) -> Result<Vec<Payload>, PayloadConversionError> {
    payloads
        .into_iter()
        .map(|mut payload| {
            let encoding = payload.metadata.remove(from).ok_or_else(|| {
                PayloadConversionError::EncodingError(format!("no `{from}` metadata").into())
            })?;
            payload.metadata.insert(to.to_string(), encoding);
            payload.data.reverse();
            Ok(payload)
        })
        .collect()
}

impl PayloadCodec for ReversingCodec {
    fn encode(
        &self,
        _: &SerializationContextData,
        payloads: Vec<Payload>,
    ) -> BoxFuture<'static, Result<Vec<Payload>, PayloadConversionError>> {
        let result = reverse(payloads, "encoding", "inner-encoding").map(|payloads| {
            payloads
                .into_iter()
                .map(|mut payload| {
                    payload.metadata.insert("encoding".into(), WRAPPED.to_vec());
                    payload
                })
                .collect()
        });
        Box::pin(async move { result })
    }

    fn decode(
        &self,
        _: &SerializationContextData,
        payloads: Vec<Payload>,
    ) -> BoxFuture<'static, Result<Vec<Payload>, PayloadConversionError>> {
        let result = reverse(
            payloads
                .into_iter()
                .map(|mut payload| {
                    payload.metadata.remove("encoding");
                    payload
                })
                .collect(),
            "inner-encoding",
            "encoding",
        );
        Box::pin(async move { result })
    }
}

#[activity]
async fn shout(ctx: ActivityContext, text: String) -> Result<String, ActivityError> {
    let previous = ctx.last_heartbeat_details::<String>()?.unwrap_or_default();
    ctx.heartbeat(&format!("{previous}+{text}"));
    if text == "fail" {
        return Err(ActivityError::new("asked to fail").with_details(&"secret detail")?);
    }
    Ok(text.to_uppercase())
}

fn environment() -> ActivityEnvironment {
    ActivityEnvironment::builder(activity_set![shout])
        .codec(ReversingCodec)
        .last_heartbeat_details(&"before")
        .unwrap()
        .build()
        .unwrap()
}

fn is_wrapped(payload: &Payload) -> bool {
    payload.metadata["encoding"] == WRAPPED
}

#[tokio::test]
async fn arguments_results_and_heartbeats_go_through_the_codec_both_ways() {
    let env = environment();
    // Typed: the environment encodes as a client would, and decodes what the server would get.
    assert_eq!(
        env.run(shout::ACTIVITY, ("hi".into(),)).await.unwrap(),
        "HI"
    );
    let heartbeats = env.heartbeats();
    assert!(is_wrapped(&heartbeats[0][0]), "heartbeats leave encoded");
    assert_eq!(
        env.heartbeat_details::<String>().await.unwrap(),
        ["before+hi"]
    );

    // On the wire: what the worker receives and sends.
    let argument = ReversingCodec
        .encode(
            &SerializationContextData::None,
            vec![payload::encode("wire").unwrap()],
        )
        .await
        .unwrap();
    let result = env.run_payloads("shout", argument).await.unwrap();
    assert!(is_wrapped(&result));
    assert_eq!(result.data, br#""ERIW""#, "the data of \"WIRE\", reversed");
}

#[tokio::test]
async fn failure_details_leave_encoded() {
    let env = environment();
    let argument = ReversingCodec
        .encode(
            &SerializationContextData::None,
            vec![payload::encode("fail").unwrap()],
        )
        .await
        .unwrap();
    let error = env.run_payloads("shout", argument).await.unwrap_err();
    assert!(is_wrapped(&error.details()[0]), "{error:?}");

    // The typed path hands the caller decoded details, as a client with the codec sees them.
    let error = env
        .run(shout::ACTIVITY, ("fail".into(),))
        .await
        .unwrap_err();
    assert_eq!(
        payload::decode::<String>(&error.details()[0]).unwrap(),
        "secret detail"
    );
}

#[tokio::test]
async fn a_payload_the_codec_cannot_decode_is_a_retryable_codec_error() {
    let env = ActivityEnvironment::builder(activity_set![shout])
        .codec(ReversingCodec)
        // To read the message as the server would.
        .encode_failure_messages(false)
        .build()
        .unwrap();
    let error = env
        .run_payloads("shout", vec![payload::encode("never encoded").unwrap()])
        .await
        .unwrap_err();
    assert_eq!(error.error_type(), "PayloadCodecError");
    assert!(!error.is_non_retryable());
    assert!(
        error.message().contains(
            "failed to decode the arguments: Encoding error: no `inner-encoding` metadata"
        ),
        "{}",
        error.message()
    );
}

#[activity]
fn fail_with_causes() -> anyhow::Result<()> {
    Err(anyhow::anyhow!("the card number 4111 is blocked").context("payment refused"))
}

/// A failure's message and each cause's leave encoded: the server sees "Encoded failure", and
/// the messages in `encoded_attributes`, as Python's and Go's `encode_common_attributes` send
/// them. The typed path reads them back, as a caller with the codec does.
#[tokio::test]
async fn failure_messages_leave_encoded_by_default_and_read_back_with_the_codec() {
    let env = ActivityEnvironment::builder(activity_set![fail_with_causes])
        .codec(ReversingCodec)
        .build()
        .unwrap();
    let sent = env
        .run_payloads("fail_with_causes", Vec::new())
        .await
        .unwrap_err();
    assert_eq!(sent.message(), "Encoded failure");
    assert_eq!(sent.causes()[0].message, "Encoded failure");
    let failure = sent.to_failure();
    assert!(!format!("{failure:?}").contains("4111"), "{failure:?}");
    let mut attributes = Vec::new();
    let mut level = Some(&failure);
    while let Some(failure) = level {
        let encoded = failure
            .encoded_attributes
            .clone()
            .expect("encoded attributes");
        assert!(is_wrapped(&encoded));
        let decoded = ReversingCodec
            .decode(&SerializationContextData::None, vec![encoded])
            .await
            .unwrap();
        attributes.push(payload::decode::<serde_json::Value>(&decoded[0]).unwrap());
        level = failure.cause.as_deref();
    }
    // The stack trace is sealed with the messages, the outermost failure's naming the chain.
    let stack_trace = attributes[0]["stack_trace"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        stack_trace.starts_with(&format!("at {}:", file!()))
            && stack_trace.contains("caused by: the card number 4111 is blocked"),
        "{stack_trace}"
    );
    assert_eq!(
        attributes,
        [
            serde_json::json!({ "message": "payment refused", "stack_trace": stack_trace }),
            serde_json::json!({ "message": "the card number 4111 is blocked", "stack_trace": "" }),
        ]
    );

    let read = env.run(fail_with_causes::ACTIVITY, ()).await.unwrap_err();
    assert_eq!(read.message(), "payment refused");
    assert_eq!(read.causes()[0].message, "the card number 4111 is blocked");
    assert_eq!(read.stack_trace(), stack_trace, "read back with the codec");
}

#[tokio::test]
async fn failure_messages_stay_plain_without_a_codec_unless_asked() {
    let plain = ActivityEnvironment::builder(activity_set![fail_with_causes])
        .build()
        .unwrap();
    let sent = plain
        .run_payloads("fail_with_causes", Vec::new())
        .await
        .unwrap_err();
    assert_eq!(sent.message(), "payment refused");
    let asked = ActivityEnvironment::builder(activity_set![fail_with_causes])
        .encode_failure_messages(true)
        .build()
        .unwrap();
    let sent = asked
        .run_payloads("fail_with_causes", Vec::new())
        .await
        .unwrap_err();
    assert_eq!(sent.message(), "Encoded failure");
    assert_eq!(
        payload::decode::<serde_json::Value>(&sent.to_failure().encoded_attributes.unwrap())
            .unwrap()["message"],
        "payment refused"
    );
}

/// Encodes nothing, ever: its `encode` never completes.
struct HangingCodec;

impl PayloadCodec for HangingCodec {
    fn encode(
        &self,
        _: &SerializationContextData,
        _: Vec<Payload>,
    ) -> BoxFuture<'static, Result<Vec<Payload>, PayloadConversionError>> {
        Box::pin(futures::future::pending())
    }

    fn decode(
        &self,
        _: &SerializationContextData,
        payloads: Vec<Payload>,
    ) -> BoxFuture<'static, Result<Vec<Payload>, PayloadConversionError>> {
        Box::pin(async move { Ok(payloads) })
    }
}

/// A failure's messages go through the codec after the attempt; a codec that hangs there must
/// not hold a shutdown, which ends by its deadline as it does for a hung attempt.
#[tokio::test]
async fn a_codec_that_hangs_on_a_failures_messages_does_not_hold_a_shutdown() {
    let env = ActivityEnvironment::builder(activity_set![fail_with_causes])
        .codec(HangingCodec)
        .graceful_shutdown_period(std::time::Duration::from_millis(100))
        .shutdown_abandon_period(std::time::Duration::from_millis(100))
        .build()
        .unwrap();
    let (outcome, ()) = tokio::join!(
        tokio::time::timeout(
            std::time::Duration::from_secs(10),
            env.run_payloads("fail_with_causes", Vec::new()),
        ),
        async {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            env.shutdown_worker();
        }
    );
    let error = outcome
        .expect("the attempt ends by the shutdown's deadline")
        .unwrap_err();
    assert_eq!(error.error_type(), "WorkerShutdown");
}
