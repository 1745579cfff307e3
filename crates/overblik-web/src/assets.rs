//! The vendored design system (DKFDS, pinned; see assets/README.md) and overblik's own CSS, JS
//! and icon, compiled into the binary: the server needs no files beside it and no CDN.
//!
//! What is served is the whole of `assets/dkfds/` (only what the pages and the design
//! system's CSS reference was vendored) and `assets/site/`; `assets/test/` (axe-core, for the
//! browser tests) and the notes beside them are not.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "assets/"]
#[include = "dkfds/css/*"]
#[include = "dkfds/js/*"]
#[include = "dkfds/img/**/*"]
#[include = "dkfds/fonts/**/*.woff2"]
#[include = "dkfds/fonts/**/*.woff"]
#[include = "site/*"]
struct Assets;

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
    match Assets::get(&path) {
        Some(file) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(media_type(&path)),
                ),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=86400"),
                ),
            ],
            file.data,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serves_the_design_system_and_not_the_test_tools() {
        for path in [
            "dkfds/css/dkfds.min.css",
            "dkfds/js/dkfds.min.js",
            "dkfds/img/all-svg-icons.svg",
            "dkfds/img/svg-icons/chevron-down.svg",
            "dkfds/fonts/IBMPlexSans/complete/woff/IBMPlexSans-Regular.woff",
            "dkfds/fonts/IBMPlexSans/complete/woff2/IBMPlexSans-Bold.woff2",
            "site/overblik.css",
            "site/overblik.js",
            "site/favicon.svg",
        ] {
            assert!(Assets::get(path).is_some(), "{path} is not served");
        }
        for path in [
            "test/axe.min.js",
            "README.md",
            "dkfds-markup.md",
            "dkfds/fonts/IBMPlexSans/complete/ttf/IBMPlexSans-Regular.ttf",
        ] {
            assert!(Assets::get(path).is_none(), "{path} must not be served");
        }
    }

    #[test]
    fn every_url_in_the_design_systems_css_resolves() {
        let css = std::str::from_utf8(&Assets::get("dkfds/css/dkfds.min.css").unwrap().data)
            .unwrap()
            .to_owned();
        let mut checked = 0;
        for piece in css.split("url(").skip(1) {
            let target = piece[..piece.find(')').unwrap()].trim_matches(['"', '\'']);
            // The Regular face also names eot and ttf, which no current browser requests.
            if target.starts_with("data:") || target.ends_with(".eot") || target.ends_with(".ttf") {
                continue;
            }
            let path = target.strip_prefix("../").expect("relative to css/");
            let path = path.split(['?', '#']).next().unwrap();
            assert!(Assets::get(&format!("dkfds/{path}")).is_some(), "{target}");
            checked += 1;
        }
        assert!(checked > 100, "only {checked} urls found");
    }
}
