impl Shop {
    #[allow(clippy::needless_pass_by_value)]
    async fn sell(&self, item: String) -> String {
        item
    }
}
const _: () = {
    #[allow(non_camel_case_types)]
    struct __activity_sell {}
    impl Shop {
        ///The activity `sell`, as the official SDK's workflows and clients name activities (`ctx.start_activity`, `Client::start_activity`), and as `client::execute_activity` takes it.
        const SELL: rt::__private::Typed<__activity_sell> = rt::__private::Typed::new();
    }
    impl rt::__private::Activity for __activity_sell {
        type Input = (String,);
        type Output = String;
        const NAME: &'static str = "sell";
        const EXECUTION: rt::__private::Execution = rt::__private::Execution::Async;
        const FUNCTION: &'static str = ::core::concat!(
            ::core::module_path!(), "::", ::core::stringify!(Shop), "::",
            ::core::stringify!(sell)
        );
        const DYNAMIC: bool = false;
        const STATE: &'static [rt::__private::StateRequirement] = &[
            rt::__private::StateRequirement::of::<Shop>(),
        ];
        #[allow(unused_mut, unused_variables)]
        fn start(
            __activity_context: rt::__private::ActivityContext,
            mut __activity_arguments: rt::__private::Arguments,
        ) -> ::core::result::Result<
            rt::__private::Invocation,
            rt::__private::ActivityError,
        > {
            {
                #[allow(unused_imports)]
                use rt::__private::{PlainValue as _, ResultBehindAlias as _};
                rt::__private::require_plain_value(
                    (&rt::__private::Probe::<String>::new()).verdict(),
                );
            }
            let __activity_instance = <rt::__private::State<
                Shop,
            > as rt::__private::StateParameter>::from_context(&__activity_context)?
                .into_arc();
            let __activity_parameter0 = __activity_arguments.next::<String>("item")?;
            __activity_arguments.finish()?;
            ::core::result::Result::Ok(
                rt::__private::Invocation::from_future(
                    async move {
                        <Shop>::sell(&*__activity_instance, __activity_parameter0).await
                    },
                    rt::__private::finish_value::<String>,
                ),
            )
        }
    }
    impl rt::__private::ActivityImpl for Shop {
        #[allow(clippy::vec_init_then_push)]
        fn definitions() -> ::std::vec::Vec<rt::__private::ActivityDefinition> {
            let mut __activity_definitions = ::std::vec::Vec::new();
            __activity_definitions
                .push(rt::__private::ActivityDefinition::of::<__activity_sell>());
            __activity_definitions
        }
    }
};
