use activity_runtime::activity;

#[derive(Debug)]
struct NotAnError;

#[activity]
async fn ship(_id: u64) -> Result<u64, NotAnError> {
    Err(NotAnError)
}

fn main() {}
