//! An activity as the official Rust SDK names one: [`Typed<A>`], which implements
//! `temporalio_common::ActivityDefinition` whenever `A`'s types allow it.

use std::marker::PhantomData;

use temporalio_common::data_converters::{
    MultiArgs2, MultiArgs3, MultiArgs4, MultiArgs5, MultiArgs6, TemporalDeserializable,
    TemporalSerializable,
};

use super::Activity;

/// Activity `A`, named the way the official SDK's workflows and clients name activities.
/// `#[activity]` makes one for each function, as the constant `your_activity::ACTIVITY`, and
/// for each method of an `#[activities]` block, as `YourType::METHOD_NAME` (upper case).
///
/// It implements the official `ActivityDefinition` when its types allow it: the official trait
/// needs every argument and the result to both serialize and deserialize, where an activity
/// needs only the direction it uses (arguments `Deserialize`, result `Serialize`). The impl is
/// generic over `A` with those bounds, so an activity whose result only serializes still
/// compiles, and simply cannot be called through the official API; nothing is generated or
/// checked for it. Arguments travel as the official SDK sends them: none for no arguments, the
/// value itself for one, `MultiArgs2` to `MultiArgs6` (one payload each) for two to six.
///
/// ```
/// use activity_runtime::activity;
/// use activity_runtime::definition::Typed;
/// use temporalio_common::ActivityDefinition;
/// use temporalio_common::data_converters::MultiArgs2;
///
/// #[activity]
/// async fn compute_total(prices: Vec<u64>, discount_percent: u64) -> u64 {
///     prices.iter().sum::<u64>() * (100 - discount_percent) / 100
/// }
///
/// fn input_of<D: ActivityDefinition>(_: &D) -> std::marker::PhantomData<D::Input> {
///     std::marker::PhantomData
/// }
/// let definition: Typed<compute_total> = compute_total::ACTIVITY;
/// assert_eq!(definition.name(), "compute_total");
/// let _: std::marker::PhantomData<MultiArgs2<Vec<u64>, u64>> = input_of(&definition);
/// ```
pub struct Typed<A>(PhantomData<fn() -> A>);

impl<A> Typed<A> {
    /// The typed name of activity `A`.
    pub const fn new() -> Self {
        Self(PhantomData)
    }
}

impl<A> Default for Typed<A> {
    fn default() -> Self {
        Self::new()
    }
}

impl<A> Clone for Typed<A> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<A> Copy for Typed<A> {}

impl<A: Activity> std::fmt::Debug for Typed<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Typed({})", A::NAME)
    }
}

impl<A: Activity> Typed<A> {
    /// The activity type name.
    pub fn name(&self) -> &'static str {
        A::NAME
    }
}

impl<A> temporalio_common::ActivityDefinition for Typed<A>
where
    A: Activity,
    A::Input: OfficialArguments,
    <A::Input as OfficialArguments>::Input: TemporalSerializable + TemporalDeserializable + 'static,
    A::Output: TemporalSerializable + TemporalDeserializable + 'static,
{
    type Input = <A::Input as OfficialArguments>::Input;
    type Output = A::Output;

    fn name(&self) -> &str {
        A::NAME
    }
}

/// The official SDK's form of an activity's arguments, given as our tuple: `()` for none, the
/// value for one, `MultiArgsN` for two to six (the official SDK has no form for more).
pub trait OfficialArguments {
    /// The official form.
    type Input;
}

impl OfficialArguments for () {
    type Input = ();
}

impl<A> OfficialArguments for (A,) {
    type Input = A;
}

macro_rules! multi_args {
    ($($name:ident($($ty:ident),+);)+) => {$(
        impl<$($ty),+> OfficialArguments for ($($ty,)+) {
            type Input = $name<$($ty),+>;
        }
    )+};
}

multi_args! {
    MultiArgs2(A, B);
    MultiArgs3(A, B, C);
    MultiArgs4(A, B, C, D);
    MultiArgs5(A, B, C, D, E);
    MultiArgs6(A, B, C, D, E, F);
}
