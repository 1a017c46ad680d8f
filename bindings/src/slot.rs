//! [`Slot`]: a value an exported object holds until `close()`.
//!
//! Calls clone the value out under a short read lock and work without
//! holding it, so calls from many threads run side by side and `close()`
//! never waits for one; a call already running finishes with its clone.

use std::sync::{PoisonError, RwLock};

use crate::HearthError;

pub(crate) struct Slot<T>(RwLock<Option<T>>);

impl<T: Clone> Slot<T> {
    pub(crate) fn new(value: T) -> Self {
        Slot(RwLock::new(Some(value)))
    }

    /// The value, or [`HearthError::Closed`] naming `object`.
    pub(crate) fn get(&self, object: &str) -> Result<T, HearthError> {
        self.0
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .ok_or_else(|| HearthError::Closed { object: object.to_owned() })
    }

    /// Drops the value; later calls see `Closed`.
    pub(crate) fn close(&self) {
        self.0.write().unwrap_or_else(PoisonError::into_inner).take();
    }
}
