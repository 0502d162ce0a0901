use activity_runtime::activity;

#[activity(name = "a", name = "b")]
async fn your_activity() {}

fn main() {}
