//! Payload size: a result over the server's 2 MiB limit fails as a non-retryable
//! `PayloadTooLarge` naming the size and the limit, never a gRPC error or a retry loop; above
//! 512 KiB a warning is logged. Heartbeat details over the limit are dropped, logged and
//! counted, and the attempt goes on.

use crate::support::logs;
use activity_runtime::payload::codec::{
    PayloadCodec, PayloadConversionError, SerializationContextData,
};
use activity_runtime::payload::{ByteBuf, Payload};
use activity_runtime::testing::ActivityEnvironment;
use activity_runtime::worker::PayloadLimits;
use activity_runtime::{ActivityContext, ActivityError, activity, activity_set};
use futures::future::BoxFuture;

#[activity]
fn blob_of(bytes: usize) -> ByteBuf {
    ByteBuf::from(vec![7u8; bytes])
}

#[tokio::test]
async fn a_result_over_the_limit_is_a_non_retryable_payload_too_large() {
    let env = ActivityEnvironment::new(activity_set![blob_of]).unwrap();
    let error = env
        .run(blob_of::ACTIVITY, (3 * 1024 * 1024,))
        .await
        .unwrap_err();
    assert_eq!(error.error_type(), "PayloadTooLarge");
    assert!(error.is_non_retryable());
    assert!(
        error
            .message()
            .starts_with("activity `blob_of`: the result is 3145"),
        "{}",
        error.message()
    );
    assert!(
        error
            .message()
            .contains("over the 2097152 byte payload limit"),
        "{}",
        error.message()
    );
    // The environment keeps serving.
    assert_eq!(env.run(blob_of::ACTIVITY, (3,)).await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_result_above_the_warning_threshold_is_logged_and_delivered() {
    logs::capture();
    let env = ActivityEnvironment::builder(activity_set![blob_of])
        .payload_limits(
            PayloadLimits::builder()
                .error_bytes(10_000)
                .warn_bytes(1_000)
                .build(),
        )
        .build()
        .unwrap();
    assert_eq!(
        env.run(blob_of::ACTIVITY, (2_000,)).await.unwrap().len(),
        2_000
    );
    let warnings = logs::lines_containing("above the 1000 byte warning threshold");
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(warnings[0].contains("blob_of"), "{}", warnings[0]);
    assert!(env.run(blob_of::ACTIVITY, (20_000,)).await.is_err());
}

/// Heartbeats details over the 2 MiB payload limit, then small ones, then fails. It waits
/// between the two, so that a codec's mailbox, which keeps only the latest, sends both.
#[activity]
async fn outgrows_the_limit(ctx: ActivityContext) -> Result<(), ActivityError> {
    ctx.heartbeat(&"x".repeat(3 * 1024 * 1024));
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    ctx.heartbeat(&"small");
    Err(ActivityError::new("fails after its heartbeats"))
}

/// Passes payloads through, as any codec of the same size would: the size is checked after it.
struct PassThrough;

impl PayloadCodec for PassThrough {
    fn encode(
        &self,
        _: &SerializationContextData,
        payloads: Vec<Payload>,
    ) -> BoxFuture<'static, Result<Vec<Payload>, PayloadConversionError>> {
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

/// An oversized heartbeat is dropped, logged and counted; the attempt goes on, and the next
/// heartbeat goes out, with and without a codec (whose heartbeats wait in a mailbox).
#[tokio::test]
async fn an_oversized_heartbeat_is_dropped_and_counted_and_the_next_goes_out() {
    logs::capture();
    for codec in [false, true] {
        let builder = ActivityEnvironment::builder(activity_set![outgrows_the_limit]);
        let builder = if codec {
            builder.codec(PassThrough)
        } else {
            builder
        };
        let env = builder.build().unwrap();
        let before = logs::lines_containing("heartbeat dropped").len();
        let error = env.run(outgrows_the_limit::ACTIVITY, ()).await.unwrap_err();
        assert_eq!(
            error.message(),
            "fails after its heartbeats",
            "codec {codec}"
        );
        assert_eq!(
            env.heartbeat_details::<String>().await.unwrap(),
            ["small"],
            "codec {codec}: only the heartbeat that fits went out"
        );
        let dropped = env.metrics().counter(
            "temporal_activity_heartbeats_dropped",
            &[
                ("activity_type", "outgrows_the_limit"),
                ("reason", "PayloadTooLarge"),
            ],
        );
        assert_eq!(dropped, 1, "codec {codec}");
        let logged = logs::lines_containing("heartbeat dropped");
        assert_eq!(logged.len(), before + 1, "codec {codec}: {logged:#?}");
        let line = logged.last().unwrap();
        assert!(
            line.contains("outgrows_the_limit")
                && line.contains("over the 2097152 byte payload limit"),
            "codec {codec}: {line}"
        );
    }
}
