use activity_runtime::activity;

struct State<T>(T);

#[activity]
async fn uses_own_state(db: State<String>) {}

fn main() {}
