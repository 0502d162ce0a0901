use activity_runtime::activity;

#[activity]
async fn first_word<'a>(text: std::borrow::Cow<'a, str>) -> String {
    text.split(' ').next().unwrap_or_default().to_string()
}

fn main() {}
