// No parameters and no return type: the input is an empty tuple and the result `binary/null`.
use activity_runtime::{Activity, ActivityContext, ActivityDefinition, ActivityInfo, activity};

#[activity]
async fn ping() {}

#[activity]
fn tick() {}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let _: <ping as Activity>::Input = ();
    let _: <tick as Activity>::Output = ();
    let ctx = ActivityContext::new(ActivityInfo::new("ping"));
    let result = ActivityDefinition::of::<ping>().start(ctx, vec![]).unwrap().run().await.unwrap();
    assert_eq!(result.metadata["encoding"], b"binary/null");
}
