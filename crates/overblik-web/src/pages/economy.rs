//! The controller's economy list: measures active at T with their case id, type, provider
//! kind, daily rate and payments so far this year. No notification, conversation or other
//! case content (need-to-know). Audited with the persons listed.

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::response::Response;
use chrono::Datelike;
use overblik_domain::access::Capability;
use overblik_report::number;
use rust_decimal::prelude::ToPrimitive;

use super::{audit_read, freshness};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Layout, Link, Page, ViewCell, ViewTable, render};

const SHOWN: usize = 500;

/// GET /oekonomi
pub async fn page(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    user.require(Capability::EconomyCases)?;
    let data = state.data().await?;
    let s = &data.snapshot;
    let t = data.date;
    let mut paid: HashMap<&str, f64> = HashMap::new();
    for p in &s.payments {
        if p.month.year() == t.year()
            && let Some(m) = &p.measure_id
        {
            *paid.entry(m.as_str()).or_default() += p.amount.to_f64().unwrap_or(0.0);
        }
    }
    let mut active: Vec<_> = s
        .measures
        .iter()
        .filter(|m| m.start_date <= t && m.end_date.is_none_or(|e| e >= t))
        .collect();
    active.sort_by(|a, b| {
        let pa = paid.get(a.measure_id.as_str()).copied().unwrap_or(0.0);
        let pb = paid.get(b.measure_id.as_str()).copied().unwrap_or(0.0);
        pb.total_cmp(&pa)
    });
    let mut table = ViewTable::new(
        "Aktive indsatser, dyreste først",
        &[
            ("Sag", false),
            ("Indsats", false),
            ("Start", false),
            ("Planlagt slut", false),
            ("Døgntakst", true),
            ("Betalt i år", true),
        ],
    );
    let mut persons = Vec::new();
    for m in active.iter().take(SHOWN) {
        if let Some(case) = s.cases.iter().find(|c| c.case_id == m.case_id) {
            persons.push(case.person_id.as_str().to_owned());
        }
        table.rows.push(vec![
            ViewCell::text(m.case_id.as_str()),
            ViewCell::text(m.measure_type.label_da()),
            ViewCell::text(number::date(m.start_date)),
            ViewCell::text(
                m.planned_end_date
                    .map(number::date)
                    .unwrap_or_else(|| "–".into()),
            ),
            ViewCell::number(
                m.daily_rate
                    .as_ref()
                    .map(|r| number::money(r.get().to_f64().unwrap_or(0.0)))
                    .unwrap_or_else(|| "–".into()),
            ),
            ViewCell::number(number::money(
                paid.get(m.measure_id.as_str()).copied().unwrap_or(0.0),
            )),
        ]);
    }
    table.note = Some(format!(
        "Viser {} af {} aktive indsatser.",
        active.len().min(SHOWN),
        active.len()
    ));
    persons.sort();
    persons.dedup();
    audit_read(
        &state,
        &user,
        client,
        "economy.list",
        None,
        Some(format!(
            "active measures, shown={}",
            active.len().min(SHOWN)
        )),
        persons,
    )
    .await?;
    let mut page = Page::new(Layout::new(
        &user,
        "Økonomi: aktive indsatser",
        "/oekonomi",
        freshness(&data),
    ));
    page.intro
        .push("Indsatser, der er i gang, med sags-id til afstemning mod økonomisystemet.".into());
    page.tables.push(table);
    page.links
        .push(Link::new("/rapporter/budget", "Budgetopfølgning"));
    Ok(render(&page))
}
