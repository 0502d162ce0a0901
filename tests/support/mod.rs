//! Helpers shared by the behaviour and end-to-end tests.

#![allow(dead_code)]

pub mod calls;
pub mod cli;
pub mod deadline;
pub mod fault_proxy;
pub mod grpc_proxy;
pub mod logs;
pub mod otlp;
pub mod peers;
pub mod process;
pub mod records;
pub mod seed;
pub mod server;
pub mod tls;
pub mod worker_process;
