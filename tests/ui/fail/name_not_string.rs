use activity_runtime::activity;

#[activity(name = your_activity)]
async fn your_activity() {}

fn main() {}
