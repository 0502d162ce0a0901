//! The payload codec (encryption, compression) applies to every payload path: arguments,
//! results, heartbeat details, the previous attempt's details, and failure details. Activity
//! code only sees plain payloads.

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
struct ReversingCodec;

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
    assert_eq!(env.run::<shout>(("hi".into(),)).await.unwrap(), "HI");
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
    let error = env.run::<shout>(("fail".into(),)).await.unwrap_err();
    assert_eq!(
        payload::decode::<String>(&error.details()[0]).unwrap(),
        "secret detail"
    );
}

#[tokio::test]
async fn a_payload_the_codec_cannot_decode_is_a_retryable_codec_error() {
    let env = environment();
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
