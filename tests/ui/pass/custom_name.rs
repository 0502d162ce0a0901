// The seed's activity, named as in Python's `@activity.defn(name="your_activity")`, runs.
use activity_runtime::testing::ActivityEnvironment;
use activity_runtime::{activity, activity_set};
use activity_runtime::definition::{Activity, Execution};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
pub struct YourParams {
    pub greeting: String,
    pub name: String,
}

#[activity(name = "your_activity")]
pub async fn your_activity(input: YourParams) -> String {
    format!("{}, {}!", input.greeting, input.name)
}

#[tokio::main]
async fn main() {
    assert_eq!(<your_activity as Activity>::NAME, "your_activity");
    assert_eq!(<your_activity as Activity>::EXECUTION, Execution::Async);
    let input = YourParams { greeting: "Hello".into(), name: "World".into() };
    let env = ActivityEnvironment::new(activity_set![your_activity]).unwrap();
    assert_eq!(env.run(your_activity::ACTIVITY, (input,)).await.unwrap(), "Hello, World!");
}
