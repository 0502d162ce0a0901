use activity_runtime::activity;

struct Receipt {
    id: u64,
}

#[activity]
fn ship(id: u64) -> Receipt {
    Receipt { id }
}

#[activity]
async fn ship_fallible(id: u64) -> Result<Receipt, std::io::Error> {
    Ok(Receipt { id })
}

fn main() {}
