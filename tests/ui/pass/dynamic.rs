// `#[activity(dynamic)]` runs every activity type that is not registered, with raw payloads.
use activity_runtime::payload::{self, Payload};
use activity_runtime::testing::ActivityEnvironment;
use activity_runtime::{ActivityContext, ActivityError, activity, activity_set};

#[activity(dynamic)]
async fn anything(ctx: ActivityContext, args: Vec<Payload>) -> Result<String, ActivityError> {
    let first: String = payload::decode(&args[0]).map_err(|e| ActivityError::new(e.to_string()))?;
    Ok(format!("{}({first})", ctx.info().activity_type))
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let env = ActivityEnvironment::new(activity_set![anything]).unwrap();
    let result = env.run_payloads("resize_image", vec![payload::encode("cat.png").unwrap()]).await.unwrap();
    assert_eq!(payload::decode::<String>(&result).unwrap(), "resize_image(cat.png)");
}
