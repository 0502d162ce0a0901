//! How activities are gathered: by name with `activity_set!`, or all at once with
//! `all_activities()`, and how the companion sits beside the function.

use activity_runtime::definition::{Activity, ActivityDefinition, Execution};
use activity_runtime::{activity, activity_set, all_activities};

#[activity(name = "your_activity")]
async fn your_activity(name: String) -> String {
    format!("Hello, {name}!")
}

mod billing {
    #[activity_runtime::activity]
    pub fn compute_total(prices: Vec<u64>) -> u64 {
        prices.iter().sum()
    }
}

#[test]
fn activities_macro_keeps_the_listed_order_and_accepts_paths() {
    let set = activity_set![billing::compute_total, your_activity,];
    assert_eq!(
        set.names().collect::<Vec<_>>(),
        ["compute_total", "your_activity"]
    );
    let total = set.get("compute_total").unwrap();
    assert_eq!(total.execution(), Execution::Blocking);
    assert_eq!(total.function(), "registration::billing::compute_total");
}

#[test]
fn all_activities_collects_every_annotated_function_sorted_by_name() {
    let names = all_activities().names().collect::<Vec<_>>();
    assert_eq!(names, ["compute_total", "your_activity"]);
}

#[tokio::test]
async fn the_function_stays_callable_beside_its_companion() {
    assert_eq!(your_activity("World".into()).await, "Hello, World!");
    assert_eq!(billing::compute_total(vec![1, 2]), 3);
    assert_eq!(<your_activity as Activity>::NAME, "your_activity");
    assert_eq!(
        ActivityDefinition::of::<your_activity>().name(),
        "your_activity"
    );
}
