//! The one engine: it runs every operation of the table ([`crate::ops`]) the same way.
//!
//! A call goes: [`Client::prepare`] → (the host asks for what [`Step::Need`] says, then
//! [`Client::supply`]) → the host sends [`Step::Send`]'s request → [`Client::complete`] (or
//! [`Client::fail`]) → another step, or [`Step::Done`] with the result and the storage writes
//! to make. Each call has an id, and the core remembers per id what its request was sent
//! with (above all the session token), so an answer is judged against the session it
//! belongs to, however late it arrives (see [`crate::session`] for the rules).

use std::cell::RefCell;
use std::rc::Rc;

use crate::args::{read_args, Arg, ParamKind};
use crate::error::{sanitize, Error, ErrorCode};
use crate::host::{self, Kind, Passed, Raw};
use crate::jwt::Claims;
use crate::ops::{self, Attempt, Base, Call, Effect, LoggedOut, Need, Next, Op, Pick, SessionUse};
use crate::options::{ClientOptions, Lang};
use crate::out::{Method, Out, Request, Write};
use crate::protocol::{self, Answer, Transport};
use crate::rsa::{base64_encode, EncryptError, PublicKey};
use crate::session::{self, Ledger, TokenMemo};

/// The most calls in flight per client; past it the oldest is forgotten (its answer is then
/// refused with `INTERNAL`), so a host that never answers cannot grow memory without bound.
const MAX_PENDING: usize = 1024;
/// The longest host message (`errMsg`) kept in an error.
const MAX_HOST_DETAIL: usize = 200;

/// What the host should do next.
#[derive(Debug)]
pub enum Step {
    /// Send `request` with `wx.request`, then call [`Client::complete`] or [`Client::fail`].
    Send {
        /// The call's id.
        id: u32,
        /// The request.
        request: Request,
        /// For calls that may share one flight: the key to share it under.
        share: Option<&'static str>,
    },
    /// Get what `need` says, then call [`Client::supply`] (or [`Client::fail`]).
    Need {
        /// The call's id.
        id: u32,
        /// What is needed.
        need: Need,
        /// For calls that may share one flight: the key to share it under.
        share: Option<&'static str>,
    },
    /// Finished.
    Done(Outcome),
}

/// How a call ended: its result and the storage writes to make.
///
/// The writes are to be made whether the result is a success or a failure; a failure never
/// asks to remove a valid session.
#[derive(Debug)]
pub struct Outcome {
    /// The value to resolve with, or the error to reject with.
    pub result: Result<Out, Error>,
    /// Storage writes, in order.
    pub writes: Vec<Write>,
}

impl Outcome {
    fn value(value: Out) -> Outcome {
        Outcome {
            result: Ok(value),
            writes: Vec::new(),
        }
    }

    fn error(error: Error) -> Outcome {
        Outcome {
            result: Err(error),
            writes: Vec::new(),
        }
    }
}

/// The host's answer to a request.
#[derive(Clone, Copy, Debug)]
pub struct Reply<'a> {
    /// The HTTP status.
    pub status: u16,
    /// The body as `wx.request` parsed it (`dataType: 'json'`): an object, or the text.
    pub body: &'a Raw,
    /// The response headers (`res.header`), for the server's `Date`.
    pub header: &'a Raw,
}

/// Why the host could not do what a step asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// No answer within the timeout.
    Timeout,
    /// The connection failed or was dropped.
    Network,
    /// `wx.login` failed.
    WxLogin,
    /// Storage could not be read.
    Storage,
    /// The user cancelled (choosing an image).
    Cancelled,
    /// No random bytes (`wx.getRandomValues` missing or failing).
    Random,
    /// Storage refused a session write; the host holds the session in memory instead.
    Held,
    /// The file to upload is not there (a stale temp path): the argument is wrong.
    File,
}

impl Failure {
    /// The failure a host names with `kind` (`"timeout"`, `"network"`, `"wxLogin"`,
    /// `"storage"`, `"cancel"`, `"random"`, `"held"`, `"file"`); anything else is a network
    /// failure.
    pub fn from_name(kind: &str) -> Failure {
        match kind {
            "timeout" => Failure::Timeout,
            "wxLogin" => Failure::WxLogin,
            "storage" => Failure::Storage,
            "cancel" => Failure::Cancelled,
            "random" => Failure::Random,
            "held" => Failure::Held,
            "file" => Failure::File,
            _ => Failure::Network,
        }
    }

    /// The error code of this failure.
    pub fn code(self) -> ErrorCode {
        match self {
            Failure::Timeout => ErrorCode::Timeout,
            Failure::Network => ErrorCode::NetworkError,
            Failure::WxLogin => ErrorCode::WxLoginFailed,
            Failure::Storage | Failure::Held => ErrorCode::StorageFailed,
            Failure::Cancelled => ErrorCode::Cancelled,
            Failure::Random => ErrorCode::EncryptionFailed,
            Failure::File => ErrorCode::InvalidArgument,
        }
    }
}

/// A call in flight.
#[derive(Debug)]
struct Pending {
    id: u32,
    op: &'static Op,
    args: Vec<Arg>,
    /// The session token the request was (or will be) sent with.
    sent: Option<Passed>,
    attempt: u8,
    supplied: bool,
    waiting: Option<Need>,
    /// When the call started (the host's clock, ms).
    started: f64,
    /// Whether the request in flight is the public-key fetch that comes before the call's own.
    fetching_key: bool,
}

/// `GET {appHost}/api/v2/.well-known`: GenAuth's password public key (`data.publicKey`).
const WELL_KNOWN_PATH: &str = "/api/v2/.well-known";

/// What an operation's functions see of the client and the call.
#[derive(Debug)]
pub struct Ctx<'a> {
    client: &'a Client,
    token: Option<&'a Passed>,
    now: f64,
    /// When the call started (the host's clock, ms).
    started: f64,
}

impl Ctx<'_> {
    /// The client's language.
    pub fn lang(&self) -> Lang {
        self.client.options.lang
    }

    /// The application id.
    pub fn app_id(&self) -> &str {
        &self.client.options.app_id
    }

    /// The storage key of the user copy.
    pub fn user_key(&self) -> Rc<str> {
        self.client.user_key.clone()
    }

    /// The session token of this call, if any.
    pub fn token(&self) -> Option<&Passed> {
        self.token
    }

    /// The claims of the session token (decoded once per token value).
    pub fn claims(&self) -> Claims {
        match self.token {
            Some(token) => TokenMemo::claims(&self.client.memo, token),
            None => Claims::default(),
        }
    }

    /// The server's time now, as last seen.
    pub fn server_now(&self) -> f64 {
        self.client.ledger.server_now(self.now)
    }

    /// The host's time now (ms).
    pub fn now(&self) -> f64 {
        self.now
    }

    /// When the call started (the host's clock, ms).
    pub fn started(&self) -> f64 {
        self.started
    }

    /// `host`, without a trailing `/`.
    pub fn host(&self) -> &str {
        &self.client.options.host
    }

    /// The session user's id (the token's `sub`, else `data.id`), if there is a session.
    pub fn user_id(&self) -> Option<String> {
        self.claims().user_id
    }

    /// An error of the host's own (its `errMsg` kept, cleaned and short).
    pub fn host_error(&self, code: ErrorCode, detail: &str) -> Error {
        self.client.host_error(code, detail)
    }
}

/// The core of one `AuthenticationClient`: validated options, the calls in flight, and the
/// engine that runs the operation table.
#[derive(Debug)]
pub struct Client {
    options: ClientOptions,
    token_key: Rc<str>,
    user_key: Rc<str>,
    legacy_token_key: Rc<str>,
    legacy_user_key: Rc<str>,
    graphql_url: Rc<str>,
    urls: RefCell<Vec<(Base, &'static str, Rc<str>)>>,
    ledger: Rc<Ledger>,
    memo: RefCell<Option<TokenMemo>>,
    pending: RefCell<Vec<Pending>>,
    /// The password public key: from the `publicKey` option, else fetched once.
    public_key: RefCell<Option<Rc<PublicKey>>>,
    /// The head of the public-key request, made once.
    key_head: RefCell<Option<Rc<Out>>>,
    /// Request heads already made, per operation and token: the same head serves every call
    /// until the token changes (and the host keeps what it built from it).
    heads: RefCell<Vec<Head>>,
}

/// A kept request head: its operation, the token it was made for, the head.
type Head = (&'static Op, Option<Passed>, Rc<Out>);

impl Client {
    /// A client for the options object the caller passed, sharing `ledger` with the other
    /// clients of the same wasm instance.
    pub fn new(options: &Raw, ledger: Rc<Ledger>) -> Result<Client, Error> {
        let options = ClientOptions::read(options)?;
        Ok(Client {
            token_key: Rc::from(session::token_key(&options.app_id)),
            user_key: Rc::from(session::user_key(&options.app_id)),
            legacy_token_key: Rc::from(session::LEGACY_TOKEN_KEY),
            legacy_user_key: Rc::from(session::LEGACY_USER_KEY),
            graphql_url: Rc::from(format!("{}{}", options.app_host, protocol::GRAPHQL_PATH)),
            urls: RefCell::new(Vec::new()),
            ledger,
            memo: RefCell::new(None),
            pending: RefCell::new(Vec::new()),
            public_key: RefCell::new(options.public_key.clone()),
            key_head: RefCell::new(None),
            heads: RefCell::new(Vec::new()),
            options,
        })
    }

    /// The storage keys the host reads at start, in the order [`Client::start`] takes them:
    /// this SDK's token, then `authing-wxapp-sdk`'s token and user. The first is also read
    /// before every call and after every answer.
    pub fn storage_keys(&self) -> [Rc<str>; 3] {
        [
            self.token_key.clone(),
            self.legacy_token_key.clone(),
            self.legacy_user_key.clone(),
        ]
    }

    /// Start-up, given what the three keys hold (`read_failed`: storage could not be read,
    /// which is not the same as empty). Seeds the session from the `token` option when none
    /// is stored, else adopts `authing-wxapp-sdk`'s. Returns the storage writes to make.
    pub fn start(
        &self,
        stored: &Raw,
        legacy_token: &Raw,
        legacy_user: &Raw,
        read_failed: bool,
        now_ms: f64,
    ) -> Vec<Write> {
        if read_failed || session::stored_token(stored).is_some() {
            return Vec::new();
        }
        if let Some(token) = &self.options.token {
            return self.session_writes(token.clone(), None);
        }
        match session::adopt_legacy(legacy_token, legacy_user, now_ms) {
            Some(adopted) => self.session_writes(adopted.token, adopted.user),
            None => Vec::new(),
        }
    }

    /// Begins the operation named `name` with the caller's arguments, given what storage
    /// holds under the token key now.
    pub fn prepare<R: std::borrow::Borrow<Raw>>(
        &self,
        name: &str,
        values: &[R],
        stored: &Raw,
        now: f64,
    ) -> Step {
        match ops::find(name) {
            Some(op) => self.prepare_op(op, values, stored, now),
            None => Step::Done(Outcome::error(self.internal("unknown operation"))),
        }
    }

    /// [`Client::prepare`] for an entry of the table itself.
    pub fn prepare_op<R: std::borrow::Borrow<Raw>>(
        &self,
        op: &'static Op,
        values: &[R],
        stored: &Raw,
        now: f64,
    ) -> Step {
        let lang = self.options.lang;
        let args = match read_args(op.params, values, lang) {
            Ok(args) => args,
            Err(error) => return Step::Done(Outcome::error(error)),
        };
        // Only operations that use the session look at the stored token.
        let token = match op.session {
            SessionUse::Unused => None,
            SessionUse::Required(_) => session::stored_token(stored),
        };
        let ctx = self.ctx(token.as_ref(), now, now);
        let sent = match (&op.session, &token) {
            (SessionUse::Unused, _) => None,
            (SessionUse::Required(_), Some(token)) => Some(token.clone()),
            (SessionUse::Required(LoggedOut::Null), None) => {
                return Step::Done(Outcome::value(Out::Null))
            }
            (SessionUse::Required(LoggedOut::Clear), None) => {
                return Step::Done(Outcome {
                    result: Ok(Out::Undefined),
                    writes: self.clear_writes(),
                })
            }
            (SessionUse::Required(LoggedOut::Answer(answer)), None) => match answer(&ctx, &args) {
                Some(value) => return Step::Done(Outcome::value(value)),
                None => None,
            },
            (SessionUse::Required(LoggedOut::Reject), None) => {
                return Step::Done(Outcome::error(Error::new(ErrorCode::NotLoggedIn, lang)))
            }
        };
        if let Call::Local(answer) = &op.call {
            return Step::Done(Outcome {
                result: answer(&ctx, &args),
                writes: Vec::new(),
            });
        }
        let first = match op.hooks.before.map(|before| before(&ctx, &args)) {
            Some(Ok(need)) => need,
            Some(Err(error)) => return Step::Done(Outcome::error(error)),
            None => None,
        };
        let bare = values
            .iter()
            .all(|v| host::kind(v.borrow()) == Kind::Absent);
        let share = (op.hooks.shared_when_bare && bare).then_some(op.name);
        let pending = Pending {
            id: self.ledger.next_id(),
            op,
            args,
            sent,
            attempt: 0,
            supplied: false,
            waiting: None,
            started: now,
            fetching_key: false,
        };
        match first {
            Some(need) => self.ask(pending, need, share),
            None => self.advance(pending, now, share),
        }
    }

    /// Keeps the call and asks the host for `need`.
    fn ask(&self, mut pending: Pending, need: Need, share: Option<&'static str>) -> Step {
        let id = pending.id;
        pending.waiting = Some(need.clone());
        self.keep(pending);
        Step::Need { id, need, share }
    }

    /// The call's next step once nothing is being waited for: the public key and random
    /// bytes its passwords need, then its request.
    fn advance(&self, mut pending: Pending, now: f64, share: Option<&'static str>) -> Step {
        let id = pending.id;
        let passwords = self.plain_passwords(&pending).len();
        if passwords > 0 {
            let key = self.public_key.borrow().clone();
            let Some(key) = key else {
                pending.fetching_key = true;
                let request = self.key_request();
                self.keep(pending);
                return Step::Send { id, request, share };
            };
            // Enough for the longest padding (the shortest password): the passwords are
            // copied into wasm once, when they are encrypted, not to be measured first.
            return self.ask(pending, Need::Random(passwords * key.random_len(0)), share);
        }
        match self.request(&pending, now) {
            Ok(request) => {
                self.keep(pending);
                Step::Send { id, request, share }
            }
            Err(error) => Step::Done(Outcome::error(error)),
        }
    }

    /// The positions of the call's passwords not yet encrypted.
    fn plain_passwords(&self, pending: &Pending) -> Vec<usize> {
        pending
            .op
            .params
            .iter()
            .zip(&pending.args)
            .enumerate()
            .filter(|(_, (param, arg))| {
                matches!(param.kind, ParamKind::Password) && arg.text().is_some()
            })
            .map(|(at, _)| at)
            .collect()
    }

    /// Encrypts the call's passwords with the public key and the host's random bytes.
    fn encrypt_passwords(&self, pending: &mut Pending, random: &Raw) -> Result<(), Error> {
        let lang = self.options.lang;
        let failed = |detail: &str| Error::with_detail(ErrorCode::EncryptionFailed, lang, detail);
        let key = self
            .public_key
            .borrow()
            .clone()
            .ok_or_else(|| failed("no public key"))?;
        let bytes = host::bytes(random).ok_or_else(|| failed("no random bytes"))?;
        let share = key.random_len(0);
        for (n, at) in self.plain_passwords(pending).into_iter().enumerate() {
            let text = pending.args[at]
                .text()
                .and_then(|value| host::text(&value.0))
                .unwrap_or_default();
            let slice = bytes
                .get(n * share..(n + 1) * share)
                .ok_or_else(|| failed("too few random bytes"))?;
            let cipher = key
                .encrypt(text.as_bytes(), slice)
                .map_err(|error| match error {
                    EncryptError::TooLong(max) => Error::problem(
                        ErrorCode::InvalidArgument,
                        lang,
                        pending.op.params[at].name,
                        crate::error::Problem::TooLong(max),
                    ),
                    EncryptError::NotEnoughRandom => failed("too few random bytes"),
                })?;
            pending.args[at] = Arg::Made(base64_encode(&cipher));
        }
        Ok(())
    }

    /// The public-key request. Its head is kept (made once per client), so a host that
    /// shares identical GETs in flight (the shim does) makes one fetch for concurrent calls.
    fn key_request(&self) -> Request {
        let mut kept = self.key_head.borrow_mut();
        let head = kept.get_or_insert_with(|| {
            let url = Out::Shared(self.url(Base::AppHost, WELL_KNOWN_PATH));
            let header = protocol::headers(&self.options, Transport::RestNoBody, None);
            Rc::new(Request::head(
                Method::Get,
                url,
                header,
                self.options.timeout_ms,
            ))
        });
        Request {
            head: Out::Kept(head.clone()),
            data: None,
        }
    }

    /// Takes the public key from the `.well-known` answer.
    fn take_key(&self, reply: Reply<'_>) -> Result<(), Error> {
        let lang = self.options.lang;
        let answer = Answer {
            status: reply.status,
            body: reply.body,
        };
        let data = protocol::parse_rest(answer, lang)?;
        let pem = data
            .and_then(|data| host::short_text(&host::get(&data.0, "publicKey"), 8192))
            .ok_or_else(|| Error::with_detail(ErrorCode::InvalidResponse, lang, "no public key"))?;
        let key = PublicKey::from_pem(&pem).ok_or_else(|| {
            Error::with_detail(
                ErrorCode::InvalidResponse,
                lang,
                "the public key is not RSA",
            )
        })?;
        *self.public_key.borrow_mut() = Some(Rc::new(key));
        Ok(())
    }

    /// The host got what call `id` needed (`value`).
    pub fn supply(&self, id: u32, value: &Raw, now: f64) -> Step {
        let Some(mut pending) = self.take(id) else {
            return Step::Done(Outcome::error(self.internal("unknown call")));
        };
        let Some(need) = pending.waiting.take() else {
            return Step::Done(Outcome::error(self.internal("nothing was asked")));
        };
        if let Need::Random(_) = need {
            return match self.encrypt_passwords(&mut pending, value) {
                Ok(()) => self.advance(pending, now, None),
                Err(error) => Step::Done(Outcome::error(error)),
            };
        }
        let Some(supplied) = pending.op.hooks.supplied else {
            return Step::Done(Outcome::error(self.internal("nothing was asked")));
        };
        let ctx = self.ctx(pending.sent.as_ref(), now, pending.started);
        match supplied(&ctx, &mut pending.args, &need, value) {
            Ok(Next::Send) => {
                pending.supplied = true;
                self.advance(pending, now, None)
            }
            Ok(Next::Need(need)) => self.ask(pending, need, None),
            Ok(Next::Done(result)) => Step::Done(Outcome {
                result,
                writes: Vec::new(),
            }),
            Err(error) => Step::Done(Outcome::error(error)),
        }
    }

    /// The answer to call `id`'s request, given what storage holds under the token key now.
    pub fn complete(&self, id: u32, reply: Reply<'_>, stored: &Raw, now: f64) -> Step {
        let Some(mut pending) = self.take(id) else {
            return Step::Done(Outcome::error(self.internal("unknown call")));
        };
        if pending.waiting.is_some() {
            return Step::Done(Outcome::error(self.internal("no request was sent")));
        }
        if self.ledger.wants_server_clock(now) {
            if let Some(server_ms) = protocol::server_date_ms(reply.header) {
                self.ledger.saw_server_clock(server_ms, now);
            }
        }
        if protocol::too_large(reply.header) {
            let error = Error::with_detail(
                ErrorCode::InvalidResponse,
                self.options.lang,
                "the answer is larger than 1 MiB",
            );
            return self.failed(pending, error, stored);
        }
        if pending.fetching_key {
            pending.fetching_key = false;
            return match self.take_key(reply) {
                Ok(()) => self.advance(pending, now, None),
                Err(error) => Step::Done(Outcome::error(error)),
            };
        }
        let lang = self.options.lang;
        let answer = Answer {
            status: reply.status,
            body: reply.body,
        };
        let parsed = match &pending.op.call {
            Call::Rest { .. } => protocol::parse_rest(answer, lang),
            Call::Graphql { field, .. } => protocol::parse_graphql(answer, field, lang),
            Call::Local(_) => Err(self.internal("no request was sent")),
        };
        match parsed {
            Ok(data) => Step::Done(self.succeed(&pending, data, stored)),
            Err(error) => self.failed(pending, error, stored),
        }
    }

    /// The host could not do what call `id`'s last step asked (`detail`: its own words).
    pub fn fail(&self, id: u32, failure: Failure, detail: &str, stored: &Raw) -> Step {
        let Some(pending) = self.take(id) else {
            return Step::Done(Outcome::error(self.internal("unknown call")));
        };
        let error = self.host_error(failure.code(), detail);
        self.failed(pending, error, stored)
    }

    /// The host gave call `id` up (e.g. it joined a shared flight instead).
    pub fn cancel(&self, id: u32) {
        drop(self.take(id));
    }

    /// The error for a failure of the host's own outside any call (e.g. a storage write).
    pub fn host_error(&self, code: ErrorCode, detail: &str) -> Error {
        Error::with_detail(code, self.options.lang, &sanitize(detail, MAX_HOST_DETAIL))
    }

    /// The error for a failure the host reports itself, outside any call: `Held` says what
    /// happened to the session as well as what storage said.
    pub fn failure_error(&self, failure: Failure, detail: &str) -> Error {
        let mut error = self.host_error(failure.code(), detail);
        if failure == Failure::Held {
            error.message.push_str(match self.options.lang {
                Lang::ZhCn => "；登录状态暂存于内存，小程序关闭后失效",
                Lang::EnUs => "; the session is kept in memory until the mini program closes",
            });
        }
        error
    }

    /// What an operation's functions see of this client and a call.
    fn ctx<'a>(&'a self, token: Option<&'a Passed>, now: f64, started: f64) -> Ctx<'a> {
        Ctx {
            client: self,
            token,
            now,
            started,
        }
    }

    fn internal(&self, detail: &str) -> Error {
        Error::with_detail(ErrorCode::Internal, self.options.lang, detail)
    }

    fn keep(&self, pending: Pending) {
        let mut all = self.pending.borrow_mut();
        if all.len() >= MAX_PENDING {
            all.remove(0);
        }
        all.push(pending);
    }

    fn take(&self, id: u32) -> Option<Pending> {
        let mut all = self.pending.borrow_mut();
        let at = all.iter().position(|p| p.id == id)?;
        Some(all.remove(at))
    }

    /// Number of calls in flight (for tests and the memory benchmark).
    pub fn in_flight(&self) -> usize {
        self.pending.borrow().len()
    }

    fn request(&self, pending: &Pending, now: f64) -> Result<Request, Error> {
        let data = self.body(pending, now);
        let sent = pending.sent.as_ref();
        if let Some(head) = self.kept_head(pending.op, sent) {
            return Ok(Request {
                head: Out::Kept(head),
                data,
            });
        }
        let (head, keep) = self.new_head(pending, now)?;
        if !keep {
            return Ok(Request { head, data });
        }
        let head = Rc::new(head);
        let mut heads = self.heads.borrow_mut();
        heads.retain(|(op, _, _)| !std::ptr::eq(*op, pending.op));
        heads.push((pending.op, sent.cloned(), head.clone()));
        Ok(Request {
            head: Out::Kept(head),
            data,
        })
    }

    /// The head kept for `op` if it was made for `token`.
    fn kept_head(&self, op: &'static Op, token: Option<&Passed>) -> Option<Rc<Out>> {
        let heads = self.heads.borrow();
        let (_, kept, head) = heads
            .iter()
            .find(|(known, _, _)| std::ptr::eq(*known, op))?;
        let same = match (kept, token) {
            (None, None) => true,
            (Some(kept), Some(token)) => {
                Rc::ptr_eq(&kept.0, &token.0) || host::same(&kept.0, &token.0)
            }
            _ => false,
        };
        same.then(|| head.clone())
    }

    /// The body of a call's request.
    fn body(&self, pending: &Pending, now: f64) -> Option<Out> {
        let ctx = self.ctx(pending.sent.as_ref(), now, pending.started);
        match &pending.op.call {
            Call::Rest { body, .. } => body.map(|body| body(&ctx, &pending.args)),
            Call::Graphql {
                document,
                variables,
                ..
            } => Some(Out::Obj(vec![
                ("query", Out::Str(document)),
                ("variables", variables(&ctx, &pending.args)),
            ])),
            Call::Local(_) => None,
        }
    }

    /// A new head for a call's request, and whether it may be kept for the next calls (not
    /// when its URL has a query, which may differ per call).
    fn new_head(&self, pending: &Pending, now: f64) -> Result<(Out, bool), Error> {
        let timeout = self.options.timeout_ms;
        let sent = pending.sent.as_ref();
        match &pending.op.call {
            Call::Rest {
                method,
                base,
                path,
                query,
                body,
            } => {
                let (url, keep) = match query {
                    None => (Out::Shared(self.url(*base, path)), true),
                    Some(query) => {
                        let ctx = self.ctx(sent, now, now);
                        let base = self.base(*base);
                        let query = query(&ctx, &pending.args);
                        (Out::Text(format!("{base}{path}?{query}")), false)
                    }
                };
                let transport = if body.is_some() {
                    Transport::RestJson
                } else {
                    Transport::RestNoBody
                };
                let header = protocol::headers(&self.options, transport, sent);
                Ok((Request::head(*method, url, header, timeout), keep))
            }
            Call::Graphql { .. } => {
                let url = Out::Shared(self.graphql_url.clone());
                let header = protocol::headers(&self.options, Transport::Graphql, sent);
                Ok((Request::head(Method::Post, url, header, timeout), true))
            }
            Call::Local(_) => Err(self.internal("answered locally")),
        }
    }

    fn base(&self, base: Base) -> &str {
        match base {
            Base::Host => &self.options.host,
            Base::AppHost => &self.options.app_host,
        }
    }

    /// `{base}{path}`, made once per client (the host then makes its string once too).
    fn url(&self, base: Base, path: &'static str) -> Rc<str> {
        let mut urls = self.urls.borrow_mut();
        if let Some((_, _, url)) = urls.iter().find(|(b, p, _)| *b == base && *p == path) {
            return url.clone();
        }
        let url: Rc<str> = Rc::from(format!("{}{}", self.base(base), path));
        urls.push((base, path, url.clone()));
        url
    }

    fn failed(&self, mut pending: Pending, error: Error, stored: &Raw) -> Step {
        if let Some(retry) = pending.op.hooks.retry {
            let attempt = Attempt {
                number: pending.attempt,
                supplied: pending.supplied,
            };
            if let Some(need) = retry(&error, attempt) {
                pending.attempt += 1;
                pending.waiting = Some(need.clone());
                let id = pending.id;
                self.keep(pending);
                return Step::Need {
                    id,
                    need,
                    share: None,
                };
            }
        }
        let forgot_token = matches!(
            error.code,
            ErrorCode::SessionExpired | ErrorCode::NotLoggedIn
        );
        if pending.op.effect == Effect::Logout && forgot_token {
            // The server no longer knows the token: the session is over either way.
            return Step::Done(self.succeed(&pending, None, stored));
        }
        if pending.op.effect == Effect::Logout && error.code.unanswered() {
            // GenAuth could not be told: the session still ends on the device (a user is
            // never stuck logged in), and the caller learns the server was not reached.
            let mut outcome = self.succeed(&pending, None, stored);
            let cause = error.message;
            outcome.result = Err(Error::with_detail(
                ErrorCode::LoggedOutLocally,
                self.options.lang,
                &cause,
            ));
            return Step::Done(outcome);
        }
        // A token GenAuth reports expired or invalid ends the session, if it is still the
        // one that was sent.
        let writes = match &pending.sent {
            Some(sent) if forgot_token && host::same(stored, &sent.0) => self.clear_writes(),
            _ => Vec::new(),
        };
        Step::Done(Outcome {
            result: Err(error),
            writes,
        })
    }

    fn succeed(&self, pending: &Pending, data: Option<Passed>, stored: &Raw) -> Outcome {
        let lang = self.options.lang;
        let invalid = |detail: &str| {
            Outcome::error(Error::with_detail(ErrorCode::InvalidResponse, lang, detail))
        };
        let still_sent = pending
            .sent
            .as_ref()
            .is_some_and(|sent| host::same(stored, &sent.0));
        if pending.op.result.requires_data() && data.is_none() {
            return invalid("the answer has no data");
        }
        match pending.op.effect {
            Effect::None => match self.picked(pending, data) {
                Ok(value) => Outcome::value(value),
                Err(error) => Outcome::error(error),
            },
            Effect::Register => {
                let Some(user) = data.filter(|d| host::is_plain_object(&d.0)) else {
                    return invalid("the answer has no user");
                };
                if session::is_token(&host::get(&user.0, "token")) {
                    return self.login(pending, user);
                }
                Outcome::value(Out::Raw(user.without("password")))
            }
            Effect::Token => {
                let Some(result) = data.filter(|d| host::is_plain_object(&d.0)) else {
                    return invalid("the answer has no token");
                };
                let token = host::get(&result.0, "token");
                if !session::is_token(&token) {
                    return invalid("the answer has no token");
                }
                let writes = if still_sent {
                    vec![Write {
                        key: self.token_key.clone(),
                        value: Some(Out::Raw(Passed::new(token))),
                        cache: false,
                    }]
                } else {
                    Vec::new()
                };
                Outcome {
                    result: Ok(Out::Raw(result)),
                    writes,
                }
            }
            Effect::Login => {
                let Some(user) = data.filter(|d| host::is_plain_object(&d.0)) else {
                    return invalid("the login answer has no user");
                };
                self.login(pending, user)
            }
            Effect::User => match data {
                None => Outcome::value(Out::Null),
                Some(user) if host::is_plain_object(&user.0) => {
                    let user = user.without("password");
                    // As `authing-wxapp-sdk`'s `setCurrentUser`: the user's token (GenAuth
                    // may hand out a fresh one) becomes the session's, with the user copy.
                    let token = host::get(&user.0, "token");
                    let writes = match &pending.sent {
                        Some(_) if still_sent && session::is_token(&token) => {
                            self.session_writes(Passed::new(token), Some(user.clone()))
                        }
                        Some(_) if still_sent => vec![self.user_write(Some(user.clone()))],
                        _ => Vec::new(),
                    };
                    Outcome {
                        result: Ok(Out::Raw(user)),
                        writes,
                    }
                }
                Some(_) => invalid("the user is not an object"),
            },
            Effect::Logout => {
                let writes = if pending.id > self.ledger.writer(&self.token_key) {
                    self.ledger.set_writer(&self.token_key, pending.id);
                    self.clear_writes()
                } else {
                    Vec::new()
                };
                Outcome {
                    result: Ok(Out::Undefined),
                    writes,
                }
            }
            Effect::Verdict => {
                let Some(verdict) = data.filter(|d| host::is_plain_object(&d.0)) else {
                    return invalid("the verdict is not an object");
                };
                // A verdict on the session's own token (no token argument) that says it is
                // not valid ends the session, if it is still the one that was sent.
                let own_token = !pending.args.first().is_some_and(Arg::is_given);
                let rejected = host::kind(&host::get(&verdict.0, "status")) == Kind::Bool(false);
                let writes = if own_token && rejected && still_sent {
                    self.clear_writes()
                } else {
                    Vec::new()
                };
                Outcome {
                    result: Ok(Out::Raw(verdict)),
                    writes,
                }
            }
        }
    }

    /// A login's outcome: the user (without `password`) and, unless a call started later
    /// already replaced or ended the session, the session writes.
    fn login(&self, pending: &Pending, user: Passed) -> Outcome {
        let token = host::get(&user.0, "token");
        if !session::is_token(&token) {
            return Outcome::error(Error::with_detail(
                ErrorCode::InvalidResponse,
                self.options.lang,
                "the login answer has no token",
            ));
        }
        let user = user.without("password");
        let writes = if pending.id > self.ledger.writer(&self.token_key) {
            self.ledger.set_writer(&self.token_key, pending.id);
            self.session_writes(Passed::new(token), Some(user.clone()))
        } else {
            Vec::new()
        };
        Outcome {
            result: Ok(Out::Raw(user)),
            writes,
        }
    }

    /// The result an operation picks from the answer's data.
    fn picked(&self, pending: &Pending, data: Option<Passed>) -> Result<Out, Error> {
        match (pending.op.result, data) {
            (Pick::Nothing, _) => Ok(Out::Undefined),
            (Pick::Convert(convert), data) => {
                let ctx = self.ctx(pending.sent.as_ref(), pending.started, pending.started);
                convert(&ctx, &pending.args, data)
            }
            (_, Some(data)) => Ok(Out::Raw(data)),
            (_, None) => Ok(Out::Null),
        }
    }

    fn user_write(&self, user: Option<Passed>) -> Write {
        Write {
            key: self.user_key.clone(),
            value: user.map(Out::Raw),
            cache: true,
        }
    }

    /// Stores a session: the token (a string) and the user (an object, or the removal of a
    /// stored user that belongs to another token).
    fn session_writes(&self, token: Passed, user: Option<Passed>) -> Vec<Write> {
        vec![
            Write {
                key: self.token_key.clone(),
                value: Some(Out::Raw(token)),
                cache: false,
            },
            self.user_write(user),
        ]
    }

    /// Removes this SDK's session and `authing-wxapp-sdk`'s, so the old one is not adopted
    /// again at the next start.
    fn clear_writes(&self) -> Vec<Write> {
        [
            &self.token_key,
            &self.user_key,
            &self.legacy_token_key,
            &self.legacy_user_key,
        ]
        .into_iter()
        .map(|key| Write {
            key: key.clone(),
            value: None,
            cache: false,
        })
        .collect()
    }
}
