// An `ActivityContext` first parameter, under any path, is passed through and not decoded.
use activity_runtime::{ActivityContext, ActivityDefinition, ActivityInfo, activity, payload};

#[activity]
async fn whoami(ctx: ActivityContext, suffix: String) -> String {
    format!("{}#{}{suffix}", ctx.info().activity_type, ctx.info().attempt)
}

#[activity]
fn blocking_whoami(ctx: activity_runtime::context::ActivityContext) -> bool {
    ctx.is_cancelled()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut info = ActivityInfo::new("whoami");
    info.attempt = 3;
    let ctx = ActivityContext::new(info);
    let call = ActivityDefinition::of::<whoami>().start(ctx, vec![payload::encode("!").unwrap()]).unwrap();
    assert_eq!(payload::decode::<String>(&call.run().await.unwrap()).unwrap(), "whoami#3!");

    let ctx = ActivityContext::new(ActivityInfo::new("blocking_whoami"));
    ctx.cancel();
    let call = ActivityDefinition::of::<blocking_whoami>().start(ctx, vec![]).unwrap();
    assert!(payload::decode::<bool>(&call.run().await.unwrap()).unwrap());
}
