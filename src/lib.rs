//! # genauth-wxapp-sdk
//!
//! The core of the GenAuth authentication SDK for WeChat mini programs. It holds all the
//! knowledge about GenAuth's protocol — option validation, URLs, headers, request bodies,
//! response envelopes, error codes, the session record and its storage format, token
//! payload reading — and **does no I/O**:
//!
//! - it sends no request: [`Client::prepare`] returns the [`HttpRequest`] to send and
//!   [`Client::complete`] takes the reply the host got;
//! - it touches no storage: the host passes the stored session text in and makes the
//!   [`StorageWrite`]s an [`Outcome`] lists;
//! - it reads no clock and draws no randomness: the host passes `now` in.
//!
//! ```text
//! page code ─► AuthenticationClient (JS shim) ──prepare──► Client (this crate, in wasm)
//!                  │    ▲                      ◄─ HttpRequest or Outcome
//!                  ▼    │
//!       wx.request / wx.login / storage     ──complete──► Outcome (result + storage writes)
//! ```
//!
//! The wasm boundary is one file, `src/wasm.rs` (only built for `wasm32`), with one
//! `prepare` and one `complete` crossing per network round trip.
#![warn(missing_docs, missing_debug_implementations)]

pub mod client;
pub mod error;
pub mod http;
pub mod json;
pub mod jwt;
pub mod options;
pub mod protocol;
pub mod session;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use client::{Client, LoginByCodeArgs, OpKind, Operation, Outcome, Reply, Step, StorageWrite};
pub use error::{Error, ErrorCode};
pub use http::{HttpRequest, HttpResponse, Method, TransportFailure};
pub use options::{ClientOptions, Lang, RawOptions};
