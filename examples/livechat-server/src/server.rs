//! Serving: the generated router with request logging, and graceful shutdown.

use std::future::Future;
use std::time::Instant;

use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use rocketchat_omnichannel::server::router;
use tokio::net::TcpListener;

use crate::api::Livechat;

/// The HTTP application: the generated router over `livechat`, every request logged.
pub fn app(livechat: Livechat) -> Router {
    router(livechat).layer(middleware::from_fn(log_request))
}

async fn log_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    if status >= 500 {
        tracing::warn!(%method, %path, status, ?elapsed, "request");
    } else {
        tracing::info!(%method, %path, status, ?elapsed, "request");
    }
    response
}

/// Serves `app` on `listener` until `shutdown` completes, then lets requests in flight finish.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// A future that completes on Ctrl-C (SIGINT), and on SIGTERM on Unix as sent by service
/// managers and containers. The signal handlers are installed when this is called, so a signal
/// that arrives before the future is first polled is not lost.
pub fn shutdown_signal() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    #[cfg(unix)]
    let wait = {
        use tokio::signal::unix::{signal, SignalKind};
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut terminate = signal(SignalKind::terminate())?;
        async move {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
        }
    };
    #[cfg(not(unix))]
    let wait = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    Ok(async move {
        wait.await;
        tracing::info!("shutting down: finishing requests in flight");
    })
}
