//! The vendored design system (DKFDS, pinned; see assets/README.md) and overblik's own CSS and
//! JS, compiled into the binary: the server needs no files beside it and no CDN.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

macro_rules! assets {
    ($($path:literal),* $(,)?) => {
        /// (URL path under /assets/, bytes)
        const ASSETS: &[(&str, &[u8])] = &[
            $(($path, include_bytes!(concat!("../assets/", $path)))),*
        ];
    };
}

assets!(
    "dkfds/css/dkfds.min.css",
    "dkfds/js/dkfds.min.js",
    "dkfds/img/all-svg-icons.svg",
    "dkfds/fonts/IBMPlexSans/complete/woff2/IBMPlexSans-Regular.woff2",
    "dkfds/fonts/IBMPlexSans/complete/woff2/IBMPlexSans-Italic.woff2",
    "dkfds/fonts/IBMPlexSans/complete/woff2/IBMPlexSans-Medium.woff2",
    "dkfds/fonts/IBMPlexSans/complete/woff2/IBMPlexSans-MediumItalic.woff2",
    "dkfds/fonts/IBMPlexSans/complete/woff2/IBMPlexSans-SemiBold.woff2",
    "dkfds/fonts/IBMPlexSans/complete/woff2/IBMPlexSans-SemiBoldItalic.woff2",
    "dkfds/fonts/IBMPlexSans/complete/woff2/IBMPlexSans-Bold.woff2",
    "dkfds/fonts/IBMPlexSans/complete/woff2/IBMPlexSans-BoldItalic.woff2",
    "site/overblik.css",
    "site/overblik.js",
);

fn media_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}

/// GET /assets/{*path}
pub async fn serve(Path(path): Path<String>) -> Response {
    match ASSETS.iter().find(|(p, _)| *p == path) {
        Some((p, bytes)) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(media_type(p)),
                ),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=86400"),
                ),
            ],
            *bytes,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
