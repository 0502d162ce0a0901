//! Handing an activity's completion off: `ActivityError::complete_async()` is no failure, so it
//! leaves the attempt as it was returned, neither cut nor sealed by a codec, for the worker to
//! report as "will complete asynchronously".

use activity_runtime::error::ErrorKind;
use activity_runtime::payload::codec::EncryptionCodec;
use activity_runtime::testing::ActivityEnvironment;
use activity_runtime::{ActivityContext, ActivityError, activity, activity_set};

#[activity]
fn hand_off(ctx: ActivityContext) -> Result<u32, ActivityError> {
    assert!(ctx.info().task_token.is_empty(), "no server issued one");
    Err(ActivityError::complete_async())
}

#[tokio::test]
async fn a_hand_off_reaches_the_worker_as_itself_even_with_a_codec_that_seals_failures() {
    let codec = EncryptionCodec::new("key-1", &[7; 32]).expect("a 256-bit key");
    let env = ActivityEnvironment::builder(activity_set![hand_off])
        .codec(codec)
        .build()
        .unwrap();
    let handed_off = env
        .run_payloads("hand_off", Vec::new())
        .await
        .expect_err("no result");
    assert_eq!(handed_off.kind(), ErrorKind::CompleteAsync);
    assert_eq!(
        handed_off.message(),
        "the activity will be completed asynchronously",
        "not sealed"
    );
    assert_eq!(
        env.run(hand_off::ACTIVITY, ()).await.unwrap_err().kind(),
        ErrorKind::CompleteAsync
    );
}
