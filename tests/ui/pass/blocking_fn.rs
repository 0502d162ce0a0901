// A plain `fn` is a blocking activity, run off the async executor.
use activity_runtime::{Activity, ActivityContext, ActivityDefinition, ActivityInfo, Execution, activity, payload};

#[activity]
fn checksum(data: String) -> u32 {
    std::thread::sleep(std::time::Duration::from_millis(1));
    data.bytes().map(u32::from).sum()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    assert_eq!(<checksum as Activity>::EXECUTION, Execution::Blocking);
    let ctx = ActivityContext::new(ActivityInfo::new("checksum"));
    let call = ActivityDefinition::of::<checksum>()
        .start(ctx, vec![payload::encode("ab").unwrap()])
        .unwrap();
    assert_eq!(call.execution(), Execution::Blocking);
    let result = call.run().await.unwrap();
    assert_eq!(payload::decode::<u32>(&result).unwrap(), 97 + 98);
}
