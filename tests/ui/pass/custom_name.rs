// The seed's activity, named as in Python's `@activity.defn(name="your_activity")`, runs.
use activity_runtime::{Activity, ActivityContext, ActivityDefinition, ActivityInfo, Execution, activity, payload};
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
    let ctx = ActivityContext::new(ActivityInfo::new("your_activity"));
    let call = ActivityDefinition::of::<your_activity>()
        .start(ctx, vec![payload::encode(&input).unwrap()])
        .unwrap();
    let result = call.run().await.unwrap();
    assert_eq!(payload::decode::<String>(&result).unwrap(), "Hello, World!");
}
