#[allow(clippy::needless_pass_by_value)]
async fn whoami(ctx: ActivityContext, suffix: String) -> Result<String, ActivityError> {
    Ok(format!("{}{suffix}", ctx.info().activity_id))
}
#[doc(hidden)]
#[allow(non_camel_case_types)]
struct whoami {}
const _: () = {
    impl ::activity_runtime::__private::Activity for whoami {
        type Input = (String,);
        type Output = String;
        const NAME: &'static str = "whoami";
        const EXECUTION: ::activity_runtime::__private::Execution = ::activity_runtime::__private::Execution::Async;
        const FUNCTION: &'static str = ::core::concat!(
            ::core::module_path!(), "::", ::core::stringify!(whoami)
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
            let __activity_parameter0 = ::core::clone::Clone::clone(&__activity_context);
            let __activity_parameter1 = __activity_arguments.next::<String>("suffix")?;
            __activity_arguments.finish()?;
            ::core::result::Result::Ok(
                ::activity_runtime::__private::Invocation::from_future(
                    whoami(__activity_parameter0, __activity_parameter1),
                    |__activity_output| ::activity_runtime::__private::finish_result::<
                        String,
                        ActivityError,
                    >(__activity_output),
                ),
            )
        }
    }
    impl whoami {
        ///The activity `whoami`, as the official SDK's workflows and clients name activities (`ctx.start_activity`, `Client::start_activity`), and as `client::execute_activity` takes it.
        const ACTIVITY: ::activity_runtime::__private::Typed<whoami> = ::activity_runtime::__private::Typed::new();
    }
    ::activity_runtime::__private::inventory::submit! {
        ::activity_runtime::__private::ActivityDefinition::of:: < whoami > ()
    }
};
