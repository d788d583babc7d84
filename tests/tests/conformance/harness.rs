//! The conformance test's machinery: Prism processes (`prism mock`, `prism proxy`) and the
//! recording proxy.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// Where Prism is: `$PRISM`, else `target/prism/node_modules/.bin/prism` of the workspace.
fn prism_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("PRISM") {
        return PathBuf::from(path);
    }
    let path = super::support::workspace_root().join("target/prism/node_modules/.bin/prism");
    assert!(
        path.exists(),
        "Stoplight Prism is missing at {}: install it with \
         `npm install --no-save --prefix target/prism @stoplight/prism-cli@5.16.0` (from the workspace root; \
         .ci/run does), or point PRISM at a prism binary. This test is never skipped.",
        path.display()
    );
    path
}

/// A Prism process on one document, killed on drop (also on panic).
///
/// Without `--errors`: `prism mock` still answers an invalid request with `422` and its
/// violations, and reports violations of its own response in the `sl-violations` header, but
/// sends that response as it is (with `--errors` it would become a `500`), so the client reads
/// it. `prism proxy` forwards every request to its upstream and reports, in the same header,
/// the violations of the request and of the upstream's response.
///
/// Prism's faker can take the whole process down on Spotnana's recursive schemas (out of
/// stack or heap while drawing a dynamic response): [`Prism::restart_if_exited`] brings it
/// back on the same port, so one operation cannot fail all that follow.
pub struct Prism {
    module: String,
    /// Prism's arguments, without the host and port.
    args: Vec<std::ffi::OsString>,
    child: Mutex<Child>,
    port: Endpoint,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Prism {
    /// `prism mock` on the document: responses from its examples, or random with
    /// `Prefer: dynamic=true`.
    pub fn mock(module: &str, document: &Path) -> Self {
        Self::spawn(module, &["mock".as_ref(), document.as_os_str()])
    }

    /// `prism proxy` on the document in front of `upstream` (a URL).
    pub fn proxy(module: &str, document: &Path, upstream: &str) -> Self {
        Self::spawn(module, &["proxy".as_ref(), document.as_os_str(), upstream.as_ref()])
    }

    /// `prism mock` on the document, to listen on `port` (a port that may be taken).
    pub fn mock_on(module: &str, document: &Path, port: u16) -> Self {
        Self::spawn_on(module, &["mock".as_ref(), document.as_os_str()], port)
    }

    fn spawn(module: &str, args: &[&std::ffi::OsStr]) -> Self {
        Self::spawn_on(module, args, free_port())
    }

    fn spawn_on(module: &str, args: &[&std::ffi::OsStr], port: u16) -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let args: Vec<std::ffi::OsString> = args.iter().map(|a| a.to_os_string()).collect();
        let log = dir.path().join("prism.log");
        let child = start(&args, port, &log);
        Self {
            module: module.into(),
            args,
            child: Mutex::new(child),
            port: Endpoint(Arc::new(AtomicU16::new(port))),
            log,
            _dir: dir,
        }
    }

    /// Waits until Prism listens; fails with its log if it exits first.
    ///
    /// The port was free when chosen, but until Prism binds it anything may take it: the
    /// ephemeral port of an outgoing connection (waiting for another Prism connects over and
    /// over, the recording proxy opens a connection per request) as well as another server.
    /// Prism then exits with `EADDRINUSE`, and starts again on another port; whoever holds its
    /// [`Endpoint`] follows it there.
    pub async fn ready(&self) {
        for _ in 0..5 {
            match self.listening().await {
                Ok(()) => return,
                Err(log) if log.contains("EADDRINUSE") => {
                    let port = free_port();
                    self.port.0.store(port, Ordering::SeqCst);
                    *self.child() = start(&self.args, port, &self.log);
                }
                Err(log) => panic!("Prism on the {} document did not start:\n{log}", self.module),
            }
        }
        panic!("Prism on the {} document found no free port in five tries", self.module);
    }

    /// Waits until Prism listens, or returns its status and log when it exits first or does
    /// not listen within two minutes (reading a document takes seconds).
    async fn listening(&self) -> Result<(), String> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        loop {
            let exited = self.child().try_wait().expect("Prism's status");
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            if let Some(status) = exited {
                return Err(format!("({status}) {log}"));
            }
            if log.contains("Prism is listening") && TcpStream::connect(self.addr()).is_ok() {
                return Ok(());
            }
            if std::time::Instant::now() > deadline {
                return Err(format!("(not listening after two minutes) {log}"));
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    }

    /// If Prism has exited, starts it again (on the same port when it is still free) and
    /// returns why it ended (its status and the last lines of its log).
    pub async fn restart_if_exited(&self) -> Option<String> {
        let status = self.child().try_wait().expect("Prism's status")?;
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(3).collect();
        let why = format!(
            "Prism exited ({status}): {}",
            tail.into_iter().rev().collect::<Vec<_>>().join(" ")
        );
        *self.child() = start(&self.args, self.port.0.load(Ordering::SeqCst), &self.log);
        self.ready().await;
        Some(why)
    }

    /// The process; a panic elsewhere while it was held does not make it unreachable (the drop
    /// must still kill it).
    fn child(&self) -> std::sync::MutexGuard<'_, Child> {
        self.child.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Kills the process, as a crash would (for the test of [`Prism::restart_if_exited`]).
    pub fn kill(&self) {
        let mut child = self.child();
        let _ = child.kill();
        let _ = child.wait();
    }

    pub fn addr(&self) -> SocketAddr {
        self.port.addr()
    }

    /// Where this Prism listens, now and after it moves to another port.
    pub fn endpoint(&self) -> Endpoint {
        self.port.clone()
    }
}

/// The port of a Prism, shared with whoever connects to it: a restart may move it.
#[derive(Clone, Debug)]
pub struct Endpoint(Arc<AtomicU16>);

impl Endpoint {
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.0.load(Ordering::SeqCst)))
    }
}

/// A port no one listens on now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Starts Prism with `args` on `port`, its output into `log` (a fresh file).
fn start(args: &[std::ffi::OsString], port: u16, log: &Path) -> Child {
    let out = std::fs::File::create(log).expect("Prism's log file");
    Command::new(prism_binary())
        .args(args)
        .args(["-h", "127.0.0.1", "-p", &port.to_string()])
        .stdin(Stdio::null())
        .stdout(out.try_clone().expect("log file handle"))
        .stderr(out)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start Prism ({}): {e}", prism_binary().display()))
}

impl Drop for Prism {
    fn drop(&mut self) {
        let child = self.child.get_mut().unwrap_or_else(PoisonError::into_inner);
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// One request and Prism's response, as they went over the wire.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub status: u16,
    pub response_headers: Vec<(String, String)>,
    pub response_body: Vec<u8>,
}

impl Exchange {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.response_headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// An HTTP/1.1 proxy recording every exchange: the client sends to it, it sends to Prism (the
/// token endpoint to the Auth API's Prism), one upstream connection per request.
pub struct Proxy {
    addr: SocketAddr,
    log: Arc<Mutex<Vec<Exchange>>>,
}

impl Proxy {
    pub fn start(upstream: Endpoint, token_upstream: Endpoint) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a port for the proxy");
        let addr = listener.local_addr().expect("the proxy's address");
        let log = Arc::new(Mutex::new(Vec::new()));
        let shared = log.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let log = shared.clone();
                let (upstream, token_upstream) = (upstream.clone(), token_upstream.clone());
                std::thread::spawn(move || {
                    let _ = serve(stream, &upstream, &token_upstream, &log);
                });
            }
        });
        Self { addr, log }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn clear(&self) {
        self.log.lock().unwrap().clear();
    }

    pub fn last(&self) -> Option<Exchange> {
        self.log.lock().unwrap().last().cloned()
    }
}

/// A message's start line, headers and body.
type Message = (String, Vec<(String, String)>, Vec<u8>);

/// Reads one message (the body de-chunked); `None` at end of stream.
fn read_message(reader: &mut impl BufRead, is_response: bool) -> std::io::Result<Option<Message>> {
    let mut start = String::new();
    if reader.read_line(&mut start)? == 0 {
        return Ok(None);
    }
    let start = start.trim_end().to_string();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            break;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let get = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let mut body = Vec::new();
    if let Some(length) = get("content-length") {
        let length: usize = length.parse().unwrap_or(0);
        body.resize(length, 0);
        reader.read_exact(&mut body)?;
    } else if get("transfer-encoding").is_some_and(|t| t.eq_ignore_ascii_case("chunked")) {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size)?;
            let size = usize::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16).unwrap_or(0);
            if size == 0 {
                let mut end = String::new();
                reader.read_line(&mut end)?;
                break;
            }
            let mut chunk = vec![0; size];
            reader.read_exact(&mut chunk)?;
            body.extend(chunk);
            let mut crlf = [0; 2];
            reader.read_exact(&mut crlf)?;
        }
    } else if is_response {
        reader.read_to_end(&mut body)?;
    }
    Ok(Some((start, headers, body)))
}

fn write_message(
    out: &mut impl Write,
    start: &str,
    headers: &[(String, String)],
    body: &[u8],
    close: bool,
) -> std::io::Result<()> {
    let mut head = format!("{start}\r\n");
    for (k, v) in headers {
        let skip = ["connection", "keep-alive", "content-length", "transfer-encoding"];
        if !skip.iter().any(|s| k.eq_ignore_ascii_case(s)) {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
    }
    head.push_str(&format!(
        "content-length: {}\r\nconnection: {}\r\n\r\n",
        body.len(),
        if close { "close" } else { "keep-alive" }
    ));
    out.write_all(head.as_bytes())?;
    out.write_all(body)?;
    out.flush()
}

fn serve(
    client: TcpStream,
    upstream: &Endpoint,
    token_upstream: &Endpoint,
    log: &Mutex<Vec<Exchange>>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(client.try_clone()?);
    let mut writer = client;
    while let Some((request_line, headers, body)) = read_message(&mut reader, false)? {
        let target = request_line.split(' ').nth(1).unwrap_or_default();
        let token = target.starts_with("/v2/auth/oauth2-token");
        // Read per request: the Prism may have moved since the connection opened.
        let to = if token { token_upstream.addr() } else { upstream.addr() };
        let mut headers = headers;
        if token {
            // Tokens come from the document's example, also in the dynamic rounds: a random
            // `tokenType` is no bearer token and the runtime rightly refuses it.
            headers.retain(|(k, _)| !k.eq_ignore_ascii_case("prefer"));
        }
        let mut prism = TcpStream::connect(to)?;
        write_message(&mut prism, &request_line, &headers, &body, true)?;
        let mut response = BufReader::new(prism);
        let (status_line, response_headers, response_body) = read_message(&mut response, true)?
            .ok_or_else(|| std::io::Error::other("Prism closed the connection without a response"))?;
        let status = status_line.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        log.lock().unwrap().push(Exchange {
            status,
            response_headers: response_headers.clone(),
            response_body: response_body.clone(),
        });
        write_message(&mut writer, &status_line, &response_headers, &response_body, false)?;
    }
    Ok(())
}
