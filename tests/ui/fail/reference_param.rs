use activity_runtime::activity;

#[activity]
async fn greet(name: &str, tags: &[String]) -> String {
    format!("Hello, {name}! {}", tags.len())
}

fn main() {}
