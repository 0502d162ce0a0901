use activity_runtime::activity;

#[activity(nmae = "your_activity")]
async fn your_activity() {}

fn main() {}
