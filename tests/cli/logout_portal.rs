//! End-to-end tests of logout_portal.

#[allow(unused_imports)]
use crate::support::*;
