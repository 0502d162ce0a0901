// `State<T>` parameters in any position after the context, and an `#[activities]` impl block
// with both receivers, a renamed method, an associated function and a plain helper.
use std::sync::Arc;

use activity_runtime::testing::ActivityEnvironment;
use activity_runtime::{ActivityContext, ActivitySet, State, activities, activity, activity_set};

struct Greeting(&'static str);

#[activity]
async fn greet(ctx: ActivityContext, name: String, greeting: State<Greeting>, punctuation: String) -> String {
    format!("{}, {name}{punctuation} #{}", greeting.0, ctx.info().attempt)
}

struct Shop {
    name: String,
}

#[activities]
impl Shop {
    fn label(&self, item: &str) -> String {
        format!("{}: {item}", self.name)
    }

    #[activity]
    async fn sell(&self, item: String) -> String {
        self.label(&item)
    }

    #[activity(name = "shop_restock")]
    fn restock(self: Arc<Self>, item: String, count: u32) -> String {
        format!("{} x{count}", self.label(&item))
    }

    #[activity]
    async fn open_hours() -> String {
        "9-5".into()
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let set = activity_set![greet].merge(ActivitySet::from_instance(Shop { name: "corner".into() }));
    let env = ActivityEnvironment::builder(set).state(Greeting("Hello")).build().unwrap();
    assert_eq!(env.run(greet::ACTIVITY, ("World".into(), "!".into())).await.unwrap(), "Hello, World! #1");
    let sold = env.run_payloads("sell", vec![activity_runtime::payload::encode("tea").unwrap()]).await.unwrap();
    assert_eq!(activity_runtime::payload::decode::<String>(&sold).unwrap(), "corner: tea");
    assert!(env.run_payloads("shop_restock", vec![
        activity_runtime::payload::encode("tea").unwrap(),
        activity_runtime::payload::encode(&3).unwrap(),
    ]).await.is_ok());
    assert!(env.run_payloads("open_hours", vec![]).await.is_ok());
}
