//! Data quality on screen: freshness per file, completeness and contradictions (counts; the
//! example row ids only for roles that may open cases).

use axum::extract::State;
use axum::response::Response;
use overblik_domain::access::Capability;
use overblik_domain::quality;
use overblik_domain::report::Document;

use super::freshness;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Layout, Page, render};

/// GET /kvalitet
pub async fn page(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    user.require(Capability::DataQuality)?;
    let data = state.data().await?;
    let with_examples = user.role.may(Capability::CaseLists);
    let section = data
        .cached(format!("quality:{with_examples}"), move |data| {
            let mut q = quality::assess(&data.snapshot, &data.sources, data.as_of);
            if !with_examples {
                for c in &mut q.contradictions {
                    c.examples.clear();
                }
            }
            quality::section(&q, &[])
        })
        .await;
    let doc = Document {
        kind: "quality",
        title: "Datakvalitet".into(),
        subtitle: String::new(),
        as_of: data.date,
        unit: None,
        suppressed: false,
        sections: vec![(*section).clone()],
    };
    let mut page = Page::new(Layout::new(
        &user,
        "Datakvalitet",
        "/kvalitet",
        freshness(&data),
    ));
    page.intro.push("Hvor friske og fuldstændige data er, og hvilke rækker der modsiger hinanden. Tallene på de andre sider er ikke bedre end dette.".into());
    page.report_html =
        Some(overblik_report::html_sections(&doc).map_err(|e| AppError::Internal(e.to_string()))?);
    Ok(render(&page))
}
