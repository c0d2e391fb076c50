//! End-to-end tests of login.

#[allow(unused_imports)]
use crate::support::*;
