use activity_runtime::activity;

#[activity(name = "__temporal_mine")]
async fn mine() {}

fn main() {}
