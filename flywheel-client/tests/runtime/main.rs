//! Tests of the client runtime against real HTTP servers on loopback: `wiremock` where a canned
//! answer is enough, raw `tokio` TCP servers where the test needs control over timing or bytes.

mod auth_and_headers;
mod conveniences;
mod decoding;
mod downloads;
mod errors;
mod files;
mod hardening;
mod pagination;
mod redirects;
mod responses;
mod retries;
mod sdk_conventions;
mod timeouts;
mod tracing_spans;
mod uploads;

use std::net::SocketAddr;
use std::time::Duration;

use flywheel_client::{Client, ClientBuilder};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wiremock::MockServer;

/// A 20-character key: sent as `scitran-user KEY`.
pub const KEY: &str = "k3y0123456789abcdefg";

/// Builder for a client of `server`, with retry pauses short enough for tests.
pub fn builder_for(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .base_url(format!("{}/api", server.uri()))
        .api_key(KEY)
        .initial_retry_delay(Duration::from_millis(10))
        .max_retry_delay(Duration::from_secs(2))
}

/// A client of `server` with test retry pauses.
pub fn client_for(server: &MockServer) -> Client {
    builder_for(server).build().expect("client builds")
}

/// A client of a raw server at `address`.
pub fn client_at(address: SocketAddr) -> ClientBuilder {
    Client::builder()
        .base_url(format!("http://{address}/api"))
        .api_key(KEY)
        .initial_retry_delay(Duration::from_millis(10))
}

/// Reads one HTTP/1.1 request head (up to the blank line) from `stream`.
pub async fn read_request_head(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&head).into_owned()
}

/// A server that accepts connections and reads requests but never answers.
pub async fn stalled_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let _head = read_request_head(&mut stream).await;
                tokio::time::sleep(Duration::from_secs(60)).await;
                drop(stream);
            });
        }
    });
    address
}

/// A server answering every request with a 200 whose `total` byte body arrives in `chunk`-byte
/// pieces, one every `interval`.
pub async fn trickle_server(total: usize, chunk: usize, interval: Duration) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let _head = read_request_head(&mut stream).await;
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-length: {total}\r\ncontent-type: application/octet-stream\r\n\r\n"
                );
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let mut sent = 0;
                while sent < total {
                    tokio::time::sleep(interval).await;
                    let n = chunk.min(total - sent);
                    if stream.write_all(&vec![b'x'; n]).await.is_err() {
                        return;
                    }
                    sent += n;
                }
            });
        }
    });
    address
}
