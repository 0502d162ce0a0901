// Without `name`, the activity type is the function's name, as in Python.
use activity_runtime::activity;
use activity_runtime::definition::Activity;

#[activity]
async fn compute_total(prices: Vec<u64>) -> u64 {
    prices.iter().sum()
}

// A raw identifier names the activity without its `r#`.
#[activity]
fn r#type(value: String) -> String {
    value
}

fn main() {
    assert_eq!(<compute_total as Activity>::NAME, "compute_total");
    assert_eq!(<r#type as Activity>::NAME, "type");
}
