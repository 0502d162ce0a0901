// An `ActivityContext` first parameter, under any path, is passed through and not decoded.
use activity_runtime::testing::ActivityEnvironment;
use activity_runtime::{ActivityContext, activity, activity_set};
use activity_runtime::context::ActivityInfo;

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
    let mut info = ActivityInfo::new("ignored");
    info.attempt = 3;
    let env = ActivityEnvironment::builder(activity_set![whoami, blocking_whoami])
        .info(info)
        .build()
        .unwrap();
    assert_eq!(env.run(whoami::ACTIVITY, ("!".into(),)).await.unwrap(), "whoami#3!");
    assert!(!env.run(blocking_whoami::ACTIVITY, ()).await.unwrap());
}
