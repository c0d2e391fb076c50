//! (tests land in the next milestone)
