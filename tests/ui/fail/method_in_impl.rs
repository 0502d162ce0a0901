use activity_runtime::activity;

struct Greeter;

impl Greeter {
    #[activity]
    async fn greet(name: String) -> String {
        format!("Hello, {name}!")
    }
}

fn main() {}
