//! Payload size: a result over the server's 2 MiB limit fails as a non-retryable
//! `PayloadTooLarge` naming the size and the limit, never a gRPC error or a retry loop; above
//! 512 KiB a warning is logged.

mod support;

use activity_runtime::payload::ByteBuf;
use activity_runtime::testing::ActivityEnvironment;
use activity_runtime::worker::PayloadLimits;
use activity_runtime::{activity, activity_set};
use support::logs;

#[activity]
fn blob_of(bytes: usize) -> ByteBuf {
    ByteBuf::from(vec![7u8; bytes])
}

#[tokio::test]
async fn a_result_over_the_limit_is_a_non_retryable_payload_too_large() {
    let env = ActivityEnvironment::new(activity_set![blob_of]).unwrap();
    let error = env.run::<blob_of>((3 * 1024 * 1024,)).await.unwrap_err();
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
    assert_eq!(env.run::<blob_of>((3,)).await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_result_above_the_warning_threshold_is_logged_and_delivered() {
    logs::capture();
    let env = ActivityEnvironment::builder(activity_set![blob_of])
        .payload_limits(PayloadLimits {
            error_bytes: 10_000,
            warn_bytes: 1_000,
        })
        .build()
        .unwrap();
    assert_eq!(env.run::<blob_of>((2_000,)).await.unwrap().len(), 2_000);
    let warnings = logs::lines_containing("above the 1000 byte warning threshold");
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(warnings[0].contains("blob_of"), "{}", warnings[0]);
    assert!(env.run::<blob_of>((20_000,)).await.is_err());
}
