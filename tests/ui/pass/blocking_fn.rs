// A plain `fn` is a blocking activity, run off the async executor.
use activity_runtime::testing::ActivityEnvironment;
use activity_runtime::{activity, activity_set};
use activity_runtime::definition::{Activity, Execution};

#[activity]
fn checksum(data: String) -> u32 {
    std::thread::sleep(std::time::Duration::from_millis(1));
    data.bytes().map(u32::from).sum()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    assert_eq!(<checksum as Activity>::EXECUTION, Execution::Blocking);
    let env = ActivityEnvironment::new(activity_set![checksum]).unwrap();
    assert_eq!(env.run(checksum::ACTIVITY, ("ab".into(),)).await.unwrap(), 97 + 98);
}
