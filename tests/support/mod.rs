//! Helpers shared by the behaviour tests.

#![allow(dead_code)]

pub mod logs;
