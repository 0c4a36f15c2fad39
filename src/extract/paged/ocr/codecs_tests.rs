use super::*;
use crate::config::Limits;
