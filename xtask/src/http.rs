//! A minimal HTTP/1.1 client for 127.0.0.1 (no dependency): health checks, the dev command's
//! setup link, and the benchmark's timed requests.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::time::Duration;

use crate::run::Result;

/// `(status, body)` of one request on a fresh connection to 127.0.0.1:`port`; `headers` are
/// extra header lines, each ending in `\r\n`. The body is read by its Content-Length (or its
/// chunks): the dev server keeps connections open despite `Connection: close`.
pub(crate) fn request(
    port: u16,
    method: &str,
    path: &str,
    body: &str,
    headers: &str,
) -> Result<(u16, String)> {
    let s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(|e| e.to_string())?;
    let content_type = if body.is_empty() && method == "GET" {
        ""
    } else {
        "Content-Type: application/json\r\n"
    };
    (&s).write_all(
        format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{content_type}\
             {headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    )
    .map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(&s);
    let mut line = String::new();
    reader.read_line(&mut line).map_err(|e| e.to_string())?;
    let status = line
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let mut length = None;
    let mut chunked = false;
    loop {
        line.clear();
        reader.read_line(&mut line).map_err(|e| e.to_string())?;
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok();
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                chunked = value.to_ascii_lowercase().contains("chunked");
            }
        }
    }
    let mut buf = Vec::new();
    if chunked {
        loop {
            line.clear();
            reader.read_line(&mut line).map_err(|e| e.to_string())?;
            let size = line.trim().split(';').next().unwrap_or("0");
            let size = usize::from_str_radix(size, 16).map_err(|e| format!("chunk size: {e}"))?;
            if size == 0 {
                break;
            }
            let mut chunk = vec![0; size + 2]; // the chunk and its CRLF
            reader.read_exact(&mut chunk).map_err(|e| e.to_string())?;
            buf.extend_from_slice(&chunk[..size]);
        }
    } else if let Some(n) = length {
        buf.resize(n, 0);
        reader.read_exact(&mut buf).map_err(|e| e.to_string())?;
    } else if method != "HEAD" && status != 204 && status != 304 {
        reader.read_to_end(&mut buf).map_err(|e| e.to_string())?;
    }
    Ok((status, String::from_utf8_lossy(&buf).into_owned()))
}

/// `GET path`: its status, or `None` when nothing answers.
pub(crate) fn status(port: u16, path: &str) -> Option<u16> {
    request(port, "GET", path, "", "").ok().map(|(s, _)| s)
}
