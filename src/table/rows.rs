//! Row classification.
