use activity_runtime::activity;

#[activity(name = "")]
async fn your_activity() {}

fn main() {}
