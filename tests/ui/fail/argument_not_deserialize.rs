use activity_runtime::activity;

struct Order {
    id: u64,
}

#[activity]
async fn ship(_order: Order) {}

fn main() {}
