#[allow(clippy::needless_pass_by_value)]
#[cfg(feature = "billing")]
async fn charge(
    YourParams { card, .. }: YourParams,
    cents: u64,
) -> anyhow::Result<Receipt> {
    todo!()
}
#[cfg(feature = "billing")]
#[doc(hidden)]
#[allow(non_camel_case_types)]
struct charge {}
#[cfg(feature = "billing")]
const _: () = {
    impl my_runtime::__private::Activity for charge {
        type Input = (YourParams, u64);
        type Output = Receipt;
        const NAME: &'static str = "charge";
        const EXECUTION: my_runtime::__private::Execution = my_runtime::__private::Execution::Async;
        const FUNCTION: &'static str = ::core::concat!(
            ::core::module_path!(), "::", ::core::stringify!(charge)
        );
        const DYNAMIC: bool = false;
        const STATE: &'static [my_runtime::__private::StateRequirement] = &[];
        #[allow(unused_mut, unused_variables)]
        fn start(
            __activity_context: my_runtime::__private::ActivityContext,
            mut __activity_arguments: my_runtime::__private::Arguments,
        ) -> ::core::result::Result<
            my_runtime::__private::Invocation,
            my_runtime::__private::ActivityError,
        > {
            let __activity_parameter0 = __activity_arguments.next::<YourParams>("")?;
            let __activity_parameter1 = __activity_arguments.next::<u64>("cents")?;
            __activity_arguments.finish()?;
            ::core::result::Result::Ok(
                my_runtime::__private::Invocation::from_future(
                    charge(__activity_parameter0, __activity_parameter1),
                    |__activity_output| my_runtime::__private::finish_result::<
                        Receipt,
                        _,
                    >(__activity_output),
                ),
            )
        }
    }
    impl charge {
        ///The activity `charge`, as the official SDK's workflows and clients name activities (`ctx.start_activity`, `Client::start_activity`), and as `client::execute_activity` takes it.
        const ACTIVITY: my_runtime::__private::Typed<charge> = my_runtime::__private::Typed::new();
    }
    my_runtime::__private::inventory::submit! {
        my_runtime::__private::ActivityDefinition::of:: < charge > ()
    }
};
