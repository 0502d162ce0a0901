#[allow(clippy::needless_pass_by_value)]
async fn greet(name: String) -> String {
    name
}
#[doc(hidden)]
#[allow(non_camel_case_types)]
struct greet {}
const _: () = {
    impl ::activity_runtime::__private::Activity for greet {
        type Input = (String,);
        type Output = String;
        const NAME: &'static str = "greet";
        const EXECUTION: ::activity_runtime::__private::Execution = ::activity_runtime::__private::Execution::Async;
        const FUNCTION: &'static str = ::core::concat!(
            ::core::module_path!(), "::", ::core::stringify!(greet)
        );
        const DYNAMIC: bool = false;
        const STATE: &'static [::activity_runtime::__private::StateRequirement] = &[];
        #[allow(unused_mut, unused_variables)]
        fn start(
            __activity_context: ::activity_runtime::__private::ActivityContext,
            mut __activity_arguments: ::activity_runtime::__private::Arguments,
        ) -> ::core::result::Result<
            ::activity_runtime::__private::Invocation,
            ::activity_runtime::__private::ActivityError,
        > {
            {
                #[allow(unused_imports)]
                use ::activity_runtime::__private::{
                    PlainValue as _, ResultBehindAlias as _,
                };
                ::activity_runtime::__private::require_plain_value(
                    (&::activity_runtime::__private::Probe::<String>::new()).verdict(),
                );
            }
            let __activity_parameter0 = __activity_arguments.next::<String>("name")?;
            __activity_arguments.finish()?;
            ::core::result::Result::Ok(
                ::activity_runtime::__private::Invocation::from_future(
                    greet(__activity_parameter0),
                    ::activity_runtime::__private::finish_value::<String>,
                ),
            )
        }
    }
    impl greet {
        ///The activity `greet`, as the official SDK's workflows and clients name activities (`ctx.start_activity`, `Client::start_activity`), and as `client::execute_activity` takes it.
        const ACTIVITY: ::activity_runtime::__private::Typed<greet> = ::activity_runtime::__private::Typed::new();
    }
    ::activity_runtime::__private::inventory::submit! {
        ::activity_runtime::__private::ActivityDefinition::of:: < greet > ()
    }
};
::core::compile_error! {
    "Unknown field: `nmae`. Did you mean `name`?"
}
