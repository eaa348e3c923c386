//! # genauth-wxapp-sdk
//!
//! The core of the GenAuth authentication SDK for WeChat mini programs. It holds all the
//! knowledge about GenAuth's protocol — option validation, URLs, headers, request bodies,
//! response envelopes, error codes, the session and its storage format, token payload
//! reading — and **does no I/O**:
//!
//! - it sends nothing: [`Client::prepare`] returns the request to send ([`Step::Send`]) and
//!   [`Client::complete`] takes the answer the host got;
//! - it touches no storage: the host passes in what storage holds and makes the
//!   [`Write`]s an [`Outcome`] lists;
//! - it reads no clock and draws no randomness: the host passes `now` in, and the random
//!   bytes the password encryption ([`rsa`]) pads with;
//! - it asks the host for what only the host can get ([`Step::Need`]: a `wx.login` code, a
//!   stored value, random bytes, an image the user picks, a file upload) and goes on when the
//!   host supplies it ([`Client::supply`]).
//!
//! ```text
//! page code ─► AuthenticationClient (JS shim) ──prepare(op, args)──► engine + operation table
//!                  │    ▲                        ◄─ {id, request} | {id, need} | outcome
//!                  ▼    │
//!       wx.request / wx.login / storage     ──complete(id, answer)──► next step or outcome
//! ```
//!
//! Every public method is one entry of the operation table ([`ops::OPERATIONS`]) run by one
//! engine ([`engine`]). The server's JSON is parsed by the host (natively, `wx.request` with
//! `dataType: 'json'`); the core reads the few fields it decides on from the host's value
//! ([`host`]) and passes the rest through. The wasm boundary is one file, `src/wasm.rs` (only
//! built for `wasm32`).
#![warn(missing_docs, missing_debug_implementations)]

pub mod args;
pub mod engine;
pub mod error;
pub mod host;
pub mod jwt;
pub mod ops;
pub mod options;
pub mod out;
pub mod protocol;
pub mod rsa;
pub mod session;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use engine::{Client, Failure, Outcome, Reply, Step};
pub use error::{Error, ErrorCode};
pub use options::{ClientOptions, Lang};
pub use out::{Method, Out, Request, Write};
pub use session::Ledger;
