// No parameters and no return type: the input is an empty tuple and the result `binary/null`.
use activity_runtime::testing::ActivityEnvironment;
use activity_runtime::{activity, activity_set};
use activity_runtime::definition::Activity;

#[activity]
async fn ping() {}

#[activity]
fn tick() {}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let _: <ping as Activity>::Input = ();
    let _: <tick as Activity>::Output = ();
    let env = ActivityEnvironment::new(activity_set![ping, tick]).unwrap();
    let result = env.run_payloads("ping", vec![]).await.unwrap();
    assert_eq!(result.metadata["encoding"], b"binary/null");
    env.run(tick::ACTIVITY, ()).await.unwrap();
}
