//! Header rows and column roles.
