//! Database access from handlers: transactions run off the async workers,
//! with the handlers' own error type.

use actix_web::web;
use followup_store::{DbConnection, FactsTx};

use crate::error::ApiError;
use crate::state::AppState;

/// Runs `f` in a read transaction on a blocking thread.
pub async fn read<T: Send + 'static>(
    state: &web::Data<AppState>,
    f: impl FnOnce(&AppState, &mut DbConnection) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let state = state.clone();
    web::block(move || state.store.read(|conn| f(&state, conn))).await?
}

/// Runs `f` in a write transaction off the async workers (on SQLite, by
/// the writer thread, committed in a group): for accounts and tokens,
/// which the engine does not read and which bump nothing.
pub async fn write<T: Send + 'static>(
    state: &web::Data<AppState>,
    f: impl FnOnce(&AppState, &mut DbConnection) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let handle = state.clone();
    state.store.write_async(move |conn| f(&handle, conn)).await
}

/// Runs `f` in a write transaction through the store's one write door for
/// the seekers' facts (see `followup_store::FactsTx`): everything the
/// cadence engine reads is written here, and each seeker it writes for is
/// locked and has its facts revision bumped exactly once.
pub async fn write_facts<T: Send + 'static>(
    state: &web::Data<AppState>,
    f: impl FnOnce(&AppState, &mut FactsTx<'_>) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let handle = state.clone();
    state
        .store
        .write_facts_async(move |tx| f(&handle, tx))
        .await
}
