//! Today's date where overblik's users are: Europe/Copenhagen, whatever the server's zone.

use chrono::NaiveDate;

pub fn today() -> NaiveDate {
    overblik_domain::calendar::local_date(chrono::Utc::now())
}
