//! End-to-end tests of interop.

#[allow(unused_imports)]
use crate::support::*;
