//! Nothing lost when a worker dies: kills, signals, panics, poll failures, a server restart,
//! hostile input and load, with worker processes and execution records that prove where each
//! fault hit.

mod bad_input;
mod faults;
mod load;
mod network;
mod poll_failure;
mod server_restart;
mod shutdown;
