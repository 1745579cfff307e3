//! The administrator's pages: users (create, disable, enable, reset password) and the data's
//! freshness per file. No case content. Every change is audited, and disabling or resetting
//! ends the user's sessions at once.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::response::Response;
use overblik_domain::access::{Anchor, Capability, Role};
use overblik_report::number;
use overblik_store::{NewUser, StoreError};
use serde::Deserialize;

use super::freshness;
use crate::accounts::{self, Actor};
use crate::auth::{CsrfForm, CurrentUser, EmptyForm};
use crate::error::AppError;
use crate::password::{generate_password, hash_password};
use crate::state::AppState;
use crate::view::{Layout, Link, Page, ViewCell, ViewTable, render, url_encode};

#[derive(Debug, Deserialize)]
pub struct NewUserForm {
    username: String,
    display_name: String,
    role: String,
    #[serde(default)]
    staff_id: String,
    #[serde(default)]
    unit_id: String,
}

async fn users_page(
    state: &AppState,
    user: &CurrentUser,
    notice: Option<String>,
) -> Result<Response, AppError> {
    let data = state.data().await?;
    let users = state.pool().run(|store| store.users()).await?;
    let mut page = Page::new(Layout::new(
        user,
        "Brugere og data",
        "/admin/brugere",
        freshness(&data),
    ));
    page.notice = notice;
    page.user_admin = true;
    let mut table = ViewTable::new(
        "Brugere",
        &[
            ("Brugernavn", false),
            ("Navn", false),
            ("Rolle", false),
            ("Tilknytning", false),
            ("Status", false),
            ("Senest logget ind", false),
            ("Handling", false),
        ],
    );
    for u in &users {
        let status = if u.disabled {
            "Deaktiveret".to_owned()
        } else if u.locked_until.is_some_and(|t| t > chrono::Utc::now()) {
            "Spærret".to_owned()
        } else {
            "Aktiv".to_owned()
        };
        let action = if u.disabled { "aktiver" } else { "deaktiver" };
        table.rows.push(vec![
            ViewCell::text(&u.username),
            ViewCell::text(&u.display_name),
            ViewCell::text(
                Role::from_code(&u.role)
                    .map(|r| r.label_da())
                    .unwrap_or("ukendt"),
            ),
            ViewCell::text(
                u.staff_id
                    .clone()
                    .or_else(|| u.unit_id.clone())
                    .unwrap_or_default(),
            ),
            ViewCell::text(status).alert_if(u.disabled),
            ViewCell::text(
                u.last_login_at
                    .map(|t| number::date(overblik_domain::calendar::local_date(t)))
                    .unwrap_or_else(|| "–".into()),
            ),
            ViewCell::text(if u.disabled {
                "Aktivér…"
            } else {
                "Deaktivér…"
            })
            .link(format!(
                "/admin/brugere/{}/{action}",
                url_encode(&u.username)
            )),
        ]);
    }
    page.tables.push(table);
    let mut files = ViewTable::new(
        "Data: seneste indlæsning pr. fil",
        &[("Fil", false), ("Indlæst", false)],
    );
    for source in data.sources.tables() {
        files.rows.push(vec![
            ViewCell::text(source.table),
            ViewCell::text(
                source
                    .last_imported_at
                    .map(|t| number::date(overblik_domain::calendar::local_date(t)))
                    .unwrap_or_else(|| "ikke leveret".into()),
            ),
        ]);
    }
    page.tables.push(files);
    Ok(render(&page))
}

/// GET /admin/brugere
pub async fn page(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    user.require(Capability::ManageUsers)?;
    users_page(&state, &user, None).await
}

/// A generated one-time password and its hash (hashed off the async threads).
async fn new_password() -> Result<(String, String), AppError> {
    let password = generate_password();
    let for_hash = password.clone();
    let hash = tokio::task::spawn_blocking(move || hash_password(&for_hash))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((password, hash))
}

/// POST /admin/brugere: creates a user with a generated password, shown once.
pub async fn create(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    CsrfForm { form, .. }: CsrfForm<NewUserForm>,
) -> Result<Response, AppError> {
    user.require(Capability::ManageUsers)?;
    if !accounts::valid_username(&form.username) {
        return Err(AppError::bad_request(
            "brugernavn",
            "2-64 tegn: små bogstaver a-z, cifre, punktum, bindestreg eller understreg",
        ));
    }
    let display_name = form.display_name.trim().to_owned();
    if !accounts::valid_display_name(&display_name) {
        return Err(AppError::bad_request(
            "navn",
            "skal udfyldes (højst 200 tegn)",
        ));
    }
    let role = Role::from_code(&form.role)
        .ok_or_else(|| AppError::bad_request("rolle", "ukendt rolle"))?;
    let data = state.data().await?;
    let staff = form.staff_id.trim().to_owned();
    let unit = form.unit_id.trim().to_owned();
    let s = &data.snapshot;
    let (staff_id, unit_id) = match role.anchor() {
        Anchor::Staff if !s.staff.iter().any(|x| x.staff_id.as_str() == staff) => {
            return Err(AppError::bad_request(
                "medarbejder-id",
                "en sagsbehandler skal have et medarbejder-id, der findes i data",
            ));
        }
        Anchor::Unit if !s.org_units.iter().any(|u| u.unit_id.as_str() == unit) => {
            return Err(AppError::bad_request(
                "enheds-id",
                "en teamleder eller fagchef skal have et enheds-id, der findes i data",
            ));
        }
        Anchor::Staff => (Some(staff), None),
        Anchor::Unit => (None, Some(unit)),
        Anchor::Municipality => (None, None),
    };
    let (password, hash) = new_password().await?;
    let (actor_id, client) = (user.id, client.ip().to_string());
    let username = form.username.clone();
    let added = state
        .pool()
        .write(move |store| {
            let actor = Actor {
                user_id: Some(actor_id),
                client: Some(&client),
            };
            accounts::add(
                store,
                actor,
                &NewUser {
                    username: &username,
                    display_name: &display_name,
                    role: role.code(),
                    staff_id: staff_id.as_deref(),
                    unit_id: unit_id.as_deref(),
                    password_hash: &hash,
                },
            )
        })
        .await;
    match added {
        Ok(_) => {}
        Err(error @ StoreError::UserExists { .. }) => {
            return Err(AppError::bad_request("brugernavn", error.to_string()));
        }
        Err(error) => return Err(error.into()),
    }
    users_page(&state, &user, Some(format!(
        "Brugeren {} er oprettet. Engangsadgangskode: {password} – giv den videre på sikker vis; den vises ikke igen.",
        form.username
    )))
    .await
}

/// POST /admin/brugere/{username}/{deaktiver|aktiver|nulstil}
pub async fn change(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    Path((username, action)): Path<(String, String)>,
    CsrfForm { .. }: CsrfForm<EmptyForm>,
) -> Result<Response, AppError> {
    user.require(Capability::ManageUsers)?;
    let target = username.clone();
    let found = state
        .pool()
        .run(move |store| store.user_by_name(&target))
        .await?;
    let Some(found) = found else {
        return Err(AppError::NotFound);
    };
    let (actor_id, client) = (user.id, client.ip().to_string());
    let name = username.clone();
    let notice = match action.as_str() {
        "deaktiver" | "aktiver" => {
            let disable = action == "deaktiver";
            state
                .pool()
                .write(move |store| {
                    let actor = Actor {
                        user_id: Some(actor_id),
                        client: Some(&client),
                    };
                    accounts::set_disabled(store, actor, &name, disable)
                })
                .await?;
            if disable {
                state.sessions().remove_user(found.user_id);
            }
            format!(
                "Brugeren {username} er {}.",
                if disable { "deaktiveret" } else { "aktiveret" }
            )
        }
        "nulstil" => {
            let (password, hash) = new_password().await?;
            state
                .pool()
                .write(move |store| {
                    let actor = Actor {
                        user_id: Some(actor_id),
                        client: Some(&client),
                    };
                    accounts::reset_password(store, actor, &name, &hash, "password=generated")
                })
                .await?;
            state.sessions().remove_user(found.user_id);
            format!("Ny engangsadgangskode til {username}: {password} – den vises ikke igen.")
        }
        _ => return Err(AppError::NotFound),
    };
    users_page(&state, &user, Some(notice)).await
}

/// GET /admin/brugere/{username}/{action}: a confirmation form (the change itself is a POST).
pub async fn confirm(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((username, action)): Path<(String, String)>,
) -> Result<Response, AppError> {
    user.require(Capability::ManageUsers)?;
    if !["deaktiver", "aktiver", "nulstil"].contains(&action.as_str()) {
        return Err(AppError::NotFound);
    }
    let data = state.data().await?;
    let mut page = Page::new(Layout::new(
        &user,
        format!("Bekræft: {action} {username}"),
        "/admin/brugere",
        freshness(&data),
    ));
    page.confirm = Some(crate::view::Confirm {
        action: format!("/admin/brugere/{}/{}", url_encode(&username), action),
        label: format!("Ja, {action} {username}"),
    });
    page.links.push(Link::new("/admin/brugere", "Fortryd"));
    Ok(render(&page))
}
