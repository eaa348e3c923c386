//! What the core asks the host to send, and what the host reports back.
//!
//! [`HttpRequest`] serialises to the shape of `wx.request`'s options (`method`, `url`,
//! `header`, `data`, `timeout`), so the shim can hand it over as it is.

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

/// HTTP methods the SDK uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Method {
    /// `GET`
    #[serde(rename = "GET")]
    Get,
    /// `POST`
    #[serde(rename = "POST")]
    Post,
}

/// A request to perform.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// The absolute URL.
    pub url: String,
    /// Header names and values, in order.
    #[serde(rename = "header", serialize_with = "headers_as_object")]
    pub headers: Vec<(&'static str, String)>,
    /// The body (JSON text), if any.
    #[serde(rename = "data", skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// How long to wait for the answer, in milliseconds.
    pub timeout: u32,
}

impl HttpRequest {
    /// The value of header `name` (case-insensitive), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

impl std::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(key, value)| {
                if key.eq_ignore_ascii_case("authorization") {
                    (*key, "[redacted]")
                } else {
                    (*key, value.as_str())
                }
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body_len", &self.body.as_ref().map(String::len))
            .field("timeout", &self.timeout)
            .finish()
    }
}

fn headers_as_object<S: Serializer>(
    headers: &[(&'static str, String)],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(headers.len()))?;
    for (key, value) in headers {
        map.serialize_entry(key, value)?;
    }
    map.end()
}

/// Why a request got no HTTP answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransportFailure {
    /// No answer within the timeout.
    Timeout,
    /// The connection failed or was dropped.
    Network,
}

/// The HTTP answer: status and body text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HttpResponse<'a> {
    /// The HTTP status code.
    pub status: u16,
    /// The body as text.
    pub body: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_token() {
        let request = HttpRequest {
            method: Method::Get,
            url: "https://x/y".into(),
            headers: vec![
                ("Authorization", "Bearer secret-token".into()),
                ("x-a", "1".into()),
            ],
            body: None,
            timeout: 5,
        };
        let shown = format!("{request:?}");
        assert!(!shown.contains("secret-token"), "{shown}");
        assert!(shown.contains("x-a"));
        assert_eq!(request.header("AUTHORIZATION"), Some("Bearer secret-token"));
        assert_eq!(request.header("missing"), None);
    }

    #[test]
    fn serialises_like_wx_request_options() {
        let request = HttpRequest {
            method: Method::Post,
            url: "https://x/y".into(),
            headers: vec![("b", "2".into()), ("a", "1".into())],
            body: Some("{}".into()),
            timeout: 10,
        };
        assert_eq!(
            serde_json::to_string(&request).unwrap(),
            r#"{"method":"POST","url":"https://x/y","header":{"b":"2","a":"1"},"data":"{}","timeout":10}"#
        );
    }
}
